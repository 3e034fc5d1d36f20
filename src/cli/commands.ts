// Every CLI command, one module each. A module exports `register(program, done)`: it adds its
// command to commander and calls `done(exitCode)` when its action finishes.

import type { Command } from 'commander';
import { register as audit } from './audit.js';
import { register as detect } from './detect.js';
import { register as discover } from './discover.js';
import { register as ingest } from './ingest.js';
import { register as proxy } from './proxy.js';
import { register as scan } from './scan.js';
import { register as serve } from './serve.js';
import { register as token } from './token.js';
import { register as worker } from './worker.js';

export type Register = (program: Command, done: (exitCode: number) => void) => void;

export const COMMANDS: Register[] = [audit, discover, scan, detect, proxy, worker, serve, ingest, token];
