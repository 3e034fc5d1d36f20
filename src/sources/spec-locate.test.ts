import { describe, expect, it } from 'vitest';
import { escapePointerToken, JsonLocator, parseSpecFile, pointerTokens } from './spec-locate.js';

function locator(text: string, path: string) {
  const f = parseSpecFile(text, path);
  if ('code' in f) throw new Error(f.message);
  return f;
}

describe('pointers', () => {
  it('splits and escapes tokens', () => {
    expect(pointerTokens('')).toEqual([]);
    expect(pointerTokens('#/paths/~1a~1{id}/get')).toEqual(['paths', '/a/{id}', 'get']);
    expect(pointerTokens('/a~01/b')).toEqual(['a~1', 'b']);
    expect(escapePointerToken('/a~b')).toBe('~1a~0b');
  });
});

describe('JSON locate', () => {
  const text =
    '{\r\n  "a": {"b": [1, {"c\\"d": "x"}, [2, 3]], "e\\u0041": null},\r\n  "f": "}\\\\"\r\n, "g": 1e999}';
  it('finds member keys and array items through escapes and CRLF', () => {
    const f = locator(text, 'x.json');
    expect(f.format).toBe('json');
    expect(f.locator.locate('')).toEqual({ line: 1, column: 1 });
    expect(f.locator.locate('/a')).toEqual({ line: 2, column: 3 });
    expect(f.locator.locate('/a/b/1')).toEqual({ line: 2, column: 18 });
    expect(f.locator.locate('/a/b/1/c"d')).toEqual({ line: 2, column: 19 });
    expect(f.locator.locate('/a/b/2/1')).toEqual({ line: 2, column: 37 });
    expect(f.locator.locate('/a/eA')).toEqual({ line: 2, column: 42 });
    expect(f.locator.locate('/f')).toEqual({ line: 3, column: 3 });
    expect(f.locator.locate('/g')).toEqual({ line: 4, column: 3 });
    // missing → deepest existing ancestor; bad index → the array's member
    expect(f.locator.locate('/a/b/9')).toEqual({ line: 2, column: 9 });
    expect(f.locator.locate('/a/b/01')).toEqual({ line: 2, column: 9 });
    expect(f.locator.locate('/zz/yy')).toEqual({ line: 1, column: 1 });
  });

  it('uses the last of duplicate keys, as JSON.parse does', () => {
    const f = locator('{"a": 1,\n "a": 2}', 'd.json');
    expect((f.value as { a: number }).a).toBe(2);
    expect(f.locator.locate('/a')).toEqual({ line: 2, column: 2 });
  });

  it('strips a BOM', () => {
    const f = locator('\uFEFF{"a": 1}', 'b.json');
    expect(f.locator.locate('/a')).toEqual({ line: 1, column: 2 });
  });

  it('indexes each container once (repeat lookups stay cheap on big documents)', () => {
    const big = `{"paths": {${Array.from({ length: 20000 }, (_, i) => `"/p${i}": {"get": {}}`).join(',\n')}}}`;
    const l = new JsonLocator(big);
    expect(l.locate('/paths/~1p19999/get')).toEqual({ line: 20000, column: 13 });
    for (let i = 0; i < 20000; i += 1000) expect(l.locate(`/paths/~1p${i}`).line).toBe(i + 1);
  });
});

describe('YAML locate', () => {
  const text = [
    'a:', // 1
    '  b:', // 2
    '    - 1', // 3
    '    - c: &anchor', // 4
    '        d: x', // 5
    "  'e/f': {g: [1, 2]}", // 6
    'h: *anchor', // 7
    '"n": ', // 8
    '10: ten', // 9
  ].join('\n');
  it('finds keys, items, flow nodes, aliases and null values', () => {
    const f = locator(text, 'x.yaml');
    expect(f.format).toBe('yaml');
    expect(f.locator.locate('/a')).toEqual({ line: 1, column: 1 });
    expect(f.locator.locate('/a/b/0')).toEqual({ line: 3, column: 7 });
    expect(f.locator.locate('/a/b/1/c')).toEqual({ line: 4, column: 7 });
    expect(f.locator.locate('/a/b/1/c/d')).toEqual({ line: 5, column: 9 });
    expect(f.locator.locate('/a/e~1f/g/1')).toEqual({ line: 6, column: 18 });
    expect(f.locator.locate('/h/d')).toEqual({ line: 5, column: 9 }); // through the alias to the anchor
    expect(f.locator.locate('/n')).toEqual({ line: 8, column: 1 });
    expect(f.locator.locate('/10')).toEqual({ line: 9, column: 1 });
    expect(f.locator.locate('/a/b/7/x')).toEqual({ line: 2, column: 3 });
  });

  it('parses merge keys', () => {
    const f = locator('base: &b {x: 1}\nderived:\n  <<: *b\n  y: 2\n', 'm.yaml');
    expect(f.value).toEqual({ base: { x: 1 }, derived: { x: 1, y: 2 } });
  });
});

describe('parse errors', () => {
  it('positions YAML and JSON syntax errors', () => {
    const y = parseSpecFile('a: [1, 2\nb: 3\n', 'x.yml');
    expect(y).toMatchObject({ code: 'spec.syntax', fatal: true, file: 'x.yml' });
    expect('line' in y && y.line).toBeGreaterThan(0);
    const j = parseSpecFile('{\n  "a": tru\n}', 'x.json');
    expect(j).toMatchObject({ code: 'spec.syntax', line: 2, fatal: true });
    const cut = parseSpecFile('{\n  "a": [1,', 'cut.json');
    expect(cut).toMatchObject({ code: 'spec.syntax', line: 2, column: 11 });
    expect(parseSpecFile('{"a": 1} x', 'g.json')).toMatchObject({ line: 1, column: 10 });
    expect(parseSpecFile('{"a": "\\q"}', 'e.json')).toMatchObject({ line: 1, column: 9 });
    expect(parseSpecFile('[1,]', 'e.json')).toMatchObject({ line: 1, column: 4 });
    expect(parseSpecFile('{"a" 1}', 'e.json')).toMatchObject({ line: 1, column: 6 });
    const dup = parseSpecFile('a: 1\na: 2\n', 'dup.yaml');
    expect(dup).toMatchObject({ code: 'spec.syntax', line: 2 });
  });

  it('reads JSON text in YAML-named files with JSON.parse, reporting the error of the named format', () => {
    const j = parseSpecFile('{"a": [1, 2]}', 'x.yaml');
    expect('format' in j && j.format).toBe('json');
    const flow = parseSpecFile('{a: [1, 2]}', 'x.yaml');
    expect('value' in flow && flow.value).toEqual({ a: [1, 2] });
    expect(parseSpecFile('{"a": [1, 2}', 'upload')).toMatchObject({ code: 'spec.syntax', column: 12 });
    expect(parseSpecFile('{"a": [1, 2}', 'upload')).toMatchObject({
      message: expect.stringMatching(/^invalid JSON/),
    });
    expect(parseSpecFile('{"a": [1, 2}', 'x.yml')).toMatchObject({
      message: expect.stringMatching(/^invalid YAML/),
    });
  });

  it('detects JSON by content when the extension says nothing', () => {
    const f = parseSpecFile('  {"a": 1}', 'spec');
    expect('format' in f && f.format).toBe('json');
    const g = parseSpecFile('a: 1', 'spec');
    expect('format' in g && g.format).toBe('yaml');
  });
});

describe('YAML details', () => {
  it('locates quoted keys at their quote and members reached through merge keys', () => {
    const f = locator('base: &b\n  x: 1\nd:\n  <<: *b\n  "y": 2\n', 'q.yaml');
    expect(f.locator.locate('/d/y')).toEqual({ line: 5, column: 3 });
    expect(f.locator.locate('/d/x')).toEqual({ line: 2, column: 3 });
  });

  it('reads YAML 1.2 core scalars (no timestamps, no yes/no booleans)', () => {
    const f = locator('a: 2024-01-02\nb: yes\nc: 0x1F\nd: ~\ne: "1.0"\n200: ok\n', 's.yaml');
    expect(f.value).toEqual({ a: '2024-01-02', b: 'yes', c: 31, d: null, e: '1.0', 200: 'ok' });
  });

  it('limits nesting depth and alias expansion with positioned issues', () => {
    expect(parseSpecFile(`a: ${'['.repeat(2000)}${']'.repeat(2000)}`, 'd.yaml')).toMatchObject({
      code: 'spec.limit',
      line: 1,
    });
    let bomb = 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 8; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    expect(parseSpecFile(bomb, 'b.yaml')).toMatchObject({ code: 'spec.limit', fatal: true });
    // moderate legitimate reuse is fine
    const reuse = parseSpecFile('s: &s {type: string}\na: *s\nb: [*s, *s]\n', 'r.yaml');
    expect('value' in reuse && reuse.value).toEqual({
      s: { type: 'string' },
      a: { type: 'string' },
      b: [{ type: 'string' }, { type: 'string' }],
    });
  });
});
