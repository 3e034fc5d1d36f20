import { describe, expect, it } from 'vitest';
import type { Exchange } from '../model/index.js';
import { Guard } from './guard.js';

function guardWithSink() {
  const out: Exchange[] = [];
  const guard = new Guard({ mode: 'monitor', sink: (ex) => out.push(ex) });
  return { guard, out };
}

describe('Guard: what leaves the process is masked by the platform masker', () => {
  it('masks secrets by name inside a JSON body cut at the cap, and cookies keep their names', () => {
    const { guard, out } = guardWithSink();
    const text = '{"user":"bob","password":"hunter2-very-secret","email":"bob@example.com","note":"x';
    const ex = guard.exchangeOf(
      {
        method: 'POST',
        url: '/login',
        scheme: 'http',
        headers: { host: 'api.test', 'content-type': 'application/json', cookie: 'sid=abc123; theme=dark' },
        peer: '127.0.0.1',
      },
      { text, size: 4096, truncated: true, mimeType: 'application/json' },
      'proxy',
    );
    guard.complete(guard.inspect(ex), { status: 200, headers: {} }, 1);
    const sent = out[0]!;
    expect(sent.request.body!.text).not.toContain('hunter2');
    expect(sent.request.body!.text).not.toContain('bob@example.com');
    expect(sent.request.body!.text).toContain('"password":"[ref:');
    expect(sent.request.headers['cookie']).toMatch(/^sid=\[ref:[0-9a-f]{16}\]; theme=\[ref:/);
  });
});

describe('Guard: a spec rejection is an action too', () => {
  it('reports block actions with the spec reason', async () => {
    const { loadSpecText } = await import('../sources/spec.js');
    const { SpecGuard } = await import('./spec-guard.js');
    const { spec } = await loadSpecText(
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 't', version: '1' },
        paths: { '/items': { get: { responses: { '200': { description: 'ok' } } } } },
      }),
      'api.json',
    );
    const actions: string[] = [];
    const guard = new Guard({ mode: 'block', onAction: (a) => actions.push(`${a.kind} ${a.reason}`) });
    const view = (url: string) => ({
      method: 'GET',
      url,
      scheme: 'http' as const,
      headers: { host: 'api.test' },
      peer: '127.0.0.1',
    });
    const ok = guard.inspect(guard.exchangeOf(view('/items'), undefined, 'proxy'));
    guard.checkSpec(ok, new SpecGuard(spec!));
    expect(ok.rejection).toBeUndefined();
    const shadow = guard.inspect(guard.exchangeOf(view('/admin/export'), undefined, 'proxy'));
    guard.checkSpec(shadow, new SpecGuard(spec!));
    expect(shadow.rejection?.status).toBe(403);
    expect(actions).toHaveLength(1);
    expect(actions[0]).toMatch(/^block spec\.unknown-operation/);
  });
});
