import { describe, expect, it } from 'vitest';
import { auditSpec, RULES } from '../audit/index.js';
import { createDetector, type Input } from '../detect/index.js';
import { requestInputs } from '../detect/inputs.js';
import { bearer, fakeExchange, T0 } from '../detect/test-support/exchanges.js';
import type { Alert, Exchange, Finding } from '../model/index.js';
import { parseBodies } from '../sensitive/index.js';
import { loadSpec } from '../sources/spec.js';
import {
  ATTACK_PATTERNS,
  isLive,
  matchPatch,
  type Patch,
  PatchError,
  PatchSet,
  type PatchView,
  parseDuration,
  patchFromAlert,
  patchFromFinding,
} from './patch.js';

const OPTS = { id: 'p-1', createdBy: 'alice', now: T0 };

function viewOf(ex: Exchange, actor?: string): PatchView {
  const parsed = ex.request.body ? parseBodies(ex).request : undefined;
  const inputs: Input[] = requestInputs(ex, parsed);
  return {
    method: ex.request.method,
    host: ex.request.host,
    path: ex.request.path,
    inputs,
    ...(actor ? { actor } : {}),
  };
}

function scanFinding(over: Partial<Finding>): Finding {
  return {
    id: 'f-1',
    test: 'MAM-SCAN-INJ-001',
    title: 'SQL injection (error based) (query.q)',
    severity: 'high',
    owasp: 'API8:2023',
    compliance: [],
    host: 'api.example.com',
    method: 'GET',
    path: '/api/products',
    evidence: [],
    remediation: 'use bound parameters',
    ...over,
  };
}

describe('patchFromFinding: scanner findings', () => {
  it('an injection finding blocks that family in that parameter on that endpoint only', async () => {
    const { CATALOGUE } = await import('../scan/tests/index.js');
    const sqli = CATALOGUE.find((t) => t.checker === 'sqli-error')!;
    const p = patchFromFinding(scanFinding({ test: sqli.id, title: `${sqli.name} (query.q)` }), OPTS);
    expect(p).toMatchObject({
      id: 'p-1',
      createdBy: 'alice',
      created: new Date(T0).toISOString(),
      source: { kind: 'finding', id: 'f-1' },
      action: 'block',
      match: { host: 'api.example.com', method: 'GET', path: '/api/products', where: 'query', name: 'q' },
    });
    expect(p.expires).toBeUndefined();
    const attack = fakeExchange({ path: '/api/products', query: [['q', "' or 1=1--"]] });
    expect(matchPatch(p, viewOf(attack), T0)).toBe(true);
    // The same value elsewhere, or a plain value here, passes.
    expect(matchPatch(p, viewOf(fakeExchange({ path: '/api/products', query: [['q', 'shoes']] })), T0)).toBe(
      false,
    );
    expect(
      matchPatch(p, viewOf(fakeExchange({ path: '/api/products', query: [['sort', "' or 1=1--"]] })), T0),
    ).toBe(false);
    expect(
      matchPatch(p, viewOf(fakeExchange({ path: '/api/orders', query: [['q', "' or 1=1--"]] })), T0),
    ).toBe(false);
    expect(
      matchPatch(
        p,
        viewOf(fakeExchange({ method: 'POST', path: '/api/products', query: [['q', "' or 1=1--"]] })),
        T0,
      ),
    ).toBe(false);
    // Encoded payloads are judged after the signatures' normalisation.
    expect(
      matchPatch(
        p,
        viewOf(fakeExchange({ path: '/api/products', query: [['q', '%27%20UNION%20SELECT']] })),
        T0,
      ),
    ).toBe(true);
  });

  it('a mass-assignment finding blocks that property in that body, under a templated path', async () => {
    const { CATALOGUE } = await import('../scan/tests/index.js');
    const mass = CATALOGUE.find((t) => t.checker === 'mass-assignment')!;
    const p = patchFromFinding(
      scanFinding({ test: mass.id, title: `${mass.name} (role)`, method: 'POST', path: '/api/users/{id}' }),
      OPTS,
    );
    expect(p.match).toMatchObject({ where: 'body', name: 'role', method: 'POST', path: '/api/users/{id}' });
    expect(p.match.pattern).toBeUndefined();
    const bad = fakeExchange({ method: 'POST', path: '/api/users/42', body: { name: 'b', role: 'admin' } });
    const good = fakeExchange({ method: 'POST', path: '/api/users/42', body: { name: 'b' } });
    const nested = fakeExchange({ method: 'POST', path: '/api/users/42', body: { profile: { role: 'x' } } });
    expect(matchPatch(p, viewOf(bad), T0)).toBe(true);
    expect(matchPatch(p, viewOf(good), T0)).toBe(false);
    expect(matchPatch(p, viewOf(nested), T0)).toBe(false);
    expect(matchPatch(p, viewOf({ ...bad, request: { ...bad.request, path: '/api/users/42/x' } }), T0)).toBe(
      false,
    );
  });

  it('a finding the patch cannot judge by value (BOLA) logs the endpoint instead of blocking', async () => {
    const { CATALOGUE } = await import('../scan/tests/index.js');
    const bola = CATALOGUE.find((t) => t.checker === 'bola')!;
    const p = patchFromFinding(
      scanFinding({ test: bola.id, title: `${bola.name} (id)`, path: '/api/notes/{id}' }),
      {
        ...OPTS,
        ttlMs: 3600_000,
      },
    );
    expect(p.action).toBe('log');
    expect(p.expires).toBe(new Date(T0 + 3600_000).toISOString());
    expect(matchPatch(p, viewOf(fakeExchange({ path: '/api/notes/7' })), T0)).toBe(true);
    expect(matchPatch(p, viewOf(fakeExchange({ path: '/api/notes/7' })), T0 + 3600_000)).toBe(false);
  });

  it('reads the structured input of a finding before its title', () => {
    const p = patchFromFinding(
      scanFinding({ title: 'Some test', where: { location: 'body', name: 'user.name' }, method: 'POST' }),
      OPTS,
    );
    expect(p.match).toMatchObject({ where: 'body', name: 'user.name', method: 'POST' });
    const q = patchFromFinding(
      scanFinding({ title: 'Some test (query.q)', where: { location: 'header', name: 'x-id' } }),
      OPTS,
    );
    expect(q.match).toMatchObject({ where: 'header', name: 'x-id' });
  });

  it('refuses a finding with no endpoint', () => {
    const { path: _drop, ...noPath } = scanFinding({});
    expect(() => patchFromFinding(noPath, OPTS)).toThrow(PatchError);
  });
});

describe('patchFromFinding: audit findings of a real spec', () => {
  it('an SSRF-prone URL parameter and a writable privileged property become narrow patches', async () => {
    const { spec } = await loadSpec('src/audit/fixtures/insecure-shop.yaml');
    const findings = auditSpec(spec!, RULES);
    const urlParam = findings.find((f) => f.rule === 'MAM-PARAM-001');
    expect(urlParam, 'fixture has a URL-valued parameter').toBeDefined();
    const p = patchFromFinding(urlParam!, OPTS);
    expect(p.action).toBe('block');
    expect(p.match).toMatchObject({ where: 'query', name: 'callbackUrl', method: 'POST', path: '/webhooks' });
    const param = p.match.name!;
    const internal = fakeExchange({
      host: urlParam!.host!,
      method: urlParam!.method!,
      path: urlParam!.path!,
      query: [[param, 'http://169.254.169.254/latest/meta-data/']],
    });
    const external = fakeExchange({
      host: urlParam!.host!,
      method: urlParam!.method!,
      path: urlParam!.path!,
      query: [[param, 'https://images.example.org/a.png']],
    });
    expect(matchPatch(p, viewOf(internal), T0)).toBe(true);
    expect(matchPatch(p, viewOf(external), T0)).toBe(false);
    const privileged = findings.find((f) => f.rule === 'MAM-MASS-006');
    const q = patchFromFinding(privileged!, OPTS);
    expect(q).toMatchObject({ action: 'block', match: { where: 'body', name: 'role', path: '/users' } });
    const open = findings.find((f) => f.rule === 'MAM-MASS-001');
    expect(patchFromFinding(open!, OPTS).action).toBe('log');
  });
});

describe('patchFromAlert', () => {
  it('a signature alert blocks that family in that field on that endpoint', () => {
    const d = createDetector();
    const ex = fakeExchange({
      method: 'POST',
      path: '/login',
      body: { username: "x' or '1'='1", password: 'p' },
    });
    const [alert] = d.process(ex);
    expect(alert?.type).toBe('signature.sqli');
    const p = patchFromAlert(alert!, OPTS);
    expect(p).toMatchObject({
      source: { kind: 'alert', id: alert!.id },
      action: 'block',
      match: { method: 'POST', path: '/login', where: 'body', name: 'username' },
    });
    expect(matchPatch(p, viewOf(ex), T0)).toBe(true);
    const benign = fakeExchange({
      method: 'POST',
      path: '/login',
      body: { username: 'bob', password: "it's" },
    });
    expect(matchPatch(p, viewOf(benign), T0)).toBe(false);
  });

  it('a behaviour alert blocks the actor for 24 h by default', () => {
    const alert: Alert = {
      id: 'a-9',
      type: 'behaviour.bola-enumeration',
      severity: 'high',
      actor: 'jwt:abc123abc123',
      evidence: [],
      evidenceRefs: [],
      firstSeen: new Date(T0).toISOString(),
      lastSeen: new Date(T0).toISOString(),
      count: 30,
      explanation: 'walked 30 ids',
    };
    const p = patchFromAlert(alert, OPTS);
    expect(p.match).toEqual({ actor: 'jwt:abc123abc123' });
    expect(p.expires).toBe(new Date(T0 + 24 * 3600_000).toISOString());
    const ex = fakeExchange({ headers: bearer('mallory') });
    expect(matchPatch(p, viewOf(ex, 'jwt:abc123abc123'), T0)).toBe(true);
    expect(matchPatch(p, viewOf(ex, 'jwt:other'), T0)).toBe(false);
    expect(matchPatch(p, viewOf(ex, 'jwt:abc123abc123'), T0 + 24 * 3600_000)).toBe(false);
  });
});

describe('PatchSet and liveness', () => {
  const block: Patch = {
    id: 'b',
    created: new Date(T0).toISOString(),
    createdBy: 'x',
    source: { kind: 'manual', id: 'm' },
    description: 'block q',
    match: { path: '/s', where: 'query', name: 'q', pattern: 'evil' },
    action: 'block',
  };
  const log: Patch = { ...block, id: 'l', match: { path: '/s' }, action: 'log' };
  it('returns block patches before log patches and skips revoked ones', () => {
    const set = new PatchSet([log, block, { ...block, id: 'r', revoked: new Date(T0).toISOString() }]);
    expect(set.size).toBe(2);
    expect(set.match(viewOf(fakeExchange({ path: '/s', query: [['q', 'EVIL']] })), T0)?.id).toBe('b');
    expect(set.match(viewOf(fakeExchange({ path: '/s', query: [['q', 'fine']] })), T0)?.id).toBe('l');
    expect(set.match(viewOf(fakeExchange({ path: '/t' })), T0)).toBeUndefined();
    expect(isLive({ ...block, revoked: 'x' }, T0)).toBe(false);
  });

  it('finds actor patches among many by lookup, block before log', () => {
    const actors: Patch[] = Array.from({ length: 5000 }, (_, i) => ({
      ...block,
      id: `a${i}`,
      match: { actor: `ip:10.0.${i >> 8}.${i & 255}` },
    }));
    const set = new PatchSet([log, ...actors, { ...log, id: 'al', match: { actor: 'ip:10.0.0.7' } }]);
    expect(set.size).toBe(5002);
    const v = (actor: string, path = '/s') => ({ ...viewOf(fakeExchange({ path })), actor });
    expect(set.match(v('ip:10.0.0.7'), T0)?.id).toBe('a7');
    expect(set.match(v('ip:10.0.19.135', '/x'), T0)?.id).toBe('a4999');
    expect(set.match(v('ip:192.0.2.1'), T0)?.id).toBe('l');
    expect(set.match(v('ip:192.0.2.1', '/x'), T0)).toBeUndefined();
    expect(
      new PatchSet([{ ...log, id: 'al', match: { actor: 'ip:1.1.1.1' } }]).match(v('ip:1.1.1.1'), T0)?.id,
    ).toBe('al');
  });

  it('parses durations', () => {
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('7d')).toBe(7 * 86_400_000);
    expect(parseDuration('soon')).toBeUndefined();
  });
});

describe('ATTACK_PATTERNS', () => {
  it('are portable to ModSecurity, Cloudflare and AWS WAF: short, no lookaround, no backreference', () => {
    for (const [kind, src] of Object.entries(ATTACK_PATTERNS)) {
      expect(src.length, kind).toBeLessThanOrEqual(200);
      expect(src, kind).not.toMatch(/\(\?[=!<]|\\[1-9]/);
      expect(() => new RegExp(src), kind).not.toThrow();
    }
    expect(new RegExp(ATTACK_PATTERNS.command).test('a; cat /etc/passwd')).toBe(true);
    expect(new RegExp(ATTACK_PATTERNS.command).test('report-2026.pdf')).toBe(false);
  });
});
