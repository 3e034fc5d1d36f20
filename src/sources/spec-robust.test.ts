import { describe, expect, it } from 'vitest';
import type { ApiSpec, JsonSchema } from '../model/index.js';
import { loadSpecText, matchOperation } from './spec.js';

/** Small deterministic PRNG so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function neverThrows(text: string, file: string) {
  const r = await loadSpecText(text, file);
  expect(r.spec !== undefined || r.issues.some((i) => i.fatal), file).toBe(true);
  return r;
}

describe('hostile and malformed input', () => {
  it('never throws on random bytes, as JSON or YAML', async () => {
    const next = rng(7);
    const alphabet = '{}[]:,"\'-#&*!|>%@`\n \t\\abc01.~/$ref';
    for (let n = 0; n < 150; n++) {
      const len = Math.floor(next() * 200);
      let s = '';
      for (let i = 0; i < len; i++)
        s +=
          next() < 0.8
            ? alphabet[Math.floor(next() * alphabet.length)]
            : String.fromCharCode(Math.floor(next() * 0x3000));
      await neverThrows(s, n % 2 ? 'f.json' : 'f.yaml');
      await neverThrows(`openapi: 3.0.0\ninfo: {title: t, version: "1"}\npaths:\n  /x: ${s}`, 'g.yaml');
    }
  });

  it('never throws on valid documents of the wrong shape', async () => {
    const shapes = [
      { openapi: '3.0.0', paths: [] },
      { openapi: '3.0.0', paths: { '/a': null, '/b': [], '/c': { get: 'x', post: [1], put: null } } },
      {
        openapi: '3.1.0',
        info: 5,
        servers: 'x',
        security: {},
        components: { securitySchemes: { a: 1, b: {} } },
      },
      {
        swagger: '2.0',
        host: 5,
        basePath: [],
        schemes: 'https',
        paths: { '/a': { get: { parameters: {} } } },
      },
      {
        swagger: '2.0',
        paths: {
          '/a': { get: { parameters: [null, 1, { in: 'body' }, { name: 1, in: 'query' }], responses: [] } },
        },
      },
      {
        openapi: '3.0.0',
        paths: { '/a': { get: { responses: { 200: null, 201: { content: [] } }, requestBody: 1 } } },
      },
      { openapi: '3.0.0', paths: { '/__proto__': { get: {} }, '/constructor': { constructor: {} } } },
    ];
    for (const s of shapes) {
      const r = await neverThrows(JSON.stringify(s), 's.json');
      expect(r.spec).toBeDefined();
    }
    const proto = await loadSpecText(JSON.stringify(shapes[6]), 'p.json');
    expect(proto.spec!.operations.map((o) => o.path)).toEqual(['/__proto__']);
    expect(({} as Record<string, unknown>).get).toBeUndefined(); // no prototype pollution
  });

  it('survives deep nesting in JSON and YAML', async () => {
    const deepJson = `${'['.repeat(50000)}${']'.repeat(50000)}`;
    await neverThrows(deepJson, 'deep.json');
    const deepYaml = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const y = await neverThrows(deepYaml, 'deep.yaml');
    expect(y.issues[0]!.code).toMatch(/^spec\./);
    // a deeply nested schema inside a valid spec resolves iteratively
    let schema = '{"type": "string"}';
    for (let i = 0; i < 20000; i++) schema = `{"type": "array", "items": ${schema}}`;
    const text = `{"openapi": "3.0.0", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {"description": "d", "content": {"application/json": {"schema": ${schema}}}}}}}}}`;
    const r = await neverThrows(text, 'nested.json');
    let s = r.spec!.operations[0]!.responses[0]!.content[0]!.schema as JsonSchema;
    let depth = 0;
    while (s.items) {
      s = s.items as JsonSchema;
      depth++;
    }
    expect(depth).toBe(20000);
  });

  it('caps YAML alias expansion (billion laughs)', async () => {
    let bomb = 'openapi: 3.0.0\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n';
    for (let i = 1; i < 10; i++)
      bomb += `a${i}: &a${i} [${Array(10)
        .fill(`*a${i - 1}`)
        .join(', ')}]\n`;
    const r = await loadSpecText(bomb, 'bomb.yaml');
    expect(r.spec).toBeUndefined();
    expect(r.issues[0]).toMatchObject({ code: 'spec.limit', fatal: true });
  });

  it('handles huge numbers and odd scalars', async () => {
    const r = await neverThrows(
      '{"openapi": "3.0.0", "info": {"title": 1e999, "version": 123456789012345678901234567890}, "paths": {"/a": {"get": {"responses": {"200": {"description": "x"}}}}}}',
      'n.json',
    );
    expect(r.spec!.title).toBe('');
    expect(r.spec!.apiVersion).toBe('1.2345678901234568e+29');
  });

  it('does not hang on $ref cycles without an object in them', async () => {
    const r = await neverThrows(
      JSON.stringify({
        openapi: '3.0.0',
        info: { title: 't', version: '1' },
        paths: {
          '/a': {
            get: {
              parameters: [{ $ref: '#/components/parameters/A' }],
              responses: {
                200: { description: 'd', content: { 'a/b': { schema: { $ref: '#/components/schemas/A' } } } },
              },
            },
          },
        },
        components: {
          parameters: { A: { $ref: '#/components/parameters/B' }, B: { $ref: '#/components/parameters/A' } },
          schemas: { A: { $ref: '#/components/schemas/B' }, B: { $ref: '#/components/schemas/A' } },
        },
      }),
      'cycle.json',
    );
    expect(r.spec!.operations).toHaveLength(1);
  });
});

describe('scale', () => {
  it('loads and matches thousands of operations', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 3000; i++)
      paths[`/r${i}/{id}/sub${i % 7}`] = {
        get: {
          parameters: [{ $ref: '#/components/parameters/Id' }],
          responses: { 200: { $ref: '#/components/responses/Ok' } },
        },
      };
    const doc = {
      openapi: '3.0.0',
      info: { title: 'big', version: '1' },
      servers: [{ url: 'https://big.example/api' }],
      paths,
      components: {
        parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'string' } } },
        responses: {
          Ok: { description: 'ok', content: { 'application/json': { schema: { type: 'object' } } } },
        },
      },
    };
    const r = await loadSpecText(JSON.stringify(doc, null, 1), 'big.json');
    const spec = r.spec as ApiSpec;
    expect(spec.operations).toHaveLength(3000);
    // shared components resolve to one object
    expect(spec.operations[0]!.responses[0]!.content[0]!.schema).toBe(
      spec.operations[2999]!.responses[0]!.content[0]!.schema,
    );
    for (let i = 0; i < 3000; i += 97)
      expect(matchOperation(spec, 'GET', 'big.example', `/api/r${i}/x/sub${i % 7}`)?.path).toBe(
        `/r${i}/{id}/sub${i % 7}`,
      );
    expect(spec.locate('/paths/~1r2999~1{id}~1sub3/get').line).toBeGreaterThan(1);
  });
});
