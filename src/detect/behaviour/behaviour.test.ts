// Each behaviour: an attack scenario that must raise its alert, and its benign twin that must not.

import { describe, expect, it } from 'vitest';
import type { Exchange } from '../../model/index.js';
import { createDetector } from '../engine.js';
import { explanationJa } from '../messages-ja.js';
import { bearer, type FakeExchange, fakeExchange, T0 } from '../test-support/exchanges.js';

function run(exchanges: Exchange[], config = {}) {
  const d = createDetector(config);
  for (const ex of exchanges) d.process(ex);
  return d.flush();
}
function types(exchanges: Exchange[], config = {}) {
  return [...new Set(run(exchanges, config).alerts.map((a) => a.type))].sort();
}
let idx = 0;
/** The exchange with its string body sent as an HTML form. */
function form(ex: Exchange): Exchange {
  const body = ex.request.body!;
  return {
    ...ex,
    request: { ...ex.request, body: { ...body, mimeType: 'application/x-www-form-urlencoded' } },
  };
}
function seq(n: number, f: (i: number) => FakeExchange, stepMs = 1000): Exchange[] {
  const base = T0 + idx * 1000;
  idx += n + 10;
  return Array.from({ length: n }, (_, i) => fakeExchange({ time: base + i * stepMs, ...f(i) }));
}

describe('BOLA / object-id enumeration', () => {
  it('fires on one actor probing many ids, most denied', () => {
    const auth = bearer('prober');
    const xs = seq(40, (i) => ({
      headers: auth,
      path: `/api/orders/${1000 + i * 7}`,
      status: i % 5 === 0 ? 200 : 403,
    }));
    const { alerts } = run(xs);
    const a = alerts.find((x) => x.type === 'behaviour.bola-enumeration');
    expect(a).toBeDefined();
    expect(a!.path).toBe('/api/orders/{orderId}');
    expect(a!.owasp).toBe('API1:2023');
    expect(a!.explanation).toMatch(/distinct ids .* answered 401\/403\/404/);
    expect(a!.evidence.length).toBeGreaterThan(5);
  });
  it('fires on a dense sequential walk answered 200', () => {
    const auth = bearer('harvester');
    const xs = seq(150, (i) => ({ headers: auth, path: `/api/invoices/${5000 + i}` }), 200);
    expect(types(xs)).toContain('behaviour.bola-enumeration');
  });
  it('benign twin: a user opening their own dozen orders', () => {
    const auth = bearer('alice');
    const xs = seq(12, (i) => ({ headers: auth, path: `/api/orders/${1000 + i * 13}` }), 5000);
    expect(types(xs)).toEqual([]);
  });
  it('benign twin: a client reading many random UUIDs it was given', () => {
    const auth = bearer('sync-client');
    const hex = (i: number) => (i * 2654435761).toString(16).padStart(8, '0').slice(-8);
    const xs = seq(
      200,
      (i) => ({ headers: auth, path: `/api/items/${hex(i)}-aaaa-4bbb-8ccc-${hex(i + 7)}dddd` }),
      200,
    );
    expect(types(xs)).toEqual([]);
  });
  it('a support agent allow-listed in the config does not alert', () => {
    const auth = bearer('support-agent-7');
    const xs = seq(150, (i) => ({ headers: auth, path: `/api/accounts/${9000 + i}` }), 200);
    const actor = run(xs).alerts[0]?.actor;
    expect(actor).toMatch(/^jwt:/);
    expect(
      types(xs, {
        suppress: [{ actor, type: 'behaviour.*', reason: 'support desk reads accounts by design' }],
      }),
    ).toEqual([]);
  });
});

describe('credential stuffing and brute force', () => {
  const login = (user: string, status: number, extra: FakeExchange = {}): FakeExchange => ({
    method: 'POST',
    path: '/api/login',
    body: { username: user, password: 'hunter2' },
    status,
    ...extra,
  });
  it('fires on many usernames failing from one address', () => {
    const xs = seq(30, (i) =>
      login(`user${i}@example.com`, i % 10 === 0 ? 200 : 401, { address: '198.51.100.23' }),
    );
    const { alerts } = run(xs);
    const a = alerts.find((x) => x.type === 'behaviour.credential-stuffing');
    expect(a).toBeDefined();
    expect(a!.actor).toBe('ip:198.51.100.23');
    expect(a!.explanation).not.toContain('user1@example.com');
  });
  it('fires on one fingerprint spread over many addresses', () => {
    const xs = seq(60, (i) =>
      login(`victim${i}`, 401, {
        address: `203.0.113.${i % 20}`,
        headers: { 'user-agent': 'python-requests/2.31' },
      }),
    );
    const { alerts } = run(xs);
    const distributed = alerts.find(
      (x) => x.type === 'behaviour.credential-stuffing' && x.actor.startsWith('fp:'),
    );
    expect(distributed).toBeDefined();
    expect(distributed!.explanation).toMatch(/from 20 addresses/);
  });
  it('attributes by X-Forwarded-For when the capture has no client addresses (HAR)', () => {
    const xs = seq(30, (i) =>
      login(`user${i}@example.com`, 401, {
        address: null,
        headers: { 'x-forwarded-for': '198.51.100.99, 10.0.0.1' },
      }),
    );
    expect(run(xs).alerts.find((x) => x.type === 'behaviour.credential-stuffing')?.actor).toBe(
      'ip:198.51.100.99',
    );
    // Without any hint of the caller, behaviour cannot be attributed and stays silent.
    expect(types(seq(30, (i) => login(`user${i}@example.com`, 401, { address: null })))).toEqual([]);
  });
  it('benign twin: a shared office address where most people log in fine', () => {
    const xs = seq(
      60,
      (i) => login(`employee${i}@corp.example`, i % 9 === 0 ? 401 : 200, { address: '192.0.2.10' }),
      20_000,
    );
    expect(types(xs)).toEqual([]);
  });
  it('fires on brute force against one account, and not on a user mistyping twice', () => {
    const brute = seq(15, (i) =>
      login('ceo@corp.example', 401, {
        address: `198.51.100.${i}`,
        body: { username: 'ceo@corp.example', password: `guess-${i}` },
      }),
    );
    const { alerts } = run(brute);
    const a = alerts.find((x) => x.type === 'behaviour.brute-force');
    expect(a).toBeDefined();
    expect(a!.explanation).toContain('c***@corp.example');
    expect(a!.explanation).toMatch(/with \d+ different passwords/);
    const typo = seq(3, (i) => login('bob@example.com', i < 2 ? 401 : 200));
    expect(types(typo)).toEqual([]);
  });
  it('benign twin: an app retrying a stale saved password does not count as guessing', () => {
    // The same password fifteen times: a retry loop, not a brute force (which tries new ones).
    const retry = seq(15, () => login('commuter@example.jp', 400, { address: '203.0.113.70' }), 3000);
    expect(types(retry)).toEqual([]);
  });
  it('fires on client-secret guessing at an OAuth token endpoint (form body)', () => {
    const xs = seq(12, (i) => ({
      method: 'POST',
      path: '/oauth/token',
      body: `grant_type=client_credentials&client_id=billing&client_secret=s3cret-${i}`,
      status: 401,
      address: '198.51.100.62',
    })).map(form);
    expect(types(xs)).toContain('behaviour.brute-force');
  });
});

describe('scraping', () => {
  it('fires on a fast paginated walk of a list endpoint', () => {
    const auth = bearer('scraper');
    const xs = seq(
      80,
      (i) => ({
        headers: auth,
        path: '/api/products',
        query: [['page', String(i + 1)]],
        response: { items: [1, 2] },
      }),
      500,
    );
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.scraping');
    expect(a?.owasp).toBe('API6:2023');
    expect(a?.explanation).toMatch(/\d+ distinct pages of GET \/api\/products .*threshold 50 pages/);
  });
  it('benign twin: a user paging through their own orders', () => {
    const auth = bearer('bob');
    const xs = seq(
      6,
      (i) => ({ headers: auth, path: '/api/me/orders', query: [['page', String(i + 1)]] }),
      8000,
    );
    expect(types(xs)).toEqual([]);
  });
});

describe('scraping of detail pages', () => {
  const slug = (i: number) => `${['blue', 'red', 'eco'][i % 3]}-kettle-${i}`;
  it('fires on many distinct detail pages read one by one at a steady pace', () => {
    const xs = seq(
      90,
      (i) => ({
        headers: { 'user-agent': 'PriceBot/1.0' },
        path: `/api/v1/products/${slug(i)}`,
        response: { slug: slug(i), price: 10 + i },
      }),
      5000,
    );
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.scraping');
    expect(a?.owasp).toBe('API6:2023');
    expect(a?.explanation).toMatch(/^60 distinct objects of GET \/api\/v1\/products\/\{…\} read one by one/);
    expect(a?.explanation).toMatch(/pace variation 0\.00; thresholds 60 objects/);
    expect(explanationJa(a!.explanation)).toMatch(
      /^10 分の間に GET \/api\/v1\/products\/\{…\} の異なるオブジェクト 60 件を一件ずつ取得/,
    );
  });
  it('benign twin: a reader opening a dozen articles', () => {
    const auth = bearer('reader');
    const gaps = [3, 40, 12, 95, 7, 61, 22, 130, 15, 48, 9, 77];
    const xs = seq(12, (i) => ({ headers: auth, path: `/api/v1/articles/${slug(i)}` }), 1000);
    let t = xs[0]!.time;
    xs.forEach((x, i) => {
      x.time = t;
      t += gaps[i]! * 1000;
    });
    expect(types(xs)).toEqual([]);
  });
  it("benign twin: an app prefetching a feed's items in bursts (120 items, irregular)", () => {
    const auth = bearer('phone');
    const xs = seq(120, (i) => ({ headers: auth, path: `/api/v1/items/${slug(i)}` }), 100);
    // Four bursts of 30 prefetches 100 ms apart, with minutes of reading between them.
    xs.forEach((x, i) => {
      x.time = xs[0]!.time + Math.floor(i / 30) * 150_000 + (i % 30) * 100;
    });
    expect(types(xs)).toEqual([]);
  });
});

describe('token sharing', () => {
  it('fires on one token used from many addresses and agents at once', () => {
    const auth = bearer('leaked');
    const agents = ['curl/8.0', 'python-requests/2.31', 'Mozilla/5.0 Firefox', 'Go-http-client/1.1'];
    const xs = seq(12, (i) => ({
      headers: { ...auth, 'user-agent': agents[i % 4]! },
      address: `198.51.100.${40 + i}`,
      path: '/api/me',
    }));
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.token-sharing');
    expect(a).toBeDefined();
    expect(a!.path).toBeUndefined();
    expect(a!.severity).toBe('high');
  });
  it('benign twin: a phone moving from Wi-Fi to mobile data', () => {
    const auth = bearer('commuter');
    const xs = seq(20, (i) => ({
      headers: { ...auth, 'user-agent': 'ShopApp/3.1 iOS' },
      address: i < 10 ? '192.0.2.50' : '203.0.113.99',
      path: '/api/me',
    }));
    expect(types(xs)).toEqual([]);
  });
});

describe('404/405 sprays', () => {
  it('fires on one actor probing many missing paths', () => {
    const words =
      'admin backup old test v0 internal debug config api2 graphql beta staging dev tmp export import upload files logs metrics health status swagger docs private hidden legacy v3 user users account accounts login'.split(
        ' ',
      );
    const xs = seq(
      words.length,
      (i) => ({ path: `/api/${words[i]}`, status: 404, address: '198.51.100.77' }),
      100,
    );
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.not-found-spray');
    expect(a?.owasp).toBe('API9:2023');
  });
  it('benign twin: a busy honest client with a few 404s', () => {
    const auth = bearer('busy');
    const xs = seq(
      400,
      (i) => ({
        headers: auth,
        path: i % 20 === 0 ? `/api/gone/${i % 3}` : '/api/status',
        status: i % 20 === 0 ? 404 : 200,
      }),
      500,
    );
    expect(types(xs)).toEqual([]);
  });
});

describe('rate and volume anomalies against a learnt baseline', () => {
  function background(minutes: number): Exchange[] {
    const out: Exchange[] = [];
    for (let m = 0; m < minutes; m++)
      for (let a = 0; a < 5; a++)
        for (let k = 0; k < 8; k++)
          out.push(
            fakeExchange({
              headers: bearer(`regular-${a}`),
              path: '/api/quotes',
              time: T0 + m * 60_000 + a * 1000 + k * 5000,
            }),
          );
    return out;
  }
  it('fires when one actor calls an endpoint far above its baseline', () => {
    const base = background(10);
    const flood = Array.from({ length: 200 }, (_, i) =>
      fakeExchange({ headers: bearer('flooder'), path: '/api/quotes', time: T0 + 11 * 60_000 + i * 200 }),
    );
    const a = run([...base, ...flood]).alerts.find((x) => x.type === 'behaviour.rate-anomaly');
    expect(a).toBeDefined();
    expect(a!.explanation).toMatch(/baseline 8\.0±/);
  });
  it('benign twin: a busy but steady client inside the limits', () => {
    const base = background(10);
    const busy = Array.from({ length: 50 }, (_, i) =>
      fakeExchange({ headers: bearer('busy'), path: '/api/quotes', time: T0 + 11 * 60_000 + i * 1000 }),
    );
    expect(types([...base, ...busy])).toEqual([]);
  });
});

describe('bulk retrieval of sensitive data', () => {
  const people = (i: number) => ({
    id: i,
    name: 'Taro Yamada',
    email: `taro${i}@example.jp`,
    phone: '+81 90-1234-5678',
  });
  it('fires when one actor pulls many records with personal data', () => {
    const auth = bearer('exfil');
    const xs = seq(
      30,
      (i) => ({
        headers: auth,
        path: '/api/customers',
        query: [['page', String(i)]],
        response: { items: Array.from({ length: 10 }, (_, k) => people(i * 10 + k)) },
      }),
      3000,
    );
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.sensitive-bulk');
    expect(a).toBeDefined();
    expect(a!.explanation).toMatch(/EMAIL/);
    expect(a!.owasp).toBe('API3:2023');
  });
  it('benign twin: a user reading their own profile a few times', () => {
    const auth = bearer('taro');
    const xs = seq(5, () => ({ headers: auth, path: '/api/me', response: people(1) }), 30_000);
    expect(types(xs)).toEqual([]);
  });
});

describe('attackers pacing themselves under the window (long window)', () => {
  it('fires on slow id probing spread over two hours, and not on a user opening their orders slowly', () => {
    const auth = bearer('slow-prober');
    // One id every 50 s: 12 per 10-minute window, under the 20 ids of one window.
    const probe = seq(
      100,
      (i) => ({ headers: auth, path: `/api/orders/${300000 + i * 977}`, status: 403 }),
      50_000,
    );
    const a = run(probe).alerts.find((x) => x.type === 'behaviour.bola-enumeration');
    expect(a?.explanation).toMatch(/in 2 h, 100% answered/);
    const owner = bearer('slow-owner');
    const own = seq(100, (i) => ({ headers: owner, path: `/api/orders/${500 + (i % 12)}` }), 50_000);
    expect(types(own)).toEqual([]);
  });
  it('fires on slow single-address stuffing, not on an office logging in all morning', () => {
    const stuff = seq(
      40,
      (i) => ({
        method: 'POST',
        path: '/oauth/token',
        body: `grant_type=password&username=u${i}%40example.jp&password=Passw0rd`,
        status: 400,
        address: '198.51.100.5',
      }),
      80_000,
    ).map(form);
    expect(run(stuff).alerts.find((x) => x.type === 'behaviour.credential-stuffing')?.explanation).toMatch(
      /within 2 h/,
    );
  });
  it('does not count a client polling the same resource as bulk retrieval', () => {
    const auth = bearer('poller');
    const person = { name: 'Taro Yamada', email: 'taro@example.jp', phone: '+81 90-1234-5678' };
    const xs = seq(400, () => ({ headers: auth, path: '/api/me', response: person }), 1000);
    expect(types(xs)).toEqual([]);
  });
});

describe('ids behind one path: GraphQL variables and JSON-RPC params', () => {
  const gql = (id: string, denied: boolean): FakeExchange => ({
    method: 'POST',
    path: '/graphql',
    body: {
      operationName: 'Order',
      query: 'query Order($id: ID!) { order(id: $id) { id } }',
      variables: { id },
    },
    response: denied
      ? { data: { order: null }, errors: [{ message: 'Forbidden', extensions: { code: 'FORBIDDEN' } }] }
      : { data: { order: { id } } },
  });
  it('fires on a GraphQL operation walked over many ids, refused in the body under HTTP 200', () => {
    const auth = bearer('gql-prober');
    const xs = seq(30, (i) => ({ ...gql(String(7000 + i * 3), i % 4 !== 0), headers: auth }));
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.bola-enumeration');
    expect(a?.path).toBe('/graphql');
    expect(a?.explanation).toMatch(/ids of Order \(POST \/graphql\).*refused in the body/);
  });
  it('fires on JSON-RPC params walked with errors in the body', () => {
    const auth = bearer('rpc-prober');
    const xs = seq(25, (i) => ({
      headers: auth,
      method: 'POST',
      path: '/rpc',
      body: { jsonrpc: '2.0', id: i, method: 'invoice.get', params: { invoiceId: 900 + i } },
      response: { jsonrpc: '2.0', id: i, error: { code: -32003, message: 'Access denied' } },
    }));
    expect(types(xs)).toContain('behaviour.bola-enumeration');
  });
  it('benign twin: a user reading their own few orders through GraphQL again and again', () => {
    const auth = bearer('gql-user');
    const xs = seq(60, (i) => ({ ...gql(String(100 + (i % 5)), false), headers: auth }), 5000);
    expect(types(xs)).toEqual([]);
  });
});

describe('slug probing and routes gone missing during a deploy', () => {
  const words =
    'admin root test john jane sato suzuki tanaka info sales support dev ops ceo cfo hr yamada kato ito saito kimura mori abe ikeda ueda noda ota kudo endo sano'.split(
      ' ',
    );
  const slugs = words.map((w) => `blue-${w}-lamp`);
  it('fires on an actor probing user names under one collection, most missing', () => {
    const xs = seq(30, (i) => ({
      path: `/api/v1/users/${words[i]}`,
      status: i % 5 === 0 ? 200 : 404,
      address: '198.51.100.23',
    }));
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.bola-enumeration');
    expect(a?.explanation).toMatch(/ids of GET \/api\/v1\/users\/\{…\}/);
  });
  it('benign twin: a CI job re-trying known routes while a deploy answers 404', () => {
    const routes = slugs.map((s) => `/api/v1/products/${s}`);
    // The routes answered before the deploy; the runner then retries them every 20 s.
    const before = seq(30, (i) => ({ path: routes[i]!, address: '192.0.2.80' }), 1000);
    const rollout = seq(
      150,
      (i) => ({ path: routes[i % 30]!, status: 404, address: '192.0.2.200', headers: bearer('ci') }),
      500,
    );
    expect(types([...before, ...rollout])).toEqual([]);
  });
});

describe('distributed stuffing and token replay', () => {
  it('fires on a login endpoint failing for many users from a botnet rotating agents', () => {
    const agents = Array.from({ length: 40 }, (_, i) => `Mozilla/5.0 Chrome/${100 + i}.0`);
    const xs = seq(
      120,
      (i) => ({
        method: 'POST',
        path: '/login',
        body: { email: `victim${i}@example.jp`, password: 'Summer2024!' },
        status: 401,
        address: `${20 + (i % 150)}.${i % 200}.7.${1 + (i % 250)}`,
        headers: { 'user-agent': agents[i % 40]! },
      }),
      1500,
    );
    const a = run(xs).alerts.find((x) => x.actor === 'endpoint:POST api.example.com/login');
    expect(a?.type).toBe('behaviour.credential-stuffing');
    expect(a?.explanation).toMatch(/distributed stuffing: \d+ of \d+ logins on POST \/login failed/);
  });
  it('benign twin: a busy login endpoint with the usual typos', () => {
    const xs = seq(
      300,
      (i) => ({
        method: 'POST',
        path: '/login',
        body: { email: `member${i}@example.jp`, password: 'pw' },
        status: i % 8 === 0 ? 401 : 200,
        address: `${60 + (i % 100)}.1.2.${1 + (i % 250)}`,
      }),
      1000,
    );
    expect(types(xs)).toEqual([]);
  });
  it('fires on one token alternating between two continents with the same agent', () => {
    const auth = bearer('replayed');
    const xs = seq(
      12,
      (i) => ({ headers: auth, path: '/api/me', address: i % 2 ? '126.205.3.4' : '177.64.9.8' }),
      20_000,
    );
    const a = run(xs).alerts.find((x) => x.type === 'behaviour.token-sharing');
    expect(a?.explanation).toMatch(/alternated \d+ times between address regions APNIC and LACNIC/);
  });
  it('benign twin: an egress pool in one region and a dual-stack laptop', () => {
    const pool = seq(
      40,
      (i) => ({ headers: bearer('pooled'), path: '/api/me', address: `126.10.0.${10 + (i % 4)}` }),
      20_000,
    );
    const dual = seq(
      40,
      (i) => ({ headers: bearer('dual'), path: '/api/me', address: i % 2 ? '126.10.9.9' : '2001:db8::9' }),
      20_000,
    );
    expect(types([...pool, ...dual])).toEqual([]);
  });
});
