import { execFileSync } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSqlite } from './sqlite.js';

describe('SQLite driver', () => {
  it('checkpoints the WAL into the database file on its own thread while the writer is idle', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mamori-sqlite-')), 'wal.db');
    const db = openSqlite(file);
    try {
      await db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT NOT NULL)');
      const row = 'x'.repeat(4000);
      await db.transaction(async (tx) => {
        for (let i = 0; i < 2000; i++) await tx.run('INSERT INTO t (data) VALUES (?)', [row]);
      });
      // 8 MB committed to the WAL; the writer's own automatic checkpoint waits for 64 MiB, so only the
      // checkpoint thread can bring the pages into the database file.
      expect(statSync(`${file}-wal`).size).toBeGreaterThan(6_000_000);
      let size = statSync(file).size;
      for (let waited = 0; size < 6_000_000 && waited < 20_000; waited += 50) {
        await new Promise((r) => setTimeout(r, 50));
        size = statSync(file).size;
      }
      expect(size).toBeGreaterThan(6_000_000);
      expect(await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM t')).toEqual([{ n: 2000 }]);
    } finally {
      await db.close();
    }
  });

  it('closes cleanly with the checkpoint thread, and in memory without one', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'mamori-sqlite-')), 'close.db');
    const db = openSqlite(file);
    await db.exec('CREATE TABLE t (x TEXT)');
    await db.close();
    const again = openSqlite(file);
    expect(await again.all('SELECT * FROM t')).toEqual([]);
    await again.close();
    const memory = openSqlite(':memory:');
    await memory.exec('CREATE TABLE t (x TEXT)');
    await memory.close();
  });

  it('lets a process whose last work is closing the store finish normally', () => {
    // The checkpoint thread does not hold the process open, but the close must wait for it: a process
    // awaiting only that close used to end with exit code 13 (unsettled top-level await).
    const file = join(mkdtempSync(join(tmpdir(), 'mamori-sqlite-')), 'exit.db');
    const loader = new URL('../pipeline/ts-worker-loader.mjs', import.meta.url).href;
    const register = `import{register}from"node:module";register(${JSON.stringify(loader)});`;
    const driver = fileURLToPath(new URL('./sqlite.ts', import.meta.url));
    const script = `import { openSqlite } from ${JSON.stringify(driver)};
      const db = openSqlite(${JSON.stringify(file)});
      await db.exec('CREATE TABLE t (x TEXT)');
      await db.close();
      console.log('closed');`;
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,${encodeURIComponent(register)}`,
        '--input-type=module',
        '-e',
        script,
      ],
      { encoding: 'utf8' },
    );
    expect(out.trim()).toBe('closed');
  });
});
