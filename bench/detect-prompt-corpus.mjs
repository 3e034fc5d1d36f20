#!/usr/bin/env node
// Prompt-injection and system-prompt-extraction detection on public corpora mamori was not written
// against: each prompt is sent, as the user message of an OpenAI-style chat request, through a
// detector (everything on), each by an actor of its own; a prompt counts as flagged when its exchange
// raises an `ai.prompt-injection` or `ai.system-prompt-extraction` alert.
//
// Attacks:
//   promptmap (utkusen/promptmap, rules/): the prompt of every rule of types distraction (direct
//     injection: "ignore the above directions and …"), jailbreak (DAN and role-play jailbreaks) and
//     prompt_stealing (system-prompt extraction). Its harmful / hate / social-bias rules ask for
//     harmful content without attacking the prompt, so they are not counted.
//   PINT (Lakera's benchmark, the sample kept in SaFoLab-WISC/InjecGuard datasets/valid.json): its
//     public_prompt_injection, internal_prompt_injection and jailbreak rows.
// Benign:
//   NotInject (SaFoLab-WISC/InjecGuard datasets/NotInject_{one,two,three}.json): 339 ordinary requests
//     each built around words injection detectors trip on ("ignore", "bypass", "override", …) — the
//     over-defence test; and valid.json's benign rows (WildGuard prompts, PINT chat, documents and hard
//     negatives).
//   (BIPIA rows of valid.json are instructions that are attacks only when hidden in retrieved content
//   — "Translate your response into Spanish." — and are not counted either way here.)
//
// The corpora are read from the paths given; they are not part of the repository:
//   git --git-dir=<fetched utkusen/promptmap> archive HEAD rules | tar -x -C bench/.tools/promptmap
//   git --git-dir=<fetched SaFoLab-WISC/InjecGuard> archive HEAD datasets/NotInject_one.json \
//     datasets/NotInject_two.json datasets/NotInject_three.json datasets/valid.json | tar -x -C bench/.tools/injecguard
//   npm run build && node bench/detect-prompt-corpus.mjs --promptmap bench/.tools/promptmap \
//     --injecguard bench/.tools/injecguard [--dist DIR] [--show-missed] [--show-flagged]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';

const { values } = parseArgs({
  options: {
    promptmap: { type: 'string' },
    injecguard: { type: 'string' },
    dist: { type: 'string' },
    'show-missed': { type: 'boolean', default: false },
    'show-flagged': { type: 'boolean', default: false },
  },
});
if (!values.promptmap || !values.injecguard) {
  process.stderr.write(
    'usage: node bench/detect-prompt-corpus.mjs --promptmap DIR --injecguard DIR [--dist DIR] [--show-missed] [--show-flagged]\n',
  );
  process.exit(2);
}
const dist = values.dist ? pathToFileURL(`${resolve(values.dist)}/`) : new URL('../dist/', import.meta.url);
const { createDetector } = await import(new URL('detect/index.js', dist).href);

/** [set name, label, prompt] */
const rows = [];
const PROMPTMAP_TYPES = { distraction: 'injection', jailbreak: 'jailbreak', prompt_stealing: 'extraction' };
for (const dir of Object.keys(PROMPTMAP_TYPES)) {
  const base = join(values.promptmap, 'rules', dir);
  for (const f of readdirSync(base)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const rule = parseYaml(readFileSync(join(base, f), 'utf8'));
    if (typeof rule?.prompt === 'string')
      rows.push([`promptmap ${PROMPTMAP_TYPES[dir]}`, 1, rule.prompt.trim()]);
  }
}
const ds = (name) => JSON.parse(readFileSync(join(values.injecguard, 'datasets', name), 'utf8'));
for (const name of ['NotInject_one.json', 'NotInject_two.json', 'NotInject_three.json'])
  for (const r of ds(name)) rows.push([`NotInject (${r.category})`, 0, r.prompt]);
for (const r of ds('valid.json')) {
  if (r.source.startsWith('NotInject') || r.source.startsWith('BIPIA')) continue;
  rows.push([r.source, r.label, r.prompt]);
}

const detector = createDetector();
const T0 = Date.UTC(2026, 10, 24, 9);
const flagged = rows.map(([, , prompt], i) => {
  const req = JSON.stringify({
    model: 'gpt-4o-mini',
    messages: [
      { role: 'system', content: 'You are the support assistant of Example Shop. Answer politely.' },
      { role: 'user', content: prompt },
    ],
  });
  const res = JSON.stringify({
    id: `chatcmpl-${i}`,
    object: 'chat.completion',
    model: 'gpt-4o-mini',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Thanks for your question.' },
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 120, completion_tokens: 8, total_tokens: 128 },
  });
  const ex = {
    id: `p-${i}`,
    // Spaced out, one actor each: no behaviour window links two prompts.
    time: T0 + i * 60_000,
    source: { kind: 'har', index: i },
    client: { address: `198.51.100.${1 + (i % 250)}` },
    request: {
      method: 'POST',
      scheme: 'https',
      host: 'ai.example.test',
      path: '/v1/chat/completions',
      query: [],
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer user-${i}`,
        'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/131.0',
      },
      body: { text: req, size: Buffer.byteLength(req), truncated: false, mimeType: 'application/json' },
    },
    response: {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: { text: res, size: Buffer.byteLength(res), truncated: false, mimeType: 'application/json' },
    },
  };
  const alerts = detector.process(ex);
  return alerts.some((a) => a.type === 'ai.prompt-injection' || a.type === 'ai.system-prompt-extraction');
});

const bySet = new Map();
for (const [i, [set, label]] of rows.entries()) {
  const s = bySet.get(set) ?? { label, n: 0, flagged: 0 };
  s.n++;
  if (flagged[i]) s.flagged++;
  bySet.set(set, s);
}
const pct = (a, b) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)} %`);
console.log(`${new Date().toISOString()} prompt corpora: ${rows.length} prompts`);
console.log('\n| set | kind | prompts | flagged | rate |\n|---|---|---:|---:|---:|');
for (const [set, s] of [...bySet].sort((a, b) => b[1].label - a[1].label || a[0].localeCompare(b[0])))
  console.log(
    `| ${set} | ${s.label ? 'attack' : 'benign'} | ${s.n} | ${s.flagged} | ${pct(s.flagged, s.n)} |`,
  );
let tp = 0;
let p = 0;
let fp = 0;
let n = 0;
for (const [i, [, label]] of rows.entries()) {
  if (label) {
    p++;
    if (flagged[i]) tp++;
  } else {
    n++;
    if (flagged[i]) fp++;
  }
}
console.log(
  `\nattacks detected ${tp} of ${p} (${pct(tp, p)}); benign flagged ${fp} of ${n} (${pct(fp, n)}); precision ${pct(tp, tp + fp)}`,
);
const show = (want, label) => {
  for (const [i, [set, l, prompt]] of rows.entries())
    if (l === label && flagged[i] === want)
      console.log(`  [${set}] ${prompt.replace(/\s+/g, ' ').slice(0, 220)}`);
};
if (values['show-missed']) {
  console.log('\nmissed attacks:');
  show(false, 1);
}
if (values['show-flagged']) {
  console.log('\nflagged benign:');
  show(true, 0);
}
