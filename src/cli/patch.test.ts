import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createDetector } from '../detect/index.js';
import { fakeExchange } from '../detect/test-support/exchanges.js';
import type { Finding } from '../model/index.js';
import { CATALOGUE } from '../scan/tests/index.js';
import { openStore } from '../store/index.js';
import { type ProxyFlags, startFromFlags } from './proxy.js';
import { runCli } from './test-support.js';

const sqliTest = CATALOGUE.find((t) => t.checker === 'sqli-error')!;
const finding: Finding = {
  id: 'f0123456789abcdef',
  test: sqliTest.id,
  title: `${sqliTest.name} (query.q)`,
  severity: 'high',
  owasp: 'API8:2023',
  compliance: [],
  host: '127.0.0.1',
  method: 'GET',
  path: '/search',
  evidence: [],
  remediation: 'bind parameters',
};

async function seededDb(): Promise<{ db: string; alertId: string }> {
  const db = join(mkdtempSync(join(tmpdir(), 'mamori-patch-')), 'm.db');
  const store = await openStore(db);
  await store.replaceFindings('scan:s1', [finding]);
  const d = createDetector();
  const alerts = d.process(fakeExchange({ method: 'POST', path: '/login', body: { user: "x' or '1'='1" } }));
  await store.putAlerts(alerts);
  await store.close();
  return { db, alertId: alerts[0]!.id };
}

describe('mamori patch', () => {
  it('create from a finding and an alert, list, revoke; every change in the audit log', async () => {
    const { db, alertId } = await seededDb();
    const made = await runCli(
      'patch',
      'create',
      '--from',
      'finding',
      finding.id,
      '--ttl',
      '24h',
      '--db',
      db,
      '--format',
      'json',
      '--by',
      'alice',
    );
    expect(made.code, made.stderr).toBe(0);
    const p = JSON.parse(made.stdout).patch;
    expect(p).toMatchObject({
      action: 'block',
      createdBy: 'alice',
      source: { kind: 'finding', id: finding.id },
      match: { method: 'GET', path: '/search', where: 'query', name: 'q' },
    });
    expect(Date.parse(p.expires) - Date.parse(p.created)).toBe(24 * 3600_000);
    const fromAlert = await runCli(
      'patch',
      'create',
      '--from',
      'alert',
      alertId,
      '--db',
      db,
      '--format',
      'json',
    );
    expect(fromAlert.code, fromAlert.stderr).toBe(0);
    expect(JSON.parse(fromAlert.stdout).patch.match).toMatchObject({
      path: '/login',
      where: 'body',
      name: 'user',
    });

    const list = await runCli('patch', 'list', '--db', db, '--format', 'json');
    expect(JSON.parse(list.stdout).patches).toHaveLength(2);
    const revoke = await runCli('patch', 'revoke', p.id, '--db', db, '--by', 'bob');
    expect(revoke.code, revoke.stderr).toBe(0);
    expect(
      JSON.parse((await runCli('patch', 'list', '--db', db, '--format', 'json')).stdout).patches,
    ).toHaveLength(1);
    const all = JSON.parse(
      (await runCli('patch', 'list', '--all', '--db', db, '--format', 'json')).stdout,
    ).patches;
    expect(all.find((x: { id: string }) => x.id === p.id).revoked).toBeDefined();
    expect((await runCli('patch', 'revoke', p.id, '--db', db)).code).toBe(2);

    const store = await openStore(db);
    const audit = await store.listAudit({});
    await store.close();
    const actions = audit.filter((e) => e.action.startsWith('patch.')).map((e) => `${e.action}:${e.who}`);
    expect(actions).toContain('patch.create:alice');
    expect(actions.filter((a) => a.startsWith('patch.create'))).toHaveLength(2);
    expect(actions).toContain('patch.revoke:bob');
  });

  it('unknown ids, bad durations and findings without an endpoint are one-line errors (exit 2)', async () => {
    const { db } = await seededDb();
    const unknown = await runCli('patch', 'create', '--from', 'finding', 'nope', '--db', db);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/no stored finding nope/);
    expect(unknown.stderr.trim().split('\n')).toHaveLength(1);
    const ttl = await runCli('patch', 'create', '--from', 'finding', finding.id, '--ttl', 'soon', '--db', db);
    expect(ttl.code).toBe(2);
    const store = await openStore(db);
    const { path: _p, ...docLevel } = { ...finding, id: 'fdoc' };
    await store.replaceFindings('audit:spec', [docLevel]);
    await store.close();
    const doc = await runCli('patch', 'create', '--from', 'finding', 'fdoc', '--db', db);
    expect(doc.code).toBe(2);
    expect(doc.stderr).toMatch(/names no endpoint/);
  });

  it('`patch list --format json` is a --patches file the proxy enforces', async () => {
    const { db } = await seededDb();
    await runCli('patch', 'create', '--from', 'finding', finding.id, '--db', db);
    const list = await runCli('patch', 'list', '--db', db, '--format', 'json');
    const file = join(mkdtempSync(join(tmpdir(), 'mamori-pf-')), 'patches.json');
    writeFileSync(file, list.stdout);
    const flags: ProxyFlags = {
      listen: '127.0.0.1:0',
      upstream: 'http://127.0.0.1:9',
      mode: 'monitor',
      trustedProxy: [],
      spoolCap: '1048576',
      bodyCap: '65536',
      policyInterval: '60000',
      patches: file,
    };
    const h = await startFromFlags(flags);
    try {
      const res = await fetch(`http://127.0.0.1:${h.proxy.port}/search?q=1%27--`);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { patchId: string }).patchId).toMatch(/^patch-/);
    } finally {
      await h.stop();
    }
  });
});
