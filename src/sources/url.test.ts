import { describe, expect, it } from 'vitest';
import { decodeComponent, parseQuery, parseUrl } from './url.js';

describe('parseUrl', () => {
  it('keeps the raw path and decodes the query', () => {
    expect(parseUrl('https://Ex.COM./a%2Fb/../c;x=1?x=%E6%97%A5&y=a+b&&z#frag')).toEqual({
      scheme: 'https',
      host: 'ex.com',
      path: '/a%2Fb/../c;x=1',
      query: [
        ['x', '日'],
        ['y', 'a b'],
        ['z', ''],
      ],
    });
  });

  it('handles ports, userinfo, IPv6 and WebSocket schemes', () => {
    expect(parseUrl('http://user:pw@h:80/')).toEqual({ scheme: 'http', host: 'h', path: '/', query: [] });
    expect(parseUrl('https://[2001:DB8::1]:8443')).toEqual({
      scheme: 'https',
      host: '[2001:db8::1]',
      port: 8443,
      path: '/',
      query: [],
    });
    expect(parseUrl('wss://h/socket?t=1')).toMatchObject({ scheme: 'https', path: '/socket' });
  });

  it('rejects what cannot be an HTTP request URL', () => {
    expect(parseUrl('ftp://h/x')).toMatch(/unsupported URL scheme/);
    expect(parseUrl('/relative')).toBe('not an absolute http(s) URL');
    expect(parseUrl('https:///x')).toBe('empty host');
    expect(parseUrl('https://h:99999/')).toBe('invalid port');
    expect(parseUrl('https://h:8a/')).toBe('invalid port');
    expect(parseUrl('https://h<x>/')).toBe('invalid host');
    expect(parseUrl('https://h/a b')).toMatch(/space in path/);
    expect(parseUrl('')).toBe('empty URL');
  });

  it('resolves origin-form targets against defaults', () => {
    expect(parseUrl('/p?q=1', { scheme: 'http', host: 'd' })).toEqual({
      scheme: 'http',
      host: 'd',
      path: '/p',
      query: [['q', '1']],
    });
  });
});

describe('query decoding', () => {
  it('keeps malformed escapes as written', () => {
    expect(decodeComponent('100%')).toBe('100%');
    expect(decodeComponent('%E6%97%A5%ZZ%41')).toBe('日%ZZA');
    expect(parseQuery('a=%&b=%2')).toEqual([
      ['a', '%'],
      ['b', '%2'],
    ]);
  });
});
