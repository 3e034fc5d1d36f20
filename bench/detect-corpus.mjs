#!/usr/bin/env node
// Detection on public attack corpora, optionally side by side with nginx + ModSecurity v3 + OWASP CRS.
//   (a) CRS v3.3.4 regression tests (coreruleset/coreruleset, tests/regression/tests): positive tests
//       (`log_contains`) are attacks, negative ones (`no_log_contains`) benign; detection rate per family.
//   (b) gotestwaf test cases (wallarm/gotestwaf testcases/): true positives per set, and the false-pos set.
//   (c) benign API traffic from src/demo/generator.ts: false-positive rate.
// The corpora are read from the paths given (never committed). With --modsec URL every request is also
// sent to that WAF, with `Host: localhost` and exactly the test's headers (a body is sent as bytes so the
// client adds no Content-Type of its own), in the same run. ModSecurity's verdict per request: `blocked`
// (403/400) and, read from its error log (--modsec-log), which CRS rules matched — a CRS test counts as
// detected "by the family" only when a rule of that test's own family (e.g. 942xxx for SQLi) matched,
// because CRS PL1 also blocks many test requests for unrelated protocol reasons (Accept-Charset, no
// Content-Type …), and "by the tested rule" when the rule the test was written for matched. mamori's
// "by family" column likewise leaves out protocol-anomaly alerts on CRS tests of attack families
// (all but protocol and protocol-attack). Each CRS test is labelled with the paranoia level of the rule it was written for
// (from the CRS rules directory, --crs-rules), so PL1-rule tests can be read apart. The worker's CPU
// time (from /proc) is ModSecurity's cost per request, for the per-core comparison.
//   npm run build && node bench/detect-corpus.mjs --crs DIR --gotestwaf DIR [--modsec http://127.0.0.1:18080
//        --modsec-log bench/.tools/modsec/logs/error.log --modsec-pid bench/.tools/modsec/nginx.pid]
//        [--crs-rules /usr/share/modsecurity-crs/rules] [--benign 20000] [--json out.json] [--verbose]
//        [--cpu-rounds N] [--dist DIR]
// --cpu-rounds N: (d) CPU per request side by side, N rounds over the same requests (see below).
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import http from 'node:http';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parseDocument } from 'yaml';

/** Lenient: some corpus files use escapes YAML 1.2 rejects (`\\'`); keep what parses. */
function parseYaml(text) {
  return parseDocument(text, { strict: false, uniqueKeys: false }).toJS();
}

const { values } = parseArgs({
  options: {
    crs: { type: 'string' },
    gotestwaf: { type: 'string' },
    modsec: { type: 'string' },
    'modsec-log': { type: 'string' },
    'modsec-pid': { type: 'string' },
    'crs-rules': { type: 'string', default: '/usr/share/modsecurity-crs/rules' },
    benign: { type: 'string', default: '20000' },
    'benign-modsec': { type: 'string', default: '2000' },
    json: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    'cpu-rounds': { type: 'string', default: '0' },
    dist: { type: 'string' },
  },
});

// The build to measure (--dist: a copy built apart, e.g. `npx tsc -p tsconfig.build.json --outDir DIR`).
const dist = values.dist ? pathToFileURL(`${resolve(values.dist)}/`) : new URL('../dist/', import.meta.url);
const { generateEntries } = await import(new URL('demo/generator.js', dist).href);
const { createDetector } = await import(new URL('detect/index.js', dist).href);
// Builds from before clearIdentityCaches existed keep their identity memos between rounds (said below).
const { clearIdentityCaches } = await import(new URL('identity/index.js', dist).href);
const { exchangesFromHar } = await import(new URL('sources/index.js', dist).href);

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

/** Paranoia level of every CRS rule id, from the rules' `tag:'paranoia-level/N'`. */
function ruleLevels(dir) {
  const out = new Map();
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith('.conf')) continue;
    const text = readFileSync(join(dir, name), 'utf8');
    for (const m of text.matchAll(/"id:(\d{6}),([^"]*?)(?:"|$)/gs)) {
      const pl = /paranoia-level\/(\d)/.exec(m[2]);
      out.set(m[1], pl ? Number(pl[1]) : 1);
    }
  }
  return out;
}
const LEVELS = ruleLevels(values['crs-rules']);
const FAMILY_PREFIX = Object.fromEntries(Object.entries(CRS_FAMILY).map(([k, v]) => [v, k]));

/** Most CRS tests post `var=…` bodies without a Content-Type; ModSecurity then parses no ARGS at all
 * (and scores only 920340). Both engines get them as the form they are. */
function withFormType(headers, data) {
  if (typeof data === 'string' && data !== '' && headers['content-type'] === undefined)
    headers['content-type'] = 'application/x-www-form-urlencoded';
  return headers;
}

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
        const rule = /^(\d{6})/.exec(String(t.test_title))?.[1];
        out.push({
          corpus: 'crs',
          id: t.test_title,
          family,
          level: rule ? (LEVELS.get(rule) ?? 1) : 1,
          label,
          method: (input.method ?? 'GET').toUpperCase(),
          uri: typeof input.uri === 'string' ? input.uri : '/',
          headers: withFormType(
            Object.fromEntries(
              Object.entries(input.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]),
            ),
            data,
          ),
          body: typeof data === 'string' ? data : undefined,
        });
      }
    }
  }
  return { requests: out, skipped };
}

/** gotestwaf: payload × placeholder, plain (URL-encoded on the wire where needed); attacks in a URL
 * parameter also once base64-encoded (one `base64/*` row). */
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
        if (name === 'URLParam') {
          out.push({ ...base, method: 'GET', uri: `/?q=${enc}`, headers: {} });
          // gotestwaf's Base64 encoder on the same placeholder, as its own row: neither engine is told.
          if (!benign)
            out.push({
              ...base,
              family: 'base64/*',
              method: 'GET',
              uri: `/?q=${encodeURIComponent(Buffer.from(payload).toString('base64'))}`,
              headers: {},
            });
        } else if (name === 'URLPath') out.push({ ...base, method: 'GET', uri: `/${enc}`, headers: {} });
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

/** New bytes of the ModSecurity error log since the last call: the rule ids that matched. */
let logAt =
  values['modsec-log'] && existsSync(values['modsec-log']) ? statSync(values['modsec-log']).size : 0;
function modsecRules() {
  const file = values['modsec-log'];
  if (!file) return [];
  const size = statSync(file).size;
  if (size <= logAt) return [];
  const buf = Buffer.alloc(size - logAt);
  const fd = openSync(file, 'r');
  readSync(fd, buf, 0, buf.length, logAt);
  closeSync(fd);
  logAt = size;
  return [...buf.toString('utf8').matchAll(/\[id "(\d+)"\]/g)].map((m) => m[1]);
}

/** CPU seconds (user + system) of the nginx worker (ModSecurity runs inside it). */
function workerCpu() {
  const pidFile = values['modsec-pid'];
  if (!pidFile) return undefined;
  const master = readFileSync(pidFile, 'utf8').trim();
  const children = readFileSync(`/proc/${master}/task/${master}/children`, 'utf8').trim().split(/\s+/);
  let ticks = 0;
  for (const pid of children) {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(f[11]) + Number(f[12]);
  }
  return ticks / 100;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
/** One request as the test gives it, over node:http: fetch() would replace `Host` with the socket's
 * numeric address (which CRS PL1 scores on its own, 920350) and add a Content-Type to string bodies. */
function send(r) {
  const target = new URL(values.modsec);
  const headers = { ...r.headers, host: 'localhost' };
  delete headers['content-length'];
  const body =
    r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD' ? Buffer.from(r.body) : undefined;
  if (body) headers['content-length'] = String(body.length);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: r.method,
        path: r.uri.startsWith('/') ? r.uri : `/${r.uri}`,
        headers,
        agent,
        insecureHTTPParser: true,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    // CONNECT and Upgrade answers arrive as their own events, not as a response.
    for (const event of ['connect', 'upgrade'])
      req.on(event, (res, socket) => {
        socket.destroy();
        resolve(res.statusCode ?? 0);
      });
    req.setTimeout(10_000, () => req.destroy());
    req.on('error', () => resolve(-1));
    req.end(body);
  });
}

async function modsecVerdict(r) {
  let status;
  try {
    status = await send(r);
  } catch {
    status = -1; // a request node refuses to send (bad method or header characters)
  }
  const verdict = status === 403 ? 'detected' : status === 400 ? 'rejected' : status < 0 ? 'error' : 'passed';
  // nginx writes the log line before it answers; the next request's lines start after this read.
  return { verdict, rules: modsecRules() };
}

/** Rows per corpus, family (CRS: split by the tested rule's paranoia level) and label. */
function groupOf(r) {
  if (r.corpus !== 'crs' || r.label !== 'attack') return r.family;
  return `${r.family} (${r.level === 1 ? 'PL1 rules' : 'PL2-4 rules'})`;
}
function tally(rows, engine) {
  const by = new Map();
  for (const r of rows) {
    const k = `${r.corpus}\t${groupOf(r)}\t${r.label}`;
    const t = by.get(k) ?? { corpus: r.corpus, family: groupOf(r), label: r.label, n: 0, hit: 0 };
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

// (d) CPU per request, side by side, before anything else runs detection in this process:
// --cpu-rounds N passes over the same corpus requests, alternating mamori and nginx + ModSecurity.
// mamori: each round a fresh detector (its verdict, template and classifier memos new) with the
// identity memos cleared (clearIdentityCaches), so nothing memoised carries over between rounds and
// every value is met for the first time in every round; the exchanges are built before the clock
// starts (ModSecurity's figure includes nginx parsing the HTTP request and proxying it). Round 1 is
// the process's first detection (cold: V8 still compiling the engine's code); later rounds are warm.
// ModSecurity: the same requests sent once more, the nginx worker's CPU (from /proc) over the round.
const cpuRounds = Number(values['cpu-rounds']);
const cpuTable = [];
if (cpuRounds > 0) {
  const us = (c) => c.user + c.system;
  const load = () =>
    loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `(d) ${cpuRounds} rounds of ${requests.length} requests; load average at start ${load()}` +
      (clearIdentityCaches ? '' : '; this build cannot clear its identity memos between rounds'),
  );
  for (let round = 1; round <= cpuRounds; round++) {
    const exs = requests.map(toExchange);
    clearIdentityCaches?.();
    const c0 = process.cpuUsage();
    const d = createDetector({ disabledTypes: ['behaviour.*'] });
    const compileUs = us(process.cpuUsage(c0));
    const c1 = process.cpuUsage();
    let alerts = 0;
    for (const ex of exs) alerts += d.process(ex).length;
    const mamoriUs = us(process.cpuUsage(c1)) / exs.length;
    let modsecUs;
    if (values.modsec && values['modsec-pid']) {
      const w0 = workerCpu();
      for (const r of requests) {
        try {
          await send(r);
        } catch {
          // a request node refuses to send; it costs ModSecurity nothing
        }
      }
      modsecUs = ((workerCpu() - w0) * 1e6) / requests.length;
      modsecRules(); // skip the round's log lines
    }
    cpuTable.push({
      round,
      'mamori µs/request': Number(mamoriUs.toFixed(1)),
      'createDetector ms': Number((compileUs / 1000).toFixed(1)),
      'mamori alerts': alerts,
      ...(modsecUs !== undefined
        ? {
            'nginx+ModSecurity µs/request': Number(modsecUs.toFixed(1)),
            'ModSecurity / mamori': Number((modsecUs / mamoriUs).toFixed(2)),
          }
        : {}),
      load: load(),
    });
  }
  console.table(cpuTable);
  // Warm: the median of the last half of the rounds (V8 has finished optimising by then).
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const warm = cpuTable.slice(Math.floor(cpuTable.length / 2));
  const m = (k) => median(warm.map((r) => r[k]));
  const cold = cpuTable[0];
  console.log(
    `(d) cold (round 1): mamori ${cold['mamori µs/request']} µs/request` +
      (cold['nginx+ModSecurity µs/request'] !== undefined
        ? `, nginx+ModSecurity ${cold['nginx+ModSecurity µs/request']} µs (${cold['ModSecurity / mamori']}x)`
        : '') +
      `; warm (median of rounds ${warm[0].round}-${cpuRounds}): mamori ${m('mamori µs/request')} µs/request` +
      (cold['nginx+ModSecurity µs/request'] !== undefined
        ? `, nginx+ModSecurity ${m('nginx+ModSecurity µs/request')} µs (${(m('nginx+ModSecurity µs/request') / m('mamori µs/request')).toFixed(2)}x)`
        : ''),
  );
}

const detector = createDetector({ disabledTypes: ['behaviour.*'] });
const rows = [];
let mamoriCpu = 0;
const modsecCpu0 = workerCpu();
for (const r of requests) {
  const ex = toExchange(r);
  const c0 = process.cpuUsage();
  const alerts = detector.process(ex);
  const c = process.cpuUsage(c0);
  mamoriCpu += c.user + c.system;
  const row = { ...r, mamori: alerts.length > 0, types: alerts.map((a) => a.type) };
  // By the family: for a CRS test of an attack family, a protocol-anomaly alert alone does not count
  // (many tests carry the same boilerplate headers, e.g. Accept-Charset, which both engines flag).
  row.mamoriFamily =
    r.corpus === 'crs' && r.family !== 'protocol' && r.family !== 'protocol-attack'
      ? row.types.some((t) => t !== 'signature.protocol-anomaly')
      : row.mamori;
  if (values.modsec) {
    const { verdict, rules } = await modsecVerdict(r);
    row.modsec = verdict === 'detected' || verdict === 'rejected';
    row.modsecVerdict = verdict;
    row.modsecRules = rules;
    // Detected by the family: a rule of the test's own CRS family matched (CRS rows), or any attack
    // rule (93x/94x, 913, 921) matched (gotestwaf rows).
    const prefix = r.corpus === 'crs' ? FAMILY_PREFIX[r.family] : undefined;
    row.modsecFamily =
      row.modsec &&
      rules.some((id) => (prefix ? id.startsWith(prefix) : /^(?:913|921|93\d|94[1-4])/.test(id)));
    // By the rule the test was written for (its id starts the test title).
    const tested = r.corpus === 'crs' ? /^(\d{6})/.exec(String(r.id))?.[1] : undefined;
    row.modsecRule = row.modsec && tested !== undefined && rules.includes(tested);
  }
  rows.push(row);
}

const modsecCpu = modsecCpu0 === undefined ? undefined : workerCpu() - modsecCpu0;

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
    const { verdict: v } = await modsecVerdict({
      method: ex.request.method,
      uri: `${ex.request.path}${qs ? `?${qs}` : ''}`,
      headers,
      body: ex.request.body?.text,
    });
    if (v === 'detected' || v === 'rejected') blocked++;
  }
  modsecBenign = { exchanges: sample.length, blocked };
}

const pct = (t) => `${t.hit} (${((100 * t.hit) / t.n).toFixed(1)}%)`;
const mamori = tally(rows, 'mamori');
const mamoriFamily = tally(rows, 'mamoriFamily');
const modsec = values.modsec ? tally(rows, 'modsec') : undefined;
const modsecFamily = values.modsec && values['modsec-log'] ? tally(rows, 'modsecFamily') : undefined;
const modsecRule = values.modsec && values['modsec-log'] ? tally(rows, 'modsecRule') : undefined;
const table = mamori.map((m, i) => ({
  corpus: m.corpus,
  family: m.family,
  label: m.label,
  requests: m.n,
  mamori: pct(m),
  mamoriByFamily: pct(mamoriFamily[i]),
  ...(modsec ? { modsecBlocked: pct(modsec[i]) } : {}),
  ...(modsecFamily ? { modsecByFamilyRule: pct(modsecFamily[i]) } : {}),
  ...(modsecRule ? { modsecByTestedRule: pct(modsecRule[i]) } : {}),
}));
console.table(table);
console.log(
  `CRS tests skipped (raw/encoded requests or no verdict): ${crsSkipped}; mamori CPU per corpus request: ${(mamoriCpu / Math.max(1, rows.length)).toFixed(1)} µs` +
    (modsecCpu !== undefined
      ? `; nginx+ModSecurity worker CPU per corpus request: ${((modsecCpu * 1e6) / Math.max(1, rows.length)).toFixed(1)} µs (${modsecCpu.toFixed(2)} s for ${rows.length})`
      : ''),
);
console.log(
  `benign generator traffic: ${benignEx.length} exchanges, ${benignFlagged} raised an alert (${((100 * benignFlagged) / Math.max(1, benignEx.length)).toFixed(3)}%), ${benignAlerts.length} alerts`,
  Object.fromEntries(benignTypes),
);
if (values.modsec)
  console.log(
    `requests node:http could not send to ModSecurity (invalid method or header bytes; counted as not detected): ${rows.filter((r) => r.modsecVerdict === 'error').length}`,
  );
if (modsecBenign)
  console.log(
    `benign generator traffic through ModSecurity + CRS: ${modsecBenign.exchanges} exchanges, ${modsecBenign.blocked} blocked (${((100 * modsecBenign.blocked) / Math.max(1, modsecBenign.exchanges)).toFixed(2)}%)`,
  );
if (values.verbose) {
  for (const r of rows)
    if ((r.label === 'attack') !== r.mamoriFamily)
      console.log(
        `${r.label === 'attack' ? (r.mamori ? 'MISS-BY-FAMILY' : 'MISS') : 'FP  '} ${r.corpus} ${groupOf(r).replace(/ /g, '_')} ${r.id} ${r.method} ${r.uri.slice(0, 160)} ${r.body ? `body=${r.body.slice(0, 160)}` : ''} ${JSON.stringify(r.headers).slice(0, 160)} ${r.types.join(',')}${r.modsecVerdict ? ` modsec=${r.modsecVerdict}${r.modsecFamily ? '+family' : ''}` : ''}`,
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
        ...(cpuTable.length > 0 ? { cpu: cpuTable } : {}),
      },
      null,
      2,
    ),
  );
