import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/index.js';
import { CATALOGUE } from '../scan/tests/index.js';
import { openStore } from '../store/index.js';
import { runCli } from './test-support.js';

const sqli = CATALOGUE.find((t) => t.checker === 'sqli-error')!;
const finding: Finding = {
  id: 'fexport01',
  test: sqli.id,
  title: `${sqli.name} (query.q)`,
  severity: 'high',
  owasp: 'API8:2023',
  compliance: [],
  host: 'api.test',
  method: 'GET',
  path: '/search',
  evidence: [],
  remediation: 'bind parameters',
};

describe('mamori rules export', () => {
  it('exports the store patches and blocked actors in each format; skipped items on stderr', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mamori-rules-'));
    const db = join(dir, 'm.db');
    const store = await openStore(db);
    await store.replaceFindings('scan:s', [finding]);
    await store.putDecision({
      id: 'd1',
      created: new Date().toISOString(),
      createdBy: 'soc',
      actor: 'ip:198.51.100.7',
      action: 'block',
      until: Date.now() + 3600_000,
      reason: 'manual',
    });
    await store.putDecision({
      id: 'd2',
      created: new Date().toISOString(),
      createdBy: 'soc',
      actor: 'jwt:0123456789ab',
      action: 'block',
      until: Date.now() + 3600_000,
      reason: 'manual',
    });
    await store.putDecision({
      id: 'd3',
      created: new Date().toISOString(),
      createdBy: 'soc',
      actor: 'ip:198.51.100.8',
      action: 'throttle',
      ratePerSecond: 5,
      until: Date.now() + 3600_000,
      reason: 'manual',
    });
    await store.close();
    expect((await runCli('patch', 'create', '--from', 'finding', finding.id, '--db', db)).code).toBe(0);

    const modsec = await runCli('rules', 'export', '--format', 'modsecurity', '--db', db);
    expect(modsec.code, modsec.stderr).toBe(0);
    expect(modsec.stdout).toMatch(/SecRule REQUEST_METHOD "@streq GET" "id:10000,phase:2,deny,status:403/);
    expect(modsec.stdout).toContain('@ipMatch 198.51.100.7');
    expect(modsec.stderr).toMatch(/skipped decision:jwt:0123456789ab: actor .* is not an IP address/);
    expect(modsec.stdout).toMatch(
      /@ipMatch 198\.51\.100\.8" .*\n {2}SecRule TIME_EPOCH .*setvar:tx\.mamori_rate=5"/,
    );

    const out = join(dir, 'cf.json');
    const cf = await runCli('rules', 'export', '--format', 'cloudflare', '--db', db, '-o', out);
    expect(cf.code, cf.stderr).toBe(0);
    const phases = JSON.parse(readFileSync(out, 'utf8')) as Record<
      string,
      { rules: Array<{ expression: string }> }
    >;
    const custom = phases['http_request_firewall_custom']!.rules.map((r) => r.expression);
    expect(
      custom.some((e) => e.startsWith('ip.src in {198.51.100.7} and http.request.timestamp.sec lt ')),
    ).toBe(true);
    expect(phases['http_ratelimit']!.rules[0]).toMatchObject({ ratelimit: { requests_per_period: 50 } });

    const aws = await runCli('rules', 'export', '--format', 'aws-waf', '--db', db);
    expect(JSON.parse(aws.stdout).Rules).toHaveLength(3);

    const bad = await runCli('rules', 'export', '--format', 'f5', '--db', db);
    expect(bad.code).not.toBe(0);
  });
});
