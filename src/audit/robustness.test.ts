// The engine must never throw on a spec the loader accepts: cycles, multi-file refs, Swagger 2.0, Postman,
// odd shapes (non-object schemas, missing responses, huge fan-out), and it must stay within its node cap.

import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadSpec, loadSpecText } from '../sources/spec.js';
import { runAudit } from './engine.js';
import { RULES } from './rules/index.js';
import { buildSpecIndex } from './spec-index.js';

const SOURCES = 'src/sources/fixtures/specs';

describe('audit robustness', () => {
  it('audits every spec the loader accepts in the sources fixtures (incl. multi-file and Postman)', async () => {
    const files = (await readdir(SOURCES)).map((f) => `${SOURCES}/${f}`);
    const multi = (await readdir(`${SOURCES}/multi`)).filter((f) => /\.(ya?ml|json)$/.test(f));
    files.push(...multi.map((f) => `${SOURCES}/multi/${f}`));
    let audited = 0;
    for (const file of files) {
      if (!/\.(ya?ml|json)$/.test(file)) continue;
      const { spec } = await loadSpec(file);
      if (!spec) continue;
      const findings = runAudit({ specs: [spec], rules: RULES });
      for (const f of findings) {
        expect(f.location?.line).toBeGreaterThanOrEqual(1);
        expect(f.location?.pointer).toMatch(/^(\/.*)?$/);
      }
      audited++;
    }
    expect(audited).toBeGreaterThanOrEqual(6);
  });

  it('cuts schema cycles and survives odd shapes', async () => {
    const doc = {
      openapi: '3.1.0',
      info: { title: 'Odd', version: '1' },
      paths: {
        '/nodes': {
          post: {
            requestBody: {
              content: {
                'application/json': { schema: { $ref: '#/components/schemas/Node' } },
                'text/plain': {},
              },
            },
            responses: { '200': { description: 'ok', content: { 'application/json': { schema: true } } } },
          },
          get: { responses: {} },
        },
      },
      components: {
        schemas: {
          Node: {
            type: 'object',
            properties: {
              child: { $ref: '#/components/schemas/Node' },
              kids: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
              weird: 'not a schema',
              either: { anyOf: [{ $ref: '#/components/schemas/Node' }, { type: ['string', 'null'] }] },
            },
          },
        },
      },
    };
    const { spec } = await loadSpecText(stringify(doc), 'odd.yaml');
    expect(spec).toBeDefined();
    const index = buildSpecIndex(spec!);
    expect(index.schemas.length).toBeLessThan(50);
    expect(() => runAudit({ specs: [spec!], rules: RULES })).not.toThrow();
  });

  it('walks a large spec once (shared index) and keeps every finding located', async () => {
    const paths: Record<string, unknown> = {};
    for (let i = 0; i < 400; i++)
      paths[`/r${i}/{id}`] = {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        get: {
          responses: {
            '200': {
              description: 'ok',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/Big' } } },
            },
          },
        },
        put: {
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Big' } } } },
          responses: { '204': { description: 'ok' } },
        },
      };
    const props: Record<string, unknown> = {};
    for (let i = 0; i < 50; i++) props[`f${i}`] = { type: 'string' };
    const { spec } = await loadSpecText(
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'Big', version: '1' },
        paths,
        components: { schemas: { Big: { type: 'object', properties: props } } },
      }),
      'big.json',
    );
    const index = buildSpecIndex(spec!);
    // The shared Big schema is walked once per role, not once per operation.
    expect(index.schemas.length).toBeLessThan(400 + 2 * 51 + 10);
    const findings = runAudit({ specs: [spec!], rules: RULES });
    expect(findings.length).toBeGreaterThan(400);
    expect(new Set(findings.map((f) => f.id)).size).toBe(findings.length);
  });
});
