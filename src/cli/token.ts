// `mamori token create|list|revoke`: API tokens managed on the store directly (the machine's operator
// is the root of trust). Values are shown once; the store keeps SHA-256 hashes.

import { Option } from 'commander';
import { InputError } from '../model/index.js';
import { createToken, ROLES } from '../server/index.js';
import { openStore, type Role } from '../store/index.js';
import type { Register } from './commands.js';
import { defaultFormat, renderTable, writeJson } from './output.js';
import { addStoreOptions, storeLocation } from './serve.js';

interface StoreFlags {
  dataDir?: string;
  store?: string;
  format?: 'json' | 'table';
}

export const register: Register = (program, done) => {
  const token = program.command('token').description('create, list and revoke API tokens of `mamori serve`');
  addStoreOptions(
    token
      .command('create')
      .description('create a token and print its value once')
      .requiredOption('--name <name>', 'who or what uses it')
      .addOption(new Option('--role <role>', 'what it may do').choices([...ROLES]).makeOptionMandatory()),
  ).action(async (flags: StoreFlags & { name: string; role: Role }) => {
    if (!flags.name.trim() || flags.name.length > 128)
      throw new InputError({ code: 'flag.name', message: '--name must be 1–128 characters' });
    const store = await openStore(storeLocation(flags));
    try {
      const { token: t, value } = await createToken(store, flags.name, flags.role);
      await store.appendAudit({
        id: t.id,
        at: t.created,
        who: 'cli',
        action: 'token.create',
        target: t.id,
        details: { name: t.name, role: t.role },
      });
      process.stderr.write(`mamori: token ${t.id} (${t.role}) created; its value is shown only now:\n`);
      process.stdout.write(`${value}\n`);
    } finally {
      await store.close();
    }
    done(0);
  });
  addStoreOptions(
    token
      .command('list')
      .description('list tokens (never their values)')
      .addOption(new Option('--format <format>', 'output format').choices(['json', 'table'])),
  ).action(async (flags: StoreFlags) => {
    const store = await openStore(storeLocation(flags));
    try {
      const tokens = await store.listTokens();
      if ((flags.format ?? defaultFormat()) === 'json') writeJson({ tokens });
      else
        process.stdout.write(
          renderTable(tokens, [
            { header: 'ID', value: (t) => t.id },
            { header: 'NAME', value: (t) => t.name, max: 32 },
            { header: 'ROLE', value: (t) => t.role },
            { header: 'CREATED', value: (t) => t.created },
            { header: 'LAST USED', value: (t) => t.lastUsed ?? '-' },
            { header: 'REVOKED', value: (t) => t.revoked ?? '-' },
          ]),
        );
    } finally {
      await store.close();
    }
    done(0);
  });
  addStoreOptions(
    token.command('revoke').description('revoke a token by id or name').argument('<id-or-name>'),
  ).action(async (idOrName: string, flags: StoreFlags) => {
    const store = await openStore(storeLocation(flags));
    let ok = false;
    try {
      const at = new Date().toISOString();
      ok = await store.revokeToken(idOrName, at);
      if (ok)
        await store.appendAudit({
          id: `${at}-${idOrName}`,
          at,
          who: 'cli',
          action: 'token.revoke',
          target: idOrName,
          details: {},
        });
    } finally {
      await store.close();
    }
    if (!ok)
      throw new InputError({ code: 'token.unknown', message: `no live token with id or name ${idOrName}` });
    process.stderr.write(`mamori: revoked ${idOrName}\n`);
    done(0);
  });
};
