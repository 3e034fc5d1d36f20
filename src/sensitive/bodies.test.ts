import { describe, expect, it } from 'vitest';
import { makeExchange } from '../identity/test-support/make-exchange.js';
import { bodyKind, parseBodies, parseForm, parseTruncatedJson } from './bodies.js';

describe('bodyKind', () => {
  it('goes by media type, then by a leading { or [', () => {
    expect(
      bodyKind({ text: 'a=1', size: 3, truncated: false, mimeType: 'application/x-www-form-urlencoded' }),
    ).toBe('form');
    expect(bodyKind({ text: '{}', size: 2, truncated: false, mimeType: 'application/problem+json' })).toBe(
      'json',
    );
    expect(bodyKind({ text: '  [1]', size: 5, truncated: false, mimeType: 'text/plain' })).toBe('json');
    expect(bodyKind({ text: '<html>', size: 6, truncated: false, mimeType: 'text/html' })).toBeUndefined();
    expect(bodyKind({ text: '', size: 0, truncated: false, mimeType: 'application/json' })).toBeUndefined();
    expect(bodyKind(undefined)).toBeUndefined();
  });
});

describe('parseBodies', () => {
  it('parses JSON and form bodies in both directions', () => {
    const ex = makeExchange({
      body: 'a=1&b=x+y&a=2',
      mimeType: 'application/x-www-form-urlencoded',
      responseBody: '{"ok":true}',
    });
    const parsed = parseBodies(ex);
    expect({ ...(parsed.request as object) }).toEqual({ a: ['1', '2'], b: 'x y' });
    expect(parsed.response).toEqual({ ok: true });
  });
  it('leaves malformed bodies undefined instead of throwing', () => {
    expect(parseBodies(makeExchange({ body: '{"a":', responseBody: '{nope}' }))).toEqual({});
  });
  it('keeps the complete values of a truncated JSON body', () => {
    const text = '{"users":[{"email":"a@example.com","n":1},{"email":"b@exa';
    const ex = makeExchange({
      responseBody: { text, size: 9000, truncated: true, mimeType: 'application/json' },
    });
    expect(parseBodies(ex).response).toEqual({ users: [{ email: 'a@example.com', n: 1 }, {}] });
  });
  it('form parsing yields a prototype-less object', () => {
    const form = parseForm('__proto__=x&constructor=y');
    expect(Object.getOwnPropertyDescriptor(form, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(form)).toBeNull();
  });
});

describe('parseTruncatedJson', () => {
  const cases: Array<[string, unknown]> = [
    ['{"a":1,"b":2', { a: 1 }], // the 2 may be the start of 2024
    ['{"a":1,"b":', { a: 1 }],
    ['{"a":1,"b"', { a: 1 }],
    ['{"a":1,', { a: 1 }],
    ['{"a":12', {}],
    ['{"a":tr', {}],
    ['{"a":"x\\"y","b":[1,2,{"c":"d"', { a: 'x"y', b: [1, 2, { c: 'd' }] }],
    ['[1,[2,[3', [1, [2, []]]],
    ['[{"k":"v"},{"k":"w', [{ k: 'v' }, {}]],
    ['"abc', undefined],
    ['{"a":1}]', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`repairs ${text}`, () => {
      expect(parseTruncatedJson(text)).toEqual(expected);
    });
  }
});

describe('multipart/form-data', () => {
  const text = [
    '------b0undary',
    'Content-Disposition: form-data; name="email"',
    '',
    'jane@example.com',
    '------b0undary',
    'Content-Disposition: form-data; name="avatar"; filename="me.png"',
    'Content-Type: image/png',
    '',
    'PNGDATA',
    '------b0undary',
    'Content-Disposition: form-data; name="note"',
    '',
    'line one',
    'line two',
    '------b0undary--',
    '',
  ].join('\r\n');
  it('yields text fields and skips files', () => {
    const ex = makeExchange({ method: 'POST', body: text, mimeType: 'multipart/form-data' });
    expect({ ...(parseBodies(ex).request as object) }).toEqual({
      email: 'jane@example.com',
      note: 'line one\r\nline two',
    });
  });
});
