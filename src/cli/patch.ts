// `mamori patch create|list|revoke`: virtual patches kept in the store, made from a stored finding or
// alert (src/respond/patch.ts decides how narrow). The proxy and middleware pick them up from the
// platform (`--server`) or from `mamori patch list --format json > patches.json` (`--patches`). Every
// change is written to the audit log.

import { randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { type Command, Option } from 'commander';
import { InputError } from '../model/index.js';
import { type Patch, PatchError, parseDuration, patchFromAlert, patchFromFinding } from '../respond/patch.js';
import { openStore, type PlatformStore } from '../store/index.js';
import type { Register } from './commands.js';
import { defaultFormat, renderTable, writeJson } from './output.js';
import { addStoreOptions, storeLocation } from './serve.js';

export interface StoreFlags {
  dataDir?: string;
  store?: string;
  /** SQLite file (same as --store FILE). */
  db?: string;
}

interface CreateFlags extends StoreFlags {
  from: 'finding' | 'alert';
  ttl?: string;
  action?: 'block' | 'log';
  by?: string;
  format?: 'json' | 'table';
}

/** `--db FILE` beside the house's `--data-dir` / `--store`. */
export function withStoreFlags(cmd: Command): Command {
  return addStoreOptions(cmd).option('--db <file>', 'SQLite store file (same as --store FILE)');
}

export async function openFromFlags(flags: StoreFlags): Promise<PlatformStore> {
  return openStore(flags.db ?? storeLocation(flags));
}

function who(flags: { by?: string }): string {
  if (flags.by) return flags.by;
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export function newPatchId(): string {
  return `patch-${randomBytes(6).toString('hex')}`;
}

/** Makes a patch from a stored finding or alert; InputError when there is none or it gives no rule. */
export async function createPatch(
  store: PlatformStore,
  from: 'finding' | 'alert',
  sourceId: string,
  opts: { ttlMs?: number; action?: 'block' | 'log'; createdBy: string; now?: number },
): Promise<Patch> {
  const now = opts.now ?? Date.now();
  const base = {
    id: newPatchId(),
    createdBy: opts.createdBy,
    now,
    ...(opts.ttlMs !== undefined ? { ttlMs: opts.ttlMs } : {}),
  };
  let patch: Patch;
  try {
    if (from === 'finding') {
      const f = await store.getFinding(sourceId);
      if (!f)
        throw new InputError({ code: 'patch.source.unknown', message: `no stored finding ${sourceId}` });
      patch = patchFromFinding(f, base);
    } else {
      const a = await store.getAlert(sourceId);
      if (!a) throw new InputError({ code: 'patch.source.unknown', message: `no stored alert ${sourceId}` });
      patch = patchFromAlert(a, base);
    }
  } catch (err) {
    if (err instanceof PatchError)
      throw new InputError({ code: `patch.${err.code}`, message: err.message, hint: err.hint });
    throw err;
  }
  if (opts.action) patch.action = opts.action;
  await store.putPatch(patch);
  await store.appendAudit({
    id: `${patch.created}-${patch.id}`,
    at: patch.created,
    who: opts.createdBy,
    action: 'patch.create',
    target: patch.id,
    details: {
      from,
      source: sourceId,
      action: patch.action,
      match: patch.match,
      expires: patch.expires ?? null,
    },
  });
  return patch;
}

function printPatches(patches: readonly Patch[], format: 'json' | 'table'): void {
  if (format === 'json') {
    writeJson({ patches });
    return;
  }
  process.stdout.write(
    renderTable(patches, [
      { header: 'ID', value: (p) => p.id },
      { header: 'ACTION', value: (p) => p.action },
      { header: 'MATCH', value: (p) => p.description, max: 80 },
      { header: 'SOURCE', value: (p) => `${p.source.kind}:${p.source.id}`, max: 28 },
      { header: 'EXPIRES', value: (p) => p.expires ?? '-' },
      { header: 'REVOKED', value: (p) => p.revoked ?? '-' },
    ]),
  );
}

const formatOption = () => new Option('--format <format>', 'output format').choices(['json', 'table']);

export const register: Register = (program, done) => {
  const patch = program
    .command('patch')
    .description(
      'virtual patches the proxy and middleware enforce: create from a finding or alert, list, revoke',
    );
  withStoreFlags(
    patch
      .command('create')
      .description('make a narrow patch from a stored finding or alert')
      .addOption(
        new Option('--from <kind>', 'what the id names').choices(['finding', 'alert']).makeOptionMandatory(),
      )
      .argument('<id>', 'finding or alert id')
      .option('--ttl <duration>', 'expire after this long (90s, 15m, 24h, 7d)')
      .addOption(new Option('--action <action>', 'override the action').choices(['block', 'log']))
      .option('--by <name>', 'who creates it (audit log; default cli:<user>)')
      .addOption(formatOption()),
  ).action(async (id: string, flags: CreateFlags) => {
    let ttlMs: number | undefined;
    if (flags.ttl !== undefined) {
      ttlMs = parseDuration(flags.ttl);
      if (ttlMs === undefined || ttlMs <= 0)
        throw new InputError({
          code: 'flag.ttl',
          message: `--ttl must be a duration like 24h or 15m: ${flags.ttl}`,
        });
    }
    const store = await openFromFlags(flags);
    let p: Patch;
    try {
      p = await createPatch(store, flags.from, id, {
        createdBy: who(flags),
        ...(ttlMs !== undefined ? { ttlMs } : {}),
        ...(flags.action ? { action: flags.action } : {}),
      });
    } finally {
      await store.close();
    }
    if ((flags.format ?? defaultFormat()) === 'json') writeJson({ patch: p });
    else
      process.stdout.write(
        `${p.id} ${p.action}: ${p.description}${p.expires ? ` (until ${p.expires})` : ''}\n`,
      );
    done(0);
  });
  withStoreFlags(
    patch
      .command('list')
      .description('live patches (JSON output is a --patches file for the proxy and middleware)')
      .option('--all', 'include expired and revoked patches')
      .addOption(formatOption()),
  ).action(async (flags: StoreFlags & { all?: boolean; format?: 'json' | 'table' }) => {
    const store = await openFromFlags(flags);
    try {
      const patches = await store.listPatches({ includeExpired: flags.all === true, now: Date.now() });
      printPatches(patches, flags.format ?? defaultFormat());
    } finally {
      await store.close();
    }
    done(0);
  });
  withStoreFlags(
    patch
      .command('revoke')
      .description('revoke a live patch')
      .argument('<id>')
      .option('--by <name>', 'who revokes it (audit log; default cli:<user>)'),
  ).action(async (id: string, flags: StoreFlags & { by?: string }) => {
    const store = await openFromFlags(flags);
    let ok = false;
    try {
      const at = new Date().toISOString();
      ok = await store.revokePatch(id, at, who(flags));
      if (ok)
        await store.appendAudit({
          id: `${at}-${id}-revoke`,
          at,
          who: who(flags),
          action: 'patch.revoke',
          target: id,
          details: {},
        });
    } finally {
      await store.close();
    }
    if (!ok) throw new InputError({ code: 'patch.unknown', message: `no live patch ${id}` });
    process.stderr.write(`mamori: revoked ${id}\n`);
    done(0);
  });
};
