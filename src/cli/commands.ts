// Every CLI command, one module each. A module exports `register(program, done)`: it adds its
// command to commander and calls `done(exitCode)` when its action finishes. Modules are loaded
// lazily: a run of one command imports only that command's code (startup matters for CI gates and
// small inputs), while `--help` loads them all.

import type { Command } from 'commander';

export type Register = (program: Command, done: (exitCode: number) => void) => void;

export const COMMANDS: Record<string, () => Promise<{ register: Register }>> = {
  discover: () => import('./discover.js'),
  audit: () => import('./audit.js'),
  scan: () => import('./scan.js'),
  detect: () => import('./detect.js'),
  serve: () => import('./serve.js'),
  worker: () => import('./worker.js'),
  ingest: () => import('./ingest.js'),
  token: () => import('./token.js'),
  proxy: () => import('./proxy.js'),
  patch: () => import('./patch.js'),
  rules: () => import('./rules.js'),
};

/** The modules a command line needs: just the named command, or all of them for help and errors. */
export async function commandsFor(argv: readonly string[]): Promise<Register[]> {
  const name = argv[2];
  const only = name !== undefined ? COMMANDS[name] : undefined;
  const loaders = only ? [only] : Object.values(COMMANDS);
  return (await Promise.all(loaders.map((load) => load()))).map((m) => m.register);
}
