// SQLite driver (embedded default): one better-sqlite3 connection in WAL mode. Calls are synchronous
// underneath; the async surface only matches the PostgreSQL driver.
//
// WAL checkpoints run on a thread of their own (a second connection): with SQLite's automatic
// checkpoint, the commit that crosses 1,000 WAL pages copies them into the database file and syncs it,
// on the thread that commits — the ingest's main thread, whose commits are the serial part of the
// pipeline (bench/platform.mjs: commits took 1.5–1.9 s per 25,000 exchanges with it, 0.5–0.9 s without).
// The writer keeps an automatic checkpoint at 16,384 pages (64 MiB) only as a backstop for a
// checkpoint thread that falls behind or dies.

import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor, SqlValue } from './sql.js';

/** WAL size (bytes) from which the checkpoint thread copies frames back, and how often it looks. */
const CHECKPOINT_BYTES = 4 * 1024 * 1024;
const CHECKPOINT_EVERY_MS = 100;

/** Runs in the checkpoint thread (CommonJS eval: no module of ours to load, from dist or from sources). */
const CHECKPOINTER = `
const { workerData, parentPort } = require('node:worker_threads');
const { statSync } = require('node:fs');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
const wal = workerData.file + '-wal';
const timer = setInterval(() => {
  let size = 0;
  try { size = statSync(wal).size; } catch { return; }
  if (size < workerData.bytes) return;
  // PASSIVE: copies what no reader still needs and never waits for the writer.
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch {}
}, workerData.every);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

function startCheckpointer(file: string): Worker {
  const worker = new Worker(CHECKPOINTER, {
    eval: true,
    workerData: {
      file: resolve(file),
      driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      bytes: CHECKPOINT_BYTES,
      every: CHECKPOINT_EVERY_MS,
    },
  });
  worker.unref();
  return worker;
}

export function openSqlite(file: string): SqlDriver {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  let checkpointer: Promise<unknown> | undefined;
  let stopCheckpointer = () => undefined as unknown;
  if (file !== ':memory:') {
    db.pragma('wal_autocheckpoint = 16384');
    const worker = startCheckpointer(file);
    checkpointer = new Promise((done) => worker.once('exit', done));
    // Unreferenced while it runs (it must not keep a process alive), referenced while it stops (the
    // close waits for it).
    stopCheckpointer = () => {
      worker.ref();
      worker.postMessage('stop');
    };
    // A checkpoint thread that fails leaves checkpoints to the writer, as SQLite does by default.
    worker.on('error', () => {
      if (db.open) db.pragma('wal_autocheckpoint = 1000');
    });
  }
  const statements = new Map<string, Database.Statement>();
  const prepare = (sql: string) => {
    let st = statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      statements.set(sql, st);
    }
    return st;
  };
  const executor: SqlExecutor = {
    async run(sql, params: readonly SqlValue[] = []) {
      prepare(sql).run(...params);
    },
    async all<T>(sql: string, params: readonly SqlValue[] = []) {
      return prepare(sql).all(...params) as T[];
    },
  };
  return {
    dialect: 'sqlite',
    ...executor,
    async transaction(fn) {
      db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(executor);
        db.exec('COMMIT');
        return result;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      }
    },
    async exec(sql) {
      db.exec(sql);
    },
    async close() {
      stopCheckpointer();
      await checkpointer;
      db.close();
    },
  };
}
