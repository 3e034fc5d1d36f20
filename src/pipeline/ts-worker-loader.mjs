// Module hooks that let an analysis worker thread run from the TypeScript sources, as the tests do
// (vitest transforms the files it loads itself, not those a worker thread loads). Registered only when
// threads.ts itself runs as .ts; built code starts dist/pipeline/analysis-worker.js directly.
// Types are stripped by oxc (rolldown, which vite — and so vitest — brings): ~2 ms per file, where
// TypeScript's transpileModule made a worker take over 10 s to start on this machine.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'rolldown/experimental';

export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    // Sources import each other as `./x.js` (NodeNext); the file is `./x.ts`.
    if (specifier.endsWith('.js') && context.parentURL?.endsWith('.ts'))
      return next(`${specifier.slice(0, -3)}.ts`, context);
    throw err;
  }
}

export async function load(url, context, next) {
  if (!url.endsWith('.ts')) return next(url, context);
  const file = fileURLToPath(url);
  const { code, errors } = transformSync(file, readFileSync(file, 'utf8'));
  if (errors.length > 0) throw new Error(`${file}: ${errors[0].message}`);
  return { format: 'module', source: code, shortCircuit: true };
}
