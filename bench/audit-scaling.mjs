#!/usr/bin/env node
// Is `mamori audit` near-linear in spec size? Generates one synthetic OpenAPI 3.0 spec at 1x, 4x and 16x
// (operations with bodies, parameters, shared component schemas: the shape of the large public specs) and
// audits each in-process with `--format json`, reporting CPU time per operation. Exits 1 when the 16x spec
// costs more than 2x per operation than the 1x one (the compliance view was once quadratic in findings and
// made Microsoft Graph, 45 MB, time out).
//
//   npx tsc -p tsconfig.build.json --outDir bench/.tools/m/dist && cp package.json bench/.tools/m/
//   node bench/audit-scaling.mjs [--dist bench/.tools/m/dist] [--base 500]

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { root } from './audit-corpus.mjs';

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const dist = resolve(root, opt('dist', 'dist'));
const base = Number(opt('base', 500));

function spec(ops) {
  const paths = {};
  const schemas = {};
  for (let i = 0; i < ops; i++) {
    schemas[`Thing${i}`] = {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        name: { type: 'string' },
        email: { type: 'string' },
        tags: { type: 'array', items: { type: 'string' } },
        owner: { $ref: `#/components/schemas/Thing${(i * 7 + 1) % ops}` },
      },
    };
    const ref = { $ref: `#/components/schemas/Thing${i}` };
    paths[`/v1/things${i}/{id}`] = {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { 200: { description: 'ok', content: { 'application/json': { schema: ref } } } },
      },
      put: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        requestBody: { content: { 'application/json': { schema: ref } } },
        responses: { 204: { description: 'done' } },
      },
    };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'scaling', version: '1' },
    servers: [{ url: 'http://api.scaling.test/v1' }],
    paths,
    components: { schemas },
  };
}

const { main } = await import(pathToFileURL(join(dist, 'cli/main.js')).href);
const dir = mkdtempSync(join(tmpdir(), 'mamori-scaling-'));
const write = process.stdout.write.bind(process.stdout);
const rows = [];
try {
  // A warm-up run, so the first measured size does not pay for JIT compilation alone.
  for (const factor of [1, 1, 4, 16]) {
    const ops = base * factor * 2;
    const file = join(dir, `spec-${factor}.json`);
    const text = JSON.stringify(spec(base * factor), null, 1);
    writeFileSync(file, text);
    let out = 0;
    process.stdout.write = (chunk) => {
      out += chunk.length;
      return true;
    };
    const cpu0 = process.cpuUsage();
    try {
      await main(['node', 'mamori', 'audit', '--format', 'json', '--fail-on', 'none', file]);
    } finally {
      process.stdout.write = write;
    }
    const cpu = process.cpuUsage(cpu0);
    rows.push({ factor, ops, mb: text.length / 2 ** 20, ms: (cpu.user + cpu.system) / 1000, out });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
rows.shift();
console.log('| size | operations | spec MB | CPU ms | CPU µs per operation |');
console.log('|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.factor}x | ${r.ops} | ${r.mb.toFixed(1)} | ${Math.round(r.ms)} | ${Math.round((r.ms * 1000) / r.ops)} |`,
  );
const ratio = rows[2].ms / rows[2].ops / (rows[0].ms / rows[0].ops);
console.log(`\nper-operation cost at 16x / at 1x: ${ratio.toFixed(2)} (near-linear when ≤ 2)`);
process.exitCode = ratio <= 2 ? 0 : 1;
