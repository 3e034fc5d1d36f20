// The `mamori` command: parses flags with commander and hands each command to its own module in
// src/cli/. Data goes to stdout, progress and one-line issues to stderr. Exit codes: 0 ok,
// 1 a gate failed (`--fail-on`), 2 bad input or usage.

import { Command, CommanderError } from 'commander';
import { InputError } from '../model/index.js';
import { commandsFor } from './commands.js';

export type CommandResult = number;

export async function main(argv: string[]): Promise<number> {
  const program = new Command('mamori')
    .description('API security platform: discover, audit, detect, scan')
    .version(await packageVersion())
    .showHelpAfterError()
    .exitOverride();
  let code = 0;
  for (const register of await commandsFor(argv)) {
    register(program, (result) => {
      code = result;
    });
  }
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit through here with code 0.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof InputError) {
      process.stderr.write(`mamori: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  return code;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const url = new URL('../../package.json', import.meta.url);
  const pkg = JSON.parse(await readFile(url, 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}
