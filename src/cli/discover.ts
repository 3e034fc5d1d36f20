// `mamori discover`: traffic files and specs → the API inventory, merged into the store.

import { readFile, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { parse as parseYaml } from 'yaml';
import { applyConfig, auditEndpoints, RULES, scoreEndpoints } from '../audit/index.js';
import { parseTrustedProxies } from '../identity/index.js';
import { diffInventory, exportOpenApi, InventoryBuilder, mergeEndpoints } from '../inventory/index.js';
import type { ApiSpec, Endpoint, InputIssue } from '../model/index.js';
import { InputError } from '../model/index.js';
import { type CustomSensitiveType, compileClassifier } from '../sensitive/index.js';
import { readTraffic } from '../sources/index.js';
import { loadSpec } from '../sources/spec.js';
import type { TrafficFormat } from '../sources/types.js';
import { defaultDbPath, openStore } from '../store/index.js';
import type { Register } from './commands.js';
import { type Column, defaultFormat, printIssue, renderTable, writeJson } from './output.js';

interface DiscoverFlags {
  spec: string[];
  format?: 'json' | 'table';
  db?: string;
  store: boolean;
  approvedHosts: string[];
  trustedProxy: string[];
  baseline?: string;
  exportOpenapi?: string;
  explain?: string;
  strict?: boolean;
  config?: string;
  logFormat?: TrafficFormat;
  host?: string;
  bodyCap: string;
  progress: boolean;
}

/** The config file: custom sensitive types and default flags. */
interface DiscoverConfig {
  sensitiveTypes?: CustomSensitiveType[];
  approvedHosts?: string[];
  trustedProxies?: string[];
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: Register = (program, done) => {
  program
    .command('discover')
    .description(
      'build the API inventory from traffic (HAR, JSONL, access logs) and specs (OpenAPI, Postman)',
    )
    .argument('[inputs...]', 'traffic files: HAR (plain or .gz), JSONL exchanges, access logs')
    .option('--spec <file>', 'OpenAPI 2.0/3.x or Postman v2.1 spec (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'table']))
    .option('--db <path>', `store location: SQLite file or postgres:// URL (default ${defaultDbPath()})`)
    .option('--no-store', 'do not read or write the store; report this run only')
    .option(
      '--approved-hosts <glob>',
      'host glob that is approved; others are tagged rogue (repeatable)',
      collect,
      [],
    )
    .option('--trusted-proxy <cidr>', 'honour X-Forwarded-For from these proxies (repeatable)', collect, [])
    .option('--baseline <inventory.json>', 'report changes against an earlier `--format json` inventory')
    .option('--export-openapi <file>', 'write an OpenAPI 3.1 document of the observed API')
    .option('--explain <path>', 'say why each segment of PATH became a parameter or stayed literal')
    .option('--strict', 'stop at the first bad record (exit 2)')
    .option('--config <file>', 'YAML/JSON config: sensitiveTypes, approvedHosts, trustedProxies')
    .addOption(
      new Option('--log-format <format>', 'force the traffic format').choices([
        'har',
        'jsonl',
        'combined',
        'json-log',
        'envoy',
        'alb',
      ]),
    )
    .option('--host <host>', 'host for access logs that carry none')
    .option('--body-cap <bytes>', 'body bytes analysed per message', '65536')
    .option('--no-progress', 'no progress bar on stderr')
    .action(async (inputs: string[], flags: DiscoverFlags) => {
      done(await discover(inputs, flags));
    });
};

async function discover(inputs: string[], flags: DiscoverFlags): Promise<number> {
  const started = Date.now();
  if (inputs.length === 0 && flags.spec.length === 0) {
    throw new InputError({ code: 'usage.no-input', message: 'give at least one traffic file or --spec' });
  }
  const config = flags.config ? await readConfig(flags.config) : {};
  const bodyCap = Number(flags.bodyCap);
  if (!Number.isInteger(bodyCap) || bodyCap < 0) {
    throw new InputError({
      code: 'flag.body-cap',
      message: `--body-cap must be a whole number of bytes: ${flags.bodyCap}`,
    });
  }

  const specs: ApiSpec[] = [];
  for (const file of flags.spec) {
    const { spec, issues } = await loadSpec(file);
    for (const issue of issues) {
      if (issue.fatal || !spec) throw new InputError(issue);
      printIssue(issue);
    }
    if (spec) specs.push(spec);
  }

  const options = {
    specs,
    approvedHosts: [...flags.approvedHosts, ...(config.approvedHosts ?? [])],
    trustedProxies: parseTrustedProxies([...flags.trustedProxy, ...(config.trustedProxies ?? [])]),
    classifier: compileClassifier(config.sensitiveTypes),
  };
  const builder = new InventoryBuilder(options);

  let exchanges = 0;
  let skipped = 0;
  const onIssue = (issue: InputIssue) => {
    if (issue.fatal) throw new InputError(issue);
    skipped++;
    printIssue(issue);
    if (flags.strict) throw new InputError({ ...issue, hint: issue.hint ?? 'stopped by --strict' });
  };
  const bar =
    flags.progress && process.stderr.isTTY
      ? new cliProgress.SingleBar(
          {
            format: 'mamori {file} [{bar}] {percentage}% {value}/{total} MB',
            stream: process.stderr,
            hideCursor: true,
          },
          cliProgress.Presets.shades_classic,
        )
      : undefined;
  for (const file of inputs) {
    bar?.start(1, 0, { file: basename(file) });
    const reading = readTraffic(file, {
      onIssue: (issue) => onIssue({ file, ...issue }),
      bodyCap,
      ...(flags.logFormat ? { format: flags.logFormat } : {}),
      ...(flags.host ? { defaultHost: flags.host } : {}),
      onProgress: (read, total) => {
        bar?.setTotal(Math.max(1, Math.round(total / 1e6)));
        bar?.update(Math.round(read / 1e6));
      },
    });
    try {
      for await (const exchange of reading) {
        builder.add(exchange);
        exchanges++;
      }
    } finally {
      bar?.stop();
    }
  }

  if (flags.explain !== undefined) {
    for (const line of builder.explain(flags.explain)) process.stdout.write(`${line}\n`);
    return 0;
  }

  let endpoints = builder.endpoints();
  if (flags.store) {
    const store = await openStore(flags.db ?? defaultDbPath());
    try {
      const stored = await store.listEndpoints();
      endpoints = score(mergeEndpoints(stored, endpoints, options), specs);
      await store.putEndpoints(endpoints);
    } finally {
      await store.close();
    }
  } else {
    endpoints = score(endpoints, specs);
  }
  endpoints.sort(byRiskThenPath);

  const changes = flags.baseline ? diffInventory(await readBaseline(flags.baseline), endpoints) : undefined;
  if (flags.exportOpenapi) {
    await writeFile(flags.exportOpenapi, `${JSON.stringify(exportOpenApi(endpoints), null, 2)}\n`);
  }

  const summary = summarise(endpoints, exchanges, skipped, inputs.length, Date.now() - started);
  if ((flags.format ?? defaultFormat()) === 'json') {
    writeJson({ endpoints, summary, ...(changes ? { changes } : {}) });
  } else {
    process.stdout.write(renderTable(endpoints, INVENTORY_COLUMNS));
    if (changes) process.stdout.write(`\n${JSON.stringify(changes, null, 2)}\n`);
  }
  process.stderr.write(`mamori: ${summary.line}\n`);
  return 0;
}

/** Risk from the traffic posture rules: the same scoring `mamori audit --inventory` and the server use. */
const score = (endpoints: Endpoint[], specs: ApiSpec[]): Endpoint[] =>
  scoreEndpoints(endpoints, auditEndpoints(endpoints, specs, applyConfig(RULES)));

const byRiskThenPath = (a: Endpoint, b: Endpoint) =>
  b.risk - a.risk ||
  a.host.localeCompare(b.host) ||
  a.path.localeCompare(b.path) ||
  a.method.localeCompare(b.method);

const INVENTORY_COLUMNS: Column<Endpoint>[] = [
  { header: 'RISK', value: (e) => Math.round(e.risk), align: 'right' },
  { header: 'METHOD', value: (e) => e.method },
  { header: 'HOST', value: (e) => e.host, max: 32 },
  { header: 'PATH', value: (e) => e.path, max: 60 },
  { header: 'CALLS', value: (e) => e.calls, align: 'right' },
  { header: 'AUTH', value: (e) => [...new Set(e.auth.map((a) => a.type))].join(',') || '-' },
  { header: 'TAGS', value: (e) => e.tags.map((t) => t.tag).join(',') || '-' },
  {
    header: 'SENSITIVE',
    value: (e) => [...new Set(e.sensitive.map((s) => s.type))].join(',') || '-',
    max: 48,
  },
];

interface Summary {
  exchanges: number;
  skipped: number;
  files: number;
  endpoints: number;
  hosts: number;
  tags: Record<string, number>;
  sensitiveEndpoints: number;
  elapsedMs: number;
  line: string;
}

function summarise(
  endpoints: Endpoint[],
  exchanges: number,
  skipped: number,
  files: number,
  ms: number,
): Summary {
  const tags: Record<string, number> = {};
  for (const e of endpoints) for (const t of e.tags) tags[t.tag] = (tags[t.tag] ?? 0) + 1;
  const hosts = new Set(endpoints.map((e) => e.host)).size;
  const sensitiveEndpoints = endpoints.filter((e) => e.sensitive.length > 0).length;
  const tagText = Object.entries(tags)
    .map(([t, n]) => `${n} ${t}`)
    .join(', ');
  const line =
    `${exchanges} exchanges from ${files} file${files === 1 ? '' : 's'}` +
    (skipped ? ` (${skipped} skipped)` : '') +
    ` → ${endpoints.length} endpoints on ${hosts} host${hosts === 1 ? '' : 's'}` +
    (tagText ? `; ${tagText}` : '') +
    `; sensitive data on ${sensitiveEndpoints}; ${(ms / 1000).toFixed(1)} s`;
  return {
    exchanges,
    skipped,
    files,
    endpoints: endpoints.length,
    hosts,
    tags,
    sensitiveEndpoints,
    elapsedMs: ms,
    line,
  };
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new InputError({
      code: 'file.unreadable',
      file,
      message: `cannot read ${what}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    });
  }
}

async function readBaseline(file: string): Promise<Endpoint[]> {
  const text = await readText(file, 'baseline');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new InputError({
      code: 'baseline.json',
      file,
      message: `baseline is not JSON: ${(err as Error).message}`,
    });
  }
  const endpoints = (doc as { endpoints?: unknown })?.endpoints;
  if (!Array.isArray(endpoints)) {
    throw new InputError({
      code: 'baseline.shape',
      file,
      pointer: '/endpoints',
      message: 'baseline has no endpoints array',
      hint: 'use the output of `mamori discover --format json`',
    });
  }
  return endpoints as Endpoint[];
}

async function readConfig(file: string): Promise<DiscoverConfig> {
  const text = await readText(file, 'config');
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new InputError({
      code: 'config.syntax',
      file,
      message: (err as Error).message.split('\n')[0] ?? 'bad YAML',
    });
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) {
    throw new InputError({ code: 'config.shape', file, message: 'config must be a mapping' });
  }
  const config = doc as Record<string, unknown>;
  for (const key of ['approvedHosts', 'trustedProxies'] as const) {
    const value = config[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) {
      throw new InputError({
        code: 'config.field',
        file,
        field: key,
        message: `${key} must be a list of strings`,
      });
    }
  }
  const types = config['sensitiveTypes'];
  if (types !== undefined) {
    if (!Array.isArray(types)) {
      throw new InputError({
        code: 'config.field',
        file,
        field: 'sensitiveTypes',
        message: 'must be a list',
      });
    }
    types.forEach((t: unknown, i) => {
      const ok =
        typeof t === 'object' &&
        t !== null &&
        typeof (t as Record<string, unknown>)['name'] === 'string' &&
        typeof (t as Record<string, unknown>)['pattern'] === 'string';
      if (!ok) {
        throw new InputError({
          code: 'config.field',
          file,
          field: `sensitiveTypes[${i}]`,
          message: 'each sensitive type needs a name and a pattern',
        });
      }
    });
  }
  return config as DiscoverConfig;
}
