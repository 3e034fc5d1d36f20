import { describe, expect, it } from 'vitest';
import { parseCookieHeader, parseSetCookieHeader } from './cookies.js';

describe('parseCookieHeader', () => {
  it('splits pairs, trims, unquotes and percent-decodes', () => {
    expect(parseCookieHeader('a=1; b="two words";  c=x%40y.com; d=%E0%A4%A; =skip; novalue')).toEqual([
      ['a', '1'],
      ['b', 'two words'],
      ['c', 'x@y.com'],
      ['d', '%E0%A4%A'],
    ]);
  });
  it('keeps values containing =', () => {
    expect(parseCookieHeader('t=abc==; u=k=v')).toEqual([
      ['t', 'abc=='],
      ['u', 'k=v'],
    ]);
  });
});

describe('parseSetCookieHeader', () => {
  it('reads the name=value of each line, ignoring attributes', () => {
    expect(parseSetCookieHeader('sid=abc; Path=/; HttpOnly\ntheme="dark"; Max-Age=60\nbroken')).toEqual([
      ['sid', 'abc'],
      ['theme', 'dark'],
    ]);
  });
});
