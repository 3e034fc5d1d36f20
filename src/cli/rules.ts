// `mamori rules export --format modsecurity|cloudflare|aws-waf`: the store's live virtual patches and
// blocked actors in a WAF's own rule format (src/respond/rules-export.ts), to stdout or `-o FILE`.
// What the format cannot express is listed on stderr, one line each.

import { readFile, writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import { InputError } from '../model/index.js';
import { PolicyError, parseDecisions, parsePatches } from '../proxy/policy.js';
import type { Decision } from '../respond/decisions.js';
import type { Patch } from '../respond/patch.js';
import { exportRules, type RulesFormat } from '../respond/rules-export.js';
import type { Register } from './commands.js';
import { openFromFlags, type StoreFlags, withStoreFlags } from './patch.js';

interface ExportFlags extends StoreFlags {
  format: RulesFormat;
  output?: string;
  patches?: string;
}

export const register: Register = (program, done) => {
  const rules = program.command('rules').description("mamori's decisions in other products' rule formats");
  withStoreFlags(
    rules
      .command('export')
      .description('virtual patches and blocked actors as ModSecurity, Cloudflare or AWS WAF rules')
      .addOption(
        new Option('--format <format>', 'rule format')
          .choices(['modsecurity', 'cloudflare', 'aws-waf'])
          .makeOptionMandatory(),
      )
      .option('-o, --output <file>', 'write to this file instead of stdout')
      .option('--patches <file>', 'read patches (and decisions) from this JSON file instead of the store'),
  ).action(async (flags: ExportFlags) => {
    const now = Date.now();
    let patches: Patch[];
    let decisions: Decision[];
    if (flags.patches) {
      let json: unknown;
      try {
        json = JSON.parse(await readFile(flags.patches, 'utf8'));
        patches = parsePatches(json, flags.patches);
        decisions = Array.isArray(json) ? [] : parseDecisions(json, flags.patches);
      } catch (err) {
        throw new InputError({
          code: 'rules.patches.invalid',
          message:
            err instanceof PolicyError
              ? err.message
              : `cannot read ${flags.patches}: ${(err as Error).message}`,
          file: flags.patches,
        });
      }
    } else {
      const store = await openFromFlags(flags);
      try {
        patches = await store.listPatches({ now });
        decisions = await store.listDecisions(now);
      } finally {
        await store.close();
      }
    }
    const out = exportRules(flags.format, { patches, decisions, now });
    if (flags.output) await writeFile(flags.output, out.text);
    else process.stdout.write(out.text);
    for (const s of out.skipped) process.stderr.write(`mamori: skipped ${s.id}: ${s.reason}\n`);
    process.stderr.write(
      `mamori: ${out.rules} ${flags.format} rule(s)${flags.output ? ` written to ${flags.output}` : ''}\n`,
    );
    done(0);
  });
};
