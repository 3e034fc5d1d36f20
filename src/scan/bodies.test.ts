import { describe, expect, it } from 'vitest';
import { bodyKind, encodeBody, isFileSchema, sampleFile } from './bodies.js';
import { listedLinks } from './checkers/files.js';

describe('request bodies other than JSON', () => {
  it('knows the media types it can build', () => {
    expect(bodyKind('application/json; charset=utf-8')).toBe('json');
    expect(bodyKind('application/vnd.api+json')).toBe('json');
    expect(bodyKind('application/x-www-form-urlencoded')).toBe('form');
    expect(bodyKind('multipart/form-data')).toBe('multipart');
    expect(bodyKind('application/xml')).toBe('xml');
    expect(bodyKind('application/soap+xml')).toBe('xml');
    expect(bodyKind('application/octet-stream')).toBeUndefined();
  });

  it('encodes a form with arrays repeated and objects as JSON text', () => {
    const e = encodeBody('form', { q: "a b&c'", tags: ['x', 'y'], f: { a: 1 } }, { boundary: 'b' });
    expect(e.contentType).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(e.body).getAll('tags')).toEqual(['x', 'y']);
    expect(new URLSearchParams(e.body).get('q')).toBe("a b&c'");
    expect(new URLSearchParams(e.body).get('f')).toBe('{"a":1}');
  });

  it('encodes multipart with a file part of the declared type', () => {
    const file = sampleFile('application/pdf, application/zip');
    expect(file.filename).toBe('mamori.pdf');
    expect(file.content.startsWith('%PDF-')).toBe(true);
    const e = encodeBody('multipart', { title: 'r', file }, { boundary: 'mamori-b' });
    expect(e.contentType).toBe('multipart/form-data; boundary=mamori-b');
    expect(e.body).toContain('Content-Disposition: form-data; name="title"\r\n\r\nr\r\n');
    expect(e.body).toContain(
      'name="file"; filename="mamori.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-',
    );
    expect(e.body.endsWith('--mamori-b--\r\n')).toBe(true);
    expect(isFileSchema({ type: 'string', format: 'binary' })).toBe(true);
    expect(isFileSchema({ type: 'string' })).toBe(false);
  });

  it('encodes XML under the declared root, escaping text but keeping entity references', () => {
    const e = encodeBody('xml', { sku: '<a>&b', n: 1, ref: '&mamori;' }, { boundary: 'b', root: 'order' });
    expect(e.body).toContain('<order><sku>&lt;a&gt;&amp;b</sku><n>1</n><ref>&mamori;</ref></order>');
  });
});

describe('directory listings', () => {
  it('keeps links to files of the listed folder only (not parents, sub-folders or sort links)', () => {
    const html = `<a href="ftp/a.md">a</a><a href="/ftp/b.bak">b</a><a href="/">up</a>
      <a href="ftp/sub/c.txt">c</a><a href="?C=N;O=D">sort</a><a href="http://other.example/ftp/x">x</a>`;
    expect(listedLinks(html, '/ftp', '/ftp/').sort()).toEqual(['/ftp/a.md', '/ftp/b.bak']);
  });
});
