// Synthetic but realistic API traffic with its ground truth: several hosts, JSON bodies carrying PII
// (Luhn-valid cards, check-digit-valid My Numbers, IBANs …), a documented v2 API with its OpenAPI spec,
// an undocumented v1 twin (shadow + zombie), a shadow partner API, a rogue host, an orphan and a
// deprecated operation, and optionally a few attacks. Used by the bundled sample, the benchmarks and
// the demo data of the server. Deterministic for a seed; no I/O.

export interface GeneratorOptions {
  seed?: number;
  /** Number of HAR entries. */
  entries: number;
  /** Sprinkle a few attacks (SQLi, XSS, traversal, an id-enumerating actor). */
  attacks?: boolean;
  /** Start time (epoch ms); entries are ~50 ms apart. */
  start?: number;
}

export interface TruthEndpoint {
  host: string;
  method: string;
  path: string;
  tags: string[];
  sensitive: string[];
}

type Rng = () => number;

/** mulberry32: small, fast, good enough for test data. */
export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
const digits = (rng: Rng, n: number) => Array.from({ length: n }, () => Math.floor(rng() * 10)).join('');

export function luhnComplete(partial: string): string {
  let sum = 0;
  for (let i = 0; i < partial.length; i++) {
    let d = Number(partial[partial.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return partial + String((10 - (sum % 10)) % 10);
}

/** My Number (個人番号): 11 digits + check digit per the Cabinet Office ordinance. */
export function myNumberComplete(eleven: string): string {
  let sum = 0;
  for (let n = 1; n <= 11; n++) {
    const p = Number(eleven[11 - n]);
    const q = n <= 6 ? n + 1 : n - 5;
    sum += p * q;
  }
  const r = sum % 11;
  return eleven + String(r <= 1 ? 0 : 11 - r);
}

/** Corporate Number (法人番号): check digit first, then 12 digits. */
export function corporateNumberComplete(twelve: string): string {
  let sum = 0;
  for (let n = 1; n <= 12; n++) sum += Number(twelve[12 - n]) * (n % 2 === 1 ? 1 : 2);
  return String(9 - (sum % 9)) + twelve;
}

export function ibanComplete(country: string, bban: string): string {
  const numeric = (bban + country + '00').replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rem = 0;
  for (const ch of numeric) rem = (rem * 10 + Number(ch)) % 97;
  return `${country}${String(98 - rem).padStart(2, '0')}${bban}`;
}

const FIRST = ['Yuki', 'Haruto', 'Sakura', 'Emma', 'Liam', 'Olivia', 'Noah', 'Aiko', 'Ren', 'Mia'];
const LAST = ['Tanaka', 'Suzuki', 'Smith', 'Garcia', 'Sato', 'Müller', 'Brown', 'Takahashi', 'Ito', 'Martin'];
const PRODUCTS = [
  'red-shirt',
  'blue-hat',
  'green-scarf',
  'black-boots',
  'white-socks',
  'grey-coat',
  'silk-tie',
];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
  'okhttp/4.12.0',
  'ShopApp/3.2.1 (Android 14)',
];

function b64url(value: string): string {
  return Buffer.from(value).toString('base64url');
}

function jwtFor(sub: string, alg = 'RS256'): string {
  const header = b64url(JSON.stringify({ alg, typ: 'JWT', kid: 'k1' }));
  const payload = b64url(JSON.stringify({ iss: 'https://auth.shop.example', sub, exp: 1893456000 }));
  return `${header}.${payload}.${b64url(`sig-${sub}`)}`;
}

interface Call {
  host: string;
  method: string;
  path: string;
  query?: Array<[string, string]>;
  headers?: Array<[string, string]>;
  body?: unknown;
  form?: Array<[string, string]>;
  status: number;
  response?: unknown;
  responseHeaders?: Array<[string, string]>;
}

export function generateEntries(opts: GeneratorOptions): Iterable<Record<string, unknown>> {
  return {
    *[Symbol.iterator]() {
      const rng = seededRandom(opts.seed ?? 42);
      const start = opts.start ?? Date.UTC(2026, 10, 2, 9, 0, 0);
      const users = Array.from({ length: 200 }, (_, i) => makeUser(rng, 1000 + i));
      for (let i = 0; i < opts.entries; i++) {
        const user = pick(rng, users);
        const call =
          opts.attacks && i % 97 === 13 ? attackCall(rng, i) : normalCall(rng, user, i, users.length);
        yield toEntry(rng, call, start + i * 50, user);
      }
    },
  };
}

interface User {
  id: number;
  name: string;
  email: string;
  phone: string;
  dob: string;
  card: string;
  myNumber: string;
  iban: string;
  token: string;
  ip: string;
  agent: string;
}

function makeUser(rng: Rng, id: number): User {
  const first = pick(rng, FIRST);
  const last = pick(rng, LAST);
  return {
    id,
    name: `${first} ${last}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}${id}@mail.example.jp`,
    phone: `090-${digits(rng, 4)}-${digits(rng, 4)}`,
    dob: `19${60 + Math.floor(rng() * 40)}-0${1 + Math.floor(rng() * 9)}-1${Math.floor(rng() * 9)}`,
    card: luhnComplete(`4111${digits(rng, 11)}`),
    myNumber: myNumberComplete(`${1 + Math.floor(rng() * 9)}${digits(rng, 10)}`),
    iban: ibanComplete('DE', `${digits(rng, 8)}${digits(rng, 10)}`),
    token: jwtFor(`user-${id}`),
    ip: `198.51.100.${1 + (id % 250)}`,
    agent: pick(rng, AGENTS),
  };
}

const uuid = (rng: Rng) => {
  const h = () => Math.floor(rng() * 16).toString(16);
  const s = (n: number) => Array.from({ length: n }, h).join('');
  return `${s(8)}-${s(4)}-4${s(3)}-a${s(3)}-${s(12)}`;
};

function normalCall(rng: Rng, u: User, i: number, userCount: number): Call {
  const api = 'api.shop.example';
  const bearer: Array<[string, string]> = [['authorization', `Bearer ${u.token}`]];
  const profile = {
    id: u.id,
    name: u.name,
    email: u.email,
    phone: u.phone,
    dateOfBirth: u.dob,
    address: { street: '1-2-3 Chiyoda', city: 'Tokyo', postalCode: '100-0001' },
  };
  const r = rng();
  if (r < 0.14)
    return {
      host: api,
      method: 'GET',
      path: `/v2/users/${u.id}`,
      headers: bearer,
      status: 200,
      response: profile,
    };
  if (r < 0.18)
    return {
      host: api,
      method: 'GET',
      path: '/v2/users/me',
      headers: bearer,
      status: 200,
      response: profile,
    };
  if (r < 0.2)
    return {
      host: api,
      method: 'GET',
      path: '/v2/users/search',
      query: [['q', pick(rng, FIRST)]],
      headers: bearer,
      status: 200,
      response: { results: [{ id: u.id, name: u.name }] },
    };
  if (r < 0.23)
    return {
      host: api,
      method: 'PATCH',
      path: `/v2/users/${u.id}`,
      headers: bearer,
      body: { phone: u.phone },
      status: 200,
      response: profile,
    };
  if (r < 0.3)
    return {
      host: api,
      method: 'GET',
      path: `/v2/users/${u.id}/orders`,
      query: [
        ['page', String(1 + Math.floor(rng() * 5))],
        ['limit', '20'],
      ],
      headers: bearer,
      status: 200,
      response: { items: [{ orderId: uuid(rng), total: Math.round(rng() * 20000) }], page: 1 },
    };
  if (r < 0.38) {
    const id = uuid(rng);
    return {
      host: api,
      method: 'GET',
      path: `/v2/orders/${id}`,
      headers: bearer,
      status: rng() < 0.05 ? 404 : 200,
      response: {
        orderId: id,
        userId: u.id,
        total: 4200,
        payment: { cardLast4: u.card.slice(-4), iban: u.iban },
      },
    };
  }
  if (r < 0.43)
    return {
      host: api,
      method: 'POST',
      path: '/v2/orders',
      headers: bearer,
      body: {
        items: [{ sku: `SKU-${digits(rng, 6)}`, qty: 1 }],
        payment: { cardNumber: u.card, cvc: digits(rng, 3) },
      },
      status: 201,
      response: { orderId: uuid(rng), status: 'created', orderNumber: digits(rng, 16) },
    };
  if (r < 0.58)
    return {
      host: api,
      method: 'GET',
      path: '/v2/products',
      query: [
        ['page', String(1 + Math.floor(rng() * 20))],
        ['limit', '50'],
      ],
      status: 200,
      response: {
        items: PRODUCTS.map((slug, n) => ({
          id: n + 1,
          slug,
          price: 1000 + n * 250,
          updatedAt: 1767225600 + n,
        })),
      },
    };
  if (r < 0.68) {
    const slug = `${pick(rng, PRODUCTS)}-${Math.floor(rng() * 400)}`;
    return {
      host: api,
      method: 'GET',
      path: `/v2/products/${slug}`,
      status: 200,
      response: { slug, price: 1999, version: '2.4.1', description: 'Cotton, machine washable.' },
    };
  }
  if (r < 0.72)
    return {
      host: api,
      method: 'GET',
      path: `/v2/products/${1 + Math.floor(rng() * 300)}/reviews`,
      status: 200,
      response: { reviews: [{ rating: 5, author: u.name.split(' ')[0], text: 'Great!' }] },
    };
  if (r < 0.75)
    return {
      host: api,
      method: 'GET',
      path: `/v2/invoices/INV-2026-${digits(rng, 6)}/download`,
      headers: bearer,
      status: 200,
      response: { url: 'https://cdn.shop.example/i.pdf' },
    };
  if (r < 0.77)
    return {
      host: api,
      method: 'GET',
      path: '/v2/legacy/export',
      headers: bearer,
      status: 200,
      response: { rows: 0 },
    };
  if (r < 0.8) return { host: api, method: 'GET', path: '/health', status: 200, response: { status: 'ok' } };
  // The undocumented v1 twin, still used by an old mobile build: shadow and zombie.
  if (r < 0.84)
    return {
      host: api,
      method: 'GET',
      path: `/v1/users/${u.id}`,
      headers: [['cookie', `sessionid=${digits(rng, 24)}`]],
      status: 200,
      response: {
        ...profile,
        ssn: `${100 + Math.floor(rng() * 500)}-${10 + Math.floor(rng() * 89)}-${1000 + Math.floor(rng() * 8999)}`,
      },
      responseHeaders: [
        ['server', 'Apache/2.4.41 (Ubuntu)'],
        ['x-powered-by', 'PHP/7.2.24'],
      ],
    };
  if (r < 0.88)
    return {
      host: 'auth.shop.example',
      method: 'POST',
      path: '/login',
      body: { email: u.email, password: `pw-${digits(rng, 8)}!` },
      status: rng() < 0.1 ? 401 : 200,
      response: { token: u.token, expiresIn: 3600 },
    };
  if (r < 0.9)
    return {
      host: 'auth.shop.example',
      method: 'POST',
      path: '/oauth/token',
      form: [
        ['grant_type', 'password'],
        ['username', u.email],
        ['password', `pw-${digits(rng, 8)}`],
      ],
      status: 200,
      response: { access_token: u.token, token_type: 'Bearer' },
    };
  // An undocumented partner API (shadow).
  const partnerKey: Array<[string, string]> = [
    ['x-api-key', `pk_live_${digits(rng, 4)}a8f3c9d2e7b1f0a6c5d4e3f2`],
  ];
  if (r < 0.95)
    return {
      host: 'partner.shop.example',
      method: 'GET',
      path: `/partners/${200 + Math.floor(rng() * 40)}/customers`,
      headers: partnerKey,
      status: 200,
      response: {
        customers: [
          { name: u.name, myNumber: u.myNumber, corporateNumber: corporateNumberComplete(digits(rng, 12)) },
        ],
      },
    };
  if (r < 0.96)
    return {
      host: 'partner.shop.example',
      method: 'GET',
      path: '/internal/debug/config',
      status: 200,
      response: {
        awsAccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        awsSecretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    };
  if (r < 0.98)
    return {
      host: 'partner.shop.example',
      method: 'GET',
      path: `/files/report-2026-${String(1 + (i % 12)).padStart(2, '0')}.csv`,
      headers: partnerKey,
      status: 200,
      response: { rows: 12 },
    };
  // A host nobody approved (rogue).
  return {
    host: 'api.shop-legacy.example',
    method: 'GET',
    path: `/v1/customers/${1 + Math.floor(rng() * userCount)}`,
    status: 200,
    response: { email: u.email, card: u.card },
  };
}

function attackCall(rng: Rng, i: number): Call {
  const api = 'api.shop.example';
  const kind = i % 4;
  if (kind === 0)
    return {
      host: api,
      method: 'GET',
      path: '/v2/users/search',
      query: [['q', "' OR 1=1 -- "]],
      status: 500,
    };
  if (kind === 1)
    return {
      host: api,
      method: 'GET',
      path: '/v2/users/search',
      query: [['q', '<script>alert(document.cookie)</script>']],
      status: 200,
      response: { results: [] },
    };
  if (kind === 2)
    return {
      host: 'partner.shop.example',
      method: 'GET',
      path: '/files/..%2f..%2fetc%2fpasswd',
      status: 404,
    };
  return {
    host: api,
    method: 'GET',
    path: `/v2/users/${1000 + Math.floor(rng() * 5000)}`,
    headers: [['authorization', `Bearer ${jwtFor('user-1007')}`]],
    status: 403,
  };
}

function toEntry(rng: Rng, call: Call, time: number, u: User): Record<string, unknown> {
  const query = call.query ?? [];
  const qs = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  const url = `https://${call.host}${call.path}${qs ? `?${qs}` : ''}`;
  const headers: Array<[string, string]> = [
    ['host', call.host],
    ['user-agent', u.agent],
    ['accept', 'application/json'],
    ['x-forwarded-for', u.ip],
    ...(call.headers ?? []),
  ];
  let postData: Record<string, unknown> | undefined;
  if (call.body !== undefined) {
    const text = JSON.stringify(call.body);
    headers.push(['content-type', 'application/json']);
    postData = { mimeType: 'application/json', text };
  } else if (call.form) {
    const text = call.form.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
    headers.push(['content-type', 'application/x-www-form-urlencoded']);
    postData = {
      mimeType: 'application/x-www-form-urlencoded',
      text,
      params: call.form.map(([name, value]) => ({ name, value })),
    };
  }
  const responseText = call.response === undefined ? '' : JSON.stringify(call.response);
  const latency = Math.round(5 + rng() * 120);
  return {
    startedDateTime: new Date(time).toISOString(),
    time: latency,
    request: {
      method: call.method,
      url,
      httpVersion: 'HTTP/1.1',
      headers: headers.map(([name, value]) => ({ name, value })),
      queryString: query.map(([name, value]) => ({ name, value })),
      cookies: [],
      headersSize: -1,
      bodySize: postData ? String(postData['text']).length : 0,
      ...(postData ? { postData } : {}),
    },
    response: {
      status: call.status,
      statusText: '',
      httpVersion: 'HTTP/1.1',
      headers: [
        { name: 'content-type', value: 'application/json; charset=utf-8' },
        ...(call.responseHeaders ?? []).map(([name, value]) => ({ name, value })),
      ],
      cookies: [],
      content: { size: responseText.length, mimeType: 'application/json; charset=utf-8', text: responseText },
      redirectURL: '',
      headersSize: -1,
      bodySize: responseText.length,
    },
    cache: {},
    timings: { send: 0, wait: latency, receive: 0 },
    serverIPAddress: '203.0.113.10',
  };
}

/** Every endpoint template the generator can produce, with the tags and sensitive types it should get. */
export const TRUTH: TruthEndpoint[] = [
  {
    host: 'api.shop.example',
    method: 'GET',
    path: '/v2/users/{userId}',
    tags: [],
    sensitive: ['EMAIL', 'PHONE'],
  },
  { host: 'api.shop.example', method: 'GET', path: '/v2/users/me', tags: [], sensitive: ['EMAIL'] },
  { host: 'api.shop.example', method: 'GET', path: '/v2/users/search', tags: [], sensitive: [] },
  { host: 'api.shop.example', method: 'PATCH', path: '/v2/users/{userId}', tags: [], sensitive: ['PHONE'] },
  { host: 'api.shop.example', method: 'GET', path: '/v2/users/{userId}/orders', tags: [], sensitive: [] },
  { host: 'api.shop.example', method: 'GET', path: '/v2/orders/{orderId}', tags: [], sensitive: ['IBAN'] },
  { host: 'api.shop.example', method: 'POST', path: '/v2/orders', tags: [], sensitive: ['CREDIT_CARD'] },
  { host: 'api.shop.example', method: 'GET', path: '/v2/products', tags: [], sensitive: [] },
  { host: 'api.shop.example', method: 'GET', path: '/v2/products/{productId}', tags: [], sensitive: [] },
  {
    host: 'api.shop.example',
    method: 'GET',
    path: '/v2/products/{productId}/reviews',
    tags: [],
    sensitive: [],
  },
  {
    host: 'api.shop.example',
    method: 'GET',
    path: '/v2/invoices/{invoiceId}/download',
    tags: [],
    sensitive: [],
  },
  {
    host: 'api.shop.example',
    method: 'GET',
    path: '/v2/legacy/export',
    tags: ['deprecated', 'zombie'],
    sensitive: [],
  },
  { host: 'api.shop.example', method: 'DELETE', path: '/v2/users/{userId}', tags: ['orphan'], sensitive: [] },
  { host: 'api.shop.example', method: 'GET', path: '/health', tags: [], sensitive: [] },
  {
    host: 'api.shop.example',
    method: 'GET',
    path: '/v1/users/{userId}',
    tags: ['shadow', 'zombie'],
    sensitive: ['US_SSN'],
  },
  {
    host: 'auth.shop.example',
    method: 'POST',
    path: '/login',
    tags: ['shadow'],
    sensitive: ['PASSWORD', 'EMAIL'],
  },
  {
    host: 'auth.shop.example',
    method: 'POST',
    path: '/oauth/token',
    tags: ['shadow'],
    sensitive: ['PASSWORD'],
  },
  {
    host: 'partner.shop.example',
    method: 'GET',
    path: '/partners/{partnerId}/customers',
    tags: ['shadow'],
    sensitive: ['JP_MY_NUMBER', 'JP_CORPORATE_NUMBER', 'PERSON_NAME'],
  },
  {
    host: 'partner.shop.example',
    method: 'GET',
    path: '/internal/debug/config',
    tags: ['shadow'],
    sensitive: ['AWS_ACCESS_KEY', 'AWS_SECRET_KEY'],
  },
  { host: 'partner.shop.example', method: 'GET', path: '/files/{fileName}', tags: ['shadow'], sensitive: [] },
  {
    host: 'api.shop-legacy.example',
    method: 'GET',
    path: '/v1/customers/{customerId}',
    tags: ['shadow', 'rogue'],
    sensitive: ['EMAIL', 'CREDIT_CARD'],
  },
];

/** The OpenAPI 3.1 spec of the documented part (api.shop.example v2). */
export function shopSpec(): Record<string, unknown> {
  const bearer = [{ bearerAuth: [] }];
  const idParam = (name: string, type = 'integer') => ({
    name,
    in: 'path',
    required: true,
    schema: type === 'integer' ? { type: 'integer', minimum: 1 } : { type: 'string', maxLength: 64 },
  });
  const ok = (description: string) => ({
    '200': { description, content: { 'application/json': { schema: { type: 'object' } } } },
    '401': { description: 'not authenticated' },
  });
  return {
    openapi: '3.1.0',
    info: { title: 'Shop API', version: '2.3.0' },
    servers: [{ url: 'https://api.shop.example' }],
    security: bearer,
    components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    paths: {
      '/health': {
        get: { operationId: 'health', security: [], responses: { '200': { description: 'up' } } },
      },
      '/v2/users/me': { get: { operationId: 'getMe', responses: ok('the caller') } },
      '/v2/users/search': {
        get: {
          operationId: 'searchUsers',
          parameters: [{ name: 'q', in: 'query', schema: { type: 'string', maxLength: 100 } }],
          responses: ok('matches'),
        },
      },
      '/v2/users/{userId}': {
        parameters: [idParam('userId')],
        get: { operationId: 'getUser', responses: ok('a user') },
        patch: { operationId: 'updateUser', responses: ok('updated') },
        delete: { operationId: 'deleteUser', responses: { '204': { description: 'deleted' } } },
      },
      '/v2/users/{userId}/orders': {
        parameters: [idParam('userId')],
        get: { operationId: 'listUserOrders', responses: ok('orders') },
      },
      '/v2/orders': {
        post: { operationId: 'createOrder', responses: { '201': { description: 'created' } } },
      },
      '/v2/orders/{orderId}': {
        parameters: [idParam('orderId', 'string')],
        get: { operationId: 'getOrder', responses: ok('an order') },
      },
      '/v2/products': { get: { operationId: 'listProducts', security: [], responses: ok('products') } },
      '/v2/products/{productId}': {
        parameters: [idParam('productId', 'string')],
        get: { operationId: 'getProduct', security: [], responses: ok('a product') },
      },
      '/v2/products/{productId}/reviews': {
        parameters: [idParam('productId', 'string')],
        get: { operationId: 'listReviews', security: [], responses: ok('reviews') },
      },
      '/v2/invoices/{invoiceId}/download': {
        parameters: [idParam('invoiceId', 'string')],
        get: { operationId: 'downloadInvoice', responses: ok('a link') },
      },
      '/v2/legacy/export': { get: { operationId: 'legacyExport', deprecated: true, responses: ok('rows') } },
    },
  };
}
