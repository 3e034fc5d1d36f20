import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../model/index.js';
import { runAudit } from './engine.js';
import { apiRisk, endpointRisk, riskiestEndpoints, scoreEndpoints } from './risk.js';
import { anonObserved, ep, fullEndpoint, observed, sensitive } from './rules/fixture-kit.js';
import { RULES } from './rules/index.js';

function endpoint(partial: Partial<Endpoint>): Endpoint {
  return fullEndpoint(ep(partial));
}

describe('risk model', () => {
  const cards = endpoint({
    path: '/v1/cards/{id}',
    auth: [{ type: 'none', count: 40 }],
    observed: anonObserved(),
    calls: 40,
    clients: 3,
    sensitive: [sensitive('CREDIT_CARD', '$.number')],
  });
  const emails = endpoint({
    path: '/v1/me',
    calls: 40,
    clients: 3,
    sensitive: [sensitive('EMAIL', '$.email')],
  });
  // Busier than both, but static and authenticated.
  const health = endpoint({ path: '/v1/health', calls: 100_000, clients: 500, observed: observed() });

  it('orders unauthenticated card numbers > authenticated emails > a static health check', () => {
    const all = [health, emails, cards];
    const findings = runAudit({ specs: [], endpoints: all, rules: RULES });
    const scored = scoreEndpoints(all, findings);
    const risk = (p: string) => scored.find((e) => e.path === p)!.risk;
    expect(risk('/v1/cards/{id}')).toBeGreaterThan(risk('/v1/me'));
    expect(risk('/v1/me')).toBeGreaterThan(risk('/v1/health'));
    expect(risk('/v1/cards/{id}')).toBeGreaterThanOrEqual(70);
    expect(risk('/v1/health')).toBeLessThanOrEqual(10);
    for (const e of scored) expect(e.risk).toBeGreaterThanOrEqual(0);
    for (const e of scored) expect(e.risk).toBeLessThanOrEqual(100);
    // scoreEndpoints returns copies.
    expect(cards.risk).toBe(0);
    expect(apiRisk(findings, scored)).toBe(risk('/v1/cards/{id}'));
    expect(riskiestEndpoints(findings, scored)[0]?.path).toBe('/v1/cards/{id}');
  });

  it('counts requests at 60 % of responses and lifecycle exposure', () => {
    const inReq = endpoint({ sensitive: [sensitive('PASSWORD', '$.password', 'request')] });
    const inResp = endpoint({ sensitive: [sensitive('PASSWORD', '$.password', 'response')] });
    expect(endpointRisk(inReq, []).sensitivity).toBeCloseTo(15);
    expect(endpointRisk(inResp, []).sensitivity).toBe(25);
    const rogue = endpoint({ tags: [{ tag: 'rogue', reason: 'host not approved' }] });
    expect(endpointRisk(rogue, []).exposure).toBe(8);
  });

  it('scores an API from findings alone when there is no inventory', () => {
    expect(apiRisk([])).toBe(0);
    const f = {
      id: 'x',
      title: 't',
      owasp: 'API8:2023' as const,
      compliance: [],
      evidence: [],
      remediation: 'r',
    };
    expect(apiRisk([{ ...f, severity: 'critical' }])).toBe(50);
    expect(
      apiRisk([
        { ...f, severity: 'critical' },
        { ...f, severity: 'critical' },
      ]),
    ).toBe(75);
  });
});
