#!/usr/bin/env node
// Detection on public attack corpora, optionally side by side with nginx + ModSecurity v3 + OWASP CRS.
//   (a) CRS v3.3.4 regression tests (coreruleset/coreruleset, tests/regression/tests): positive tests
//       (`log_contains`) are attacks, negative ones (`no_log_contains`) benign; detection rate per family.
//   (b) gotestwaf test cases (wallarm/gotestwaf testcases/): true positives per set, and the false-pos set.
//   (c) benign API traffic from src/demo/generator.ts: false-positive rate.
// The corpora are read from the paths given (never committed). With --modsec URL every request is also
// sent to that WAF (403 = detected), with `Host: localhost`, in the same run.
//   npm run build && node bench/detect-corpus.mjs --crs DIR --gotestwaf DIR [--modsec http://127.0.0.1:18080]
//        [--benign 20000] [--json out.json]
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';

/** Lenient: some corpus files use escapes YAML 1.2 rejects (`\\'`); keep what parses. */
function parseYaml(text) {
  return parseDocument(text, { strict: false, uniqueKeys: false }).toJS();
}

import { generateEntries } from '../dist/demo/generator.js';
import { createDetector } from '../dist/detect/index.js';
import { exchangesFromHar } from '../dist/sources/index.js';

const { values } = parseArgs({
  options: {
    crs: { type: 'string' },
    gotestwaf: { type: 'string' },
    modsec: { type: 'string' },
    benign: { type: 'string', default: '20000' },
    'benign-modsec': { type: 'string', default: '2000' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

function walk(dir, ext) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, ext));
    else if (ext.some((e) => name.endsWith(e))) out.push(p);
  }
  return out;
}

const CRS_FAMILY = {
  913: 'scanner',
  920: 'protocol',
  921: 'protocol-attack',
  930: 'lfi',
  931: 'rfi',
  932: 'rce',
  933: 'php',
  934: 'nodejs',
  941: 'xss',
  942: 'sqli',
  943: 'session-fixation',
  944: 'java',
};

/** A request as the test gives it: method, uri (path + raw query), headers, body. */
function crsRequests(dir) {
  const out = [];
  let skipped = 0;
  for (const file of walk(dir, ['.yaml', '.yml'])) {
    const m = /REQUEST-(\d{3})/.exec(file);
    const family = m ? CRS_FAMILY[m[1]] : undefined;
    if (!family) continue;
    let doc;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch {
      skipped++;
      continue;
    }
    for (const t of doc?.tests ?? []) {
      for (const s of t.stages ?? []) {
        const input = s.stage?.input;
        const output = s.stage?.output ?? {};
        if (!input || input.raw_request || input.encoded_request) {
          skipped++;
          continue;
        }
        const label = output.log_contains ? 'attack' : output.no_log_contains ? 'benign' : undefined;
        if (!label) {
          skipped++;
          continue;
        }
        let data = input.data;
        if (Array.isArray(data)) data = data.join('\r\n');
        out.push({
          corpus: 'crs',
          id: t.test_title,
          family,
          label,
          method: (input.method ?? 'GET').toUpperCase(),
          uri: typeof input.uri === 'string' ? input.uri : '/',
          headers: Object.fromEntries(
            Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
          ),
          body: typeof data === 'string' ? data : undefined,
        });
      }
    }
  }
  return { requests: out, skipped };
}

/** gotestwaf: payload × placeholder, plain (URL-encoded on the wire where needed). Base64 encoders are
 * left out for both engines (neither decodes arbitrary base64). */
function gotestwafRequests(dir) {
  const out = [];
  for (const file of walk(dir, ['.yml', '.yaml'])) {
    const set = file.split('/').slice(-2, -1)[0];
    const doc = parseYaml(readFileSync(file, 'utf8'));
    const benign = set === 'false-pos';
    const family = `${set}/${(doc.type ?? file.split('/').pop()).toString().toLowerCase().replace(/\s+/g, '-')}`;
    for (const payload of doc.payload ?? []) {
      if (typeof payload !== 'string' || payload.length > 20000) continue;
      for (const ph of doc.placeholder ?? []) {
        const name = typeof ph === 'string' ? ph : Object.keys(ph)[0];
        const enc = encodeURIComponent(payload);
        const base = {
          corpus: 'gotestwaf',
          id: `${file.split('/').pop()}:${name}`,
          family,
          label: benign ? 'benign' : 'attack',
        };
        if (name === 'URLParam') out.push({ ...base, method: 'GET', uri: `/?q=${enc}`, headers: {} });
        else if (name === 'URLPath') out.push({ ...base, method: 'GET', uri: `/${enc}`, headers: {} });
        else if (name === 'Header')
          out.push({
            ...base,
            method: 'GET',
            uri: '/',
            headers: { 'x-custom': payload.replace(/[\r\n]/g, ' ') },
          });
        else if (name === 'JSONRequest' || name === 'JSONBody')
          out.push({
            ...base,
            method: 'POST',
            uri: '/',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ q: payload }),
          });
        else if (name === 'HTMLForm')
          out.push({
            ...base,
            method: 'POST',
            uri: '/',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: `q=${enc}`,
          });
        else if (name === 'UserAgent')
          out.push({
            ...base,
            method: 'GET',
            uri: '/',
            headers: { 'user-agent': payload.replace(/[\r\n]/g, ' ') },
          });
      }
    }
  }
  return out;
}

let seq = 0;
function toExchange(r) {
  const i = seq++;
  const q = r.uri.indexOf('?');
  const rawPath = q < 0 ? r.uri : r.uri.slice(0, q);
  const query = [];
  if (q >= 0) {
    for (const part of r.uri.slice(q + 1).split('&')) {
      if (!part) continue;
      const eq = part.indexOf('=');
      const dec = (s) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      query.push(eq < 0 ? [dec(part), ''] : [dec(part.slice(0, eq)), dec(part.slice(eq + 1))]);
    }
  }
  const body =
    r.body !== undefined
      ? {
          text: r.body,
          size: Buffer.byteLength(r.body),
          truncated: false,
          ...(r.headers['content-type']
            ? { mimeType: r.headers['content-type'].split(';')[0].trim().toLowerCase() }
            : {}),
        }
      : undefined;
  return {
    id: `c${i}`,
    time: Date.UTC(2026, 10, 1) + i * 1000,
    source: { kind: 'har', index: i },
    // One address per request: behaviour state never links two test requests.
    client: { address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` },
    request: {
      method: r.method,
      scheme: 'http',
      host: 'localhost',
      path: rawPath || '/',
      query,
      headers: { ...r.headers, host: 'localhost' },
      ...(body ? { body } : {}),
    },
    response: { status: 200, headers: {} },
  };
}

async function modsecVerdict(r) {
  const headers = { ...r.headers, host: 'localhost' };
  delete headers['content-length'];
  try {
    const res = await fetch(new URL(r.uri.startsWith('/') ? r.uri : `/${r.uri}`, values.modsec), {
      method: r.method,
      headers,
      ...(r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? { body: r.body } : {}),
      redirect: 'manual',
    });
    await res.arrayBuffer();
    return res.status === 403 ? 'detected' : res.status === 400 ? 'rejected' : 'passed';
  } catch {
    return 'error';
  }
}

function tally(rows, engine) {
  const by = new Map();
  for (const r of rows) {
    const k = `${r.corpus}\t${r.family}\t${r.label}`;
    const t = by.get(k) ?? { corpus: r.corpus, family: r.family, label: r.label, n: 0, hit: 0 };
    t.n++;
    if (r[engine]) t.hit++;
    by.set(k, t);
  }
  return [...by.values()].sort((a, b) =>
    (a.corpus + a.family + a.label).localeCompare(b.corpus + b.family + b.label),
  );
}

const requests = [];
let crsSkipped = 0;
if (values.crs) {
  const c = crsRequests(values.crs);
  requests.push(...c.requests);
  crsSkipped = c.skipped;
}
if (values.gotestwaf) requests.push(...gotestwafRequests(values.gotestwaf));

const detector = createDetector({ disabledTypes: ['behaviour.*'] });
const rows = [];
let mamoriCpu = 0;
for (const r of requests) {
  const ex = toExchange(r);
  const c0 = process.cpuUsage();
  const alerts = detector.process(ex);
  const c = process.cpuUsage(c0);
  mamoriCpu += c.user + c.system;
  const row = { ...r, mamori: alerts.length > 0, types: alerts.map((a) => a.type) };
  if (values.modsec) {
    const v = await modsecVerdict(r);
    row.modsec = v === 'detected' || v === 'rejected';
    row.modsecVerdict = v;
  }
  rows.push(row);
}

// (c) Benign API traffic from the generator (no attacks): alerts per exchange.
const benignN = Number(values.benign);
const entries = [...generateEntries({ entries: benignN, attacks: false, seed: 11 })];
const benignEx = exchangesFromHar({ log: { version: '1.2', entries } }, { onIssue() {} });
const benignDetector = createDetector();
let benignFlagged = 0;
const benignTypes = new Map();
for (const ex of benignEx) {
  const a = benignDetector.process(ex);
  if (a.length) benignFlagged++;
  for (const x of a) benignTypes.set(x.type, (benignTypes.get(x.type) ?? 0) + 1);
}
const benignAlerts = benignDetector.flush().alerts;
// The same benign exchanges through ModSecurity (first --benign-modsec of them; HTTP round trips are slow).
let modsecBenign;
if (values.modsec) {
  const sample = benignEx.slice(0, Number(values['benign-modsec']));
  let blocked = 0;
  for (const ex of sample) {
    const qs = ex.request.query
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join('&');
    const headers = { ...ex.request.headers };
    for (const h of ['host', 'content-length', 'connection', 'transfer-encoding']) delete headers[h];
    const v = await modsecVerdict({
      method: ex.request.method,
      uri: `${ex.request.path}${qs ? `?${qs}` : ''}`,
      headers,
      body: ex.request.body?.text,
    });
    if (v === 'detected' || v === 'rejected') blocked++;
  }
  modsecBenign = { exchanges: sample.length, blocked };
}

const mamori = tally(rows, 'mamori');
const modsec = values.modsec ? tally(rows, 'modsec') : undefined;
const table = mamori.map((m, i) => ({
  corpus: m.corpus,
  family: m.family,
  label: m.label,
  requests: m.n,
  mamori: `${m.hit} (${((100 * m.hit) / m.n).toFixed(1)}%)`,
  ...(modsec ? { modsecCrs: `${modsec[i].hit} (${((100 * modsec[i].hit) / modsec[i].n).toFixed(1)}%)` } : {}),
}));
console.table(table);
console.log(
  `CRS tests skipped (raw/encoded requests or no verdict): ${crsSkipped}; mamori CPU per corpus request: ${(mamoriCpu / Math.max(1, rows.length)).toFixed(1)} µs`,
);
console.log(
  `benign generator traffic: ${benignEx.length} exchanges, ${benignFlagged} raised an alert (${((100 * benignFlagged) / Math.max(1, benignEx.length)).toFixed(3)}%), ${benignAlerts.length} alerts`,
  Object.fromEntries(benignTypes),
);
if (modsecBenign)
  console.log(
    `benign generator traffic through ModSecurity + CRS: ${modsecBenign.exchanges} exchanges, ${modsecBenign.blocked} blocked (${((100 * modsecBenign.blocked) / Math.max(1, modsecBenign.exchanges)).toFixed(2)}%)`,
  );
if (values.verbose) {
  for (const r of rows)
    if ((r.label === 'attack') !== r.mamori)
      console.log(
        `${r.label === 'attack' ? 'MISS' : 'FP  '} ${r.corpus} ${r.family} ${r.id} ${r.method} ${r.uri.slice(0, 160)} ${r.body ? `body=${r.body.slice(0, 160)}` : ''} ${JSON.stringify(r.headers).slice(0, 160)} ${r.types.join(',')}`,
      );
}
if (values.json)
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        table,
        crsSkipped,
        benign: { exchanges: benignEx.length, flagged: benignFlagged, alerts: benignAlerts.length },
      },
      null,
      2,
    ),
  );
