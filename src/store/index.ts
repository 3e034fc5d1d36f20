// Opening a store: a SQLite file path (embedded default) or a `postgres://` URL (scale-out).

import { homedir } from 'node:os';
import { join } from 'node:path';
import { openPostgres } from './postgres.js';
import { migrate, SqlStore } from './sql-store.js';
import { openSqlite } from './sqlite.js';
import type { PlatformStore } from './store.js';

export { DEFAULT_SETTINGS, settingsFrom } from './settings.js';

export type {
  AlertFilter,
  AuditEntry,
  AuditQuery,
  EndpointFilter,
  EndpointSummary,
  ExchangeQuery,
  FindingFilter,
  IngestCommit,
  OverviewCounts,
  PlatformSettings,
  PlatformStore,
  RetainedExchange,
  Role,
  SavedQuery,
  ScanProgress,
  ScanRecord,
  ScanStatus,
  Store,
  StoredDecision,
  StoredPatch,
  TokenRecord,
  WorkflowComment,
  WorkflowState,
} from './store.js';

/** `$MAMORI_DATA_DIR/mamori.db`, else `~/.mamori/mamori.db`. */
export function defaultDbPath(): string {
  const dir = process.env['MAMORI_DATA_DIR'] ?? join(homedir(), '.mamori');
  return join(dir, 'mamori.db');
}

export async function openStore(location: string = defaultDbPath()): Promise<PlatformStore> {
  const driver = /^postgres(ql)?:\/\//.test(location) ? await openPostgres(location) : openSqlite(location);
  try {
    await migrate(driver);
  } catch (err) {
    await driver.close();
    throw err;
  }
  return new SqlStore(driver);
}
