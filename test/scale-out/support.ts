// Shared helpers of the scale-out tests: a PostgreSQL schema and a JetStream stream per run (both
// dropped afterwards), the built CLI spawned as worker processes, and the in-process baseline.
// Child processes run the built dist (`node bin/mamori.js worker …`): `ensureBuilt()` runs
// the TypeScript build (not the console's) when dist/ is missing or older than any file under src/.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';

export const ROOT = join(import.meta.dirname, '..', '..');
export const PG = 'postgres://postgres@127.0.0.1:5432/test';
export const NATS = 'nats://127.0.0.1:4222';

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export function ensureBuilt(): void {
  const main = join(ROOT, 'dist', 'cli', 'worker.js');
  if (existsSync(main) && statSync(main).mtimeMs >= newest(join(ROOT, 'src'))) return;
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'ignore' });
  } catch {
    // tsc emits even when another module in progress has a type error; the worker must exist.
  }
  if (!existsSync(main)) throw new Error('tsc -p tsconfig.build.json did not produce dist/cli/worker.js');
}

export function runId(): string {
  return `so_${process.pid}_${Date.now().toString(36)}`;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await c.end();
  }
}

export interface Counts {
  processed: number;
  exchanges: number;
}

export async function counts(schema: string): Promise<Counts> {
  const c = new pg.Client({ connectionString: PG });
  await c.connect();
  try {
    const ready = await c.query(
      'SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2',
      [schema, 'processed'],
    );
    if (ready.rowCount === 0) return { processed: 0, exchanges: 0 };
    const one = async (sql: string) => Number((await c.query(sql)).rows[0]?.n ?? 0);
    return {
      processed: await one(`SELECT COUNT(*) AS n FROM ${schema}.processed`),
      exchanges: await one(`SELECT COUNT(*) AS n FROM ${schema}.exchanges`),
    };
  } finally {
    await c.end();
  }
}

export function spawnWorker(
  args: string[],
  env: Record<string, string> = {},
): ChildProcess & { log: string[] } {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'mamori.js'), 'worker', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  }) as ChildProcess & { log: string[] };
  child.log = [];
  child.stderr?.setEncoding('utf8').on('data', (d: string) => child.log.push(d));
  return child;
}

export async function stopWorker(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

export async function waitFor(what: string, cond: () => Promise<boolean>, timeoutMs = 40_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}
