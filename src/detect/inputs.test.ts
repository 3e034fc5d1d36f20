import { describe, expect, it } from 'vitest';
import { PROMPT_SIGNATURES } from './ai/prompt-signatures.js';
import { base64Text, multipartParts, requestInputs } from './inputs.js';
import { SIGNATURES } from './signatures/catalogue.js';
import { compileCatalogue } from './signatures/matcher.js';
import { fakeExchange } from './test-support/exchanges.js';

const catalogue = compileCatalogue([...SIGNATURES, ...PROMPT_SIGNATURES]);
const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Signature ids that fire on the request, the way the engine reads it. */
function fired(ex: ReturnType<typeof fakeExchange>, parsed?: unknown): string[] {
  return [...new Set(catalogue.match(requestInputs(ex, parsed)).map((h) => h.signature.id))].sort();
}

describe('base64Text', () => {
  it('decodes base64 of printable text, in either alphabet', () => {
    expect(base64Text(b64("' union select password from users--"))).toBe(
      "' union select password from users--",
    );
    expect(base64Text(b64('<script>alert(1)</script>').replace(/\+/g, '-').replace(/\//g, '_'))).toBe(
      '<script>alert(1)</script>',
    );
  });
  it('leaves ids, hashes, words and binary alone', () => {
    expect(base64Text('4f9c2a7e1b3d5f60718293a4b5c6d7e8')).toBeUndefined(); // hex id
    expect(base64Text('administrators')).toBeUndefined(); // a word
    expect(
      base64Text(Buffer.from([0xac, 0xed, 0, 5, 0x73, 0x72, 0, 0x17, 0x6a, 0x61]).toString('base64')),
    ).toBeUndefined();
    expect(base64Text('dGVzdA==')).toBeUndefined(); // too short to hide a payload
  });
});

describe('multipartParts', () => {
  it('reads names, file names and text content', () => {
    const body =
      '--XyZ\r\nContent-Disposition: form-data; name="title"\r\n\r\nhello\r\n' +
      '--XyZ\r\nContent-Disposition: form-data; name="upload"; filename="shell.php"\r\nContent-Type: text/plain\r\n\r\n<?php system($_GET[c]); ?>\r\n' +
      '--XyZ--\r\n';
    expect(multipartParts(body)).toEqual([
      { name: 'title', text: 'hello' },
      { name: 'upload', filename: 'shell.php', text: '<?php system($_GET[c]); ?>' },
    ]);
  });
});

describe('requestInputs: hidden payloads reach the signatures', () => {
  it('a multipart part, its file name and its content', () => {
    const body =
      '--b\r\nContent-Disposition: form-data; name="q"\r\n\r\n1 union select password from users--\r\n' +
      '--b\r\nContent-Disposition: form-data; name="f"; filename="x.jsp"\r\n\r\n<% Runtime.getRuntime().exec("id"); %>\r\n--b--\r\n';
    const ex = fakeExchange({ method: 'POST', body });
    ex.request.body!.mimeType = 'multipart/form-data';
    expect(fired(ex)).toEqual(
      expect.arrayContaining(['MAM-SIG-SQLI-001', 'MAM-SIG-UPLOAD-001', 'MAM-SIG-JAVA-001']),
    );
  });

  it('base64 in a query value, a JSON field and a cookie', () => {
    expect(fired(fakeExchange({ query: [['data', b64("1' or '1'='1")]] }))).toEqual(['MAM-SIG-SQLI-001']);
    const body = { payload: b64('_$$ND_FUNC$$_function(){require("child_process").exec("id")}()') };
    expect(fired(fakeExchange({ method: 'POST', body }), body)).toContain('MAM-SIG-NODE-001');
    expect(fired(fakeExchange({ headers: { cookie: `prefs=${b64('<script>alert(1)</script>')}` } }))).toEqual(
      ['MAM-SIG-XSS-001'],
    );
  });

  it('a parameter name that is not an identifier, and a value smuggled into a name', () => {
    expect(fired(fakeExchange({ query: [['<script>alert(1)</script>', '']] }))).toEqual(['MAM-SIG-XSS-001']);
    const form = { 'pay=AND 2771=1709)': '' };
    expect(fired(fakeExchange({ method: 'POST', body: 'pay%3DAND+2771%3D1709%29' }), form)).toEqual([
      'MAM-SIG-SQLI-001',
    ]);
    expect(fired(fakeExchange({ headers: { cookie: 'java.lang.Runtime=1' } }))).toEqual(['MAM-SIG-JAVA-001']);
  });

  it('benign twins stay quiet: base64 ids and images, plain names, Basic credentials', () => {
    const body = {
      avatar: Buffer.from(Array.from({ length: 64 }, (_, i) => (i * 37) % 256)).toString('base64'),
      note: b64('Please deliver after 5 pm, ring twice'),
      user_id: 'u_12345',
    };
    const ex = fakeExchange({
      method: 'POST',
      body,
      query: [
        ['page_size', '20'],
        ['a.b.c', 'x'],
      ],
      headers: { authorization: `Basic ${b64("admin:' or 1=1--")}`, cookie: 'session_id=abc123' },
    });
    expect(fired(ex, body)).toEqual([]);
  });

  it('one finding per field when a value is read two ways', () => {
    const ex = fakeExchange({ query: [['q', b64('<script>alert(1)</script>')]] });
    expect(catalogue.match(requestInputs(ex, undefined))).toHaveLength(1);
  });
});

describe('requestInputs: bodies sent without a media type', () => {
  const fields = (text: string) =>
    requestInputs(fakeExchange({ method: 'POST', path: '/f', body: text }), undefined)
      .filter((i) => i.location === 'json-value' || i.location === 'body')
      .map((i) => `${i.location}:${i.name}=${i.raw}`);
  it('reads a form field by field, an escaped token as a form, anything else whole', () => {
    expect(fields('a=1&b=2 3')).toEqual(['json-value:$.a=1', 'json-value:$.b=2 3']);
    expect(fields('a=b&c')).toEqual(['json-value:$.a=b', 'json-value:$.c=']);
    expect(fields('%27or%201')).toEqual(["json-value:$.'or 1='or 1", "json-value:$.'or 1="]);
    expect(fields('hello world')).toEqual(['body:body=hello world']);
    expect(fields('{"a":1')).toEqual(['body:body={"a":1']);
  });
  it('reads a long run of escapes that is not a form as one body value', () => {
    const text = `${'%'.repeat(16_000)} x`;
    expect(fields(text)).toEqual([`body:body=${text}`]);
  });
});
