#!/usr/bin/env node
import { once } from 'node:events';
// Writes synthetic HAR traffic (src/demo/generator.ts) to a file, streamed, with its ground truth.
//   node bench/gen-traffic.mjs --entries 100000 --out /tmp/shop.har [--size-mb 1024] [--gzip] [--attacks]
//                              [--seed 42] [--truth truth.json] [--spec shop-openapi.yaml]
// Needs `npm run build` (imports dist/).
import { createWriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createGzip } from 'node:zlib';
import { stringify } from 'yaml';
import { generateEntries, shopSpec, TRUTH } from '../dist/demo/generator.js';

const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '100000' },
    'size-mb': { type: 'string' },
    out: { type: 'string' },
    gzip: { type: 'boolean', default: false },
    attacks: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    truth: { type: 'string' },
    spec: { type: 'string' },
  },
});
if (!values.out) {
  console.error(
    'usage: gen-traffic.mjs --out FILE [--entries N | --size-mb M] [--gzip] [--attacks] [--truth F] [--spec F]',
  );
  process.exit(2);
}
const limitBytes = values['size-mb'] ? Number(values['size-mb']) * 1024 * 1024 : Number.POSITIVE_INFINITY;
const entries = values['size-mb'] ? Number.MAX_SAFE_INTEGER : Number(values.entries);

const file = createWriteStream(values.out);
const sink = values.gzip ? createGzip() : file;
if (values.gzip) sink.pipe(file);
const write = async (text) => {
  if (!sink.write(text)) await once(sink, 'drain');
};

await write('{"log":{"version":"1.2","creator":{"name":"mamori-gen-traffic","version":"1"},"entries":[\n');
let bytes = 0;
let count = 0;
for (const entry of generateEntries({ entries, seed: Number(values.seed), attacks: values.attacks })) {
  const text = (count ? ',\n' : '') + JSON.stringify(entry);
  bytes += text.length;
  count++;
  await write(text);
  if (bytes >= limitBytes) break;
}
await write('\n]}}\n');
sink.end();
await once(file, 'close');
if (values.truth) await writeFile(values.truth, `${JSON.stringify({ endpoints: TRUTH }, null, 2)}\n`);
if (values.spec) await writeFile(values.spec, stringify(shopSpec()));
console.error(`wrote ${count} entries (${(bytes / 1e6).toFixed(1)} MB of JSON) to ${values.out}`);
