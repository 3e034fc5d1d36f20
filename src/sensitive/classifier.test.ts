import { describe, expect, it } from 'vitest';
import { makeExchange, makeJwt } from '../identity/test-support/make-exchange.js';
import { InputError } from '../model/index.js';
import { compileClassifier, MAX_VALUES_PER_BODY, type SensitiveHit } from './classifier.js';

const classifier = compileClassifier();

function fields(hits: SensitiveHit[]): string[] {
  return hits.map((h) => `${h.direction} ${h.type} ${h.field}`).sort();
}

describe('scanExchange field paths', () => {
  it('locates values in JSON bodies, arrays, query, headers, cookies, path and form', () => {
    const ex = makeExchange({
      method: 'POST',
      path: '/v1/users/jane.doe@example.com/cards',
      query: [
        ['card', '4111111111111111'],
        ['page', '2'],
      ],
      headers: { 'x-customer-phone': '+14155552671', cookie: 'ssn=123-45-6789; theme=dark' },
      body: JSON.stringify({
        customer: { name: 'Jane Doe', email: 'jane@example.com', dob: '1990-05-17' },
        items: [
          { sku: 'A-1', card: '5555 5555 5555 4444' },
          { sku: 'A-2', card: '4111111111111111' },
        ],
        'odd key': '203.0.113.7',
      }),
      responseBody: JSON.stringify({ ok: true, iban: 'DE89370400440532013000' }),
    });
    expect(fields(classifier.scanExchange(ex))).toEqual(
      [
        'request CREDIT_CARD $.items[].card',
        'request CREDIT_CARD query.card',
        'request DATE_OF_BIRTH $.customer.dob',
        'request EMAIL $.customer.email',
        'request EMAIL path.3',
        'request IP_ADDRESS $["odd key"]',
        'request PERSON_NAME $.customer.name',
        'request PHONE header.x-customer-phone',
        'request US_SSN cookie.ssn',
        'response IBAN $.iban',
      ].sort(),
    );
  });

  it('walks form bodies as form.<name>', () => {
    const ex = makeExchange({
      method: 'POST',
      body: 'username=jane&password=hunter2&email=jane%40example.com',
      mimeType: 'application/x-www-form-urlencoded',
    });
    expect(fields(classifier.scanExchange(ex))).toEqual([
      'request EMAIL form.email',
      'request PASSWORD form.password',
    ]);
  });

  it('scans top-level arrays and both directions separately', () => {
    const ex = makeExchange({
      body: JSON.stringify([{ email: 'a@example.com' }]),
      responseBody: JSON.stringify([{ email: 'b@example.com' }]),
    });
    expect(fields(classifier.scanExchange(ex))).toEqual([
      'request EMAIL $[].email',
      'response EMAIL $[].email',
    ]);
  });

  it('deduplicates per (type, direction, field), keeping the first masked sample', () => {
    const ex = makeExchange({
      responseBody: JSON.stringify({ users: [{ email: 'a@example.com' }, { email: 'b@example.com' }] }),
    });
    const hits = classifier.scanExchange(ex);
    expect(hits).toEqual([
      { type: 'EMAIL', direction: 'response', field: '$.users[].email', masked: 'a***@example.com' },
    ]);
  });

  it('reads response Set-Cookie values and numbers under hinted names', () => {
    const ex = makeExchange({
      responseHeaders: { 'set-cookie': 'email=jane%40example.com; Path=/\ntheme=dark' },
      responseBody: JSON.stringify({ phone: 819012345678, pin: 1234, total: 4111111111111111 }),
    });
    expect(fields(classifier.scanExchange(ex))).toEqual([
      'response EMAIL cookie.email',
      'response PASSWORD $.pin',
      'response PHONE $.phone',
    ]);
  });

  it('finds an AWS secret key only next to its access key id or under a secret-key name', () => {
    const secret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
    const withKey = makeExchange({
      responseBody: JSON.stringify({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE', Blob: secret }),
    });
    expect(fields(classifier.scanExchange(withKey))).toEqual([
      'response AWS_ACCESS_KEY $.AccessKeyId',
      'response AWS_SECRET_KEY $.Blob',
    ]);
    const alone = makeExchange({ responseBody: JSON.stringify({ Blob: secret }) });
    expect(classifier.scanExchange(alone)).toEqual([]);
  });

  it('caps the values visited per body', () => {
    const many = Array.from({ length: MAX_VALUES_PER_BODY + 10 }, (_, i) => ({ n: i }));
    many.push({ n: -1, email: 'late@example.com' } as never);
    const ex = makeExchange({ responseBody: JSON.stringify(many) });
    expect(classifier.scanExchange(ex)).toEqual([]);
  });

  it('leaves unparsable and truncated JSON alone', () => {
    const ex = makeExchange({ body: '{"email": "jane@exam', responseBody: 'not json' });
    expect(classifier.scanExchange(ex)).toEqual([]);
  });

  it('uses bodies parsed by the caller', () => {
    const ex = makeExchange({ body: '{}' });
    const hits = classifier.scanExchange(ex, { request: { email: 'x@example.com' } });
    expect(fields(hits)).toEqual(['request EMAIL $.email']);
  });
});

describe('credentials of the call itself are not hits', () => {
  const jwt = makeJwt({ alg: 'HS256', typ: 'JWT' }, { sub: 'u1' });

  it('skips the Authorization header, API-key header, key query param and session cookie', () => {
    const ex = makeExchange({
      query: [['api_key', 'Zx81kPq7Ln3vTy9WmB2cDe5F']],
      headers: {
        authorization: `Bearer ${jwt}`,
        'x-api-key': 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
        cookie: 'sessionid=Zx81kPq7Ln3vTy9WmB2cDe5F; token=' + jwt,
      },
    });
    expect(classifier.scanExchange(ex)).toEqual([]);
  });

  it('still reports the same kinds of values elsewhere', () => {
    const ex = makeExchange({
      headers: { authorization: `Bearer ${jwt}`, 'x-forwarded-authorization': `Bearer ${jwt}` },
      responseBody: JSON.stringify({ access_token: jwt, stripe: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc' }),
      responseHeaders: { 'set-cookie': 'sessionid=abc123def456ghi789; HttpOnly' },
    });
    expect(fields(classifier.scanExchange(ex))).toEqual([
      'request BEARER_TOKEN header.x-forwarded-authorization',
      'response API_KEY $.stripe',
      'response JWT $.access_token',
    ]);
  });
});

describe('look-alikes inside exchanges', () => {
  it('reports nothing for ordinary API traffic', () => {
    const ex = makeExchange({
      path: '/v2/orders/550e8400-e29b-41d4-a716-446655440000',
      query: [['since', '1700000000']],
      headers: { 'x-request-id': '9f86d081884c7d659a2feaa0c55ad015', 'user-agent': 'curl/8.5.0' },
      responseBody: JSON.stringify({
        id: '550e8400-e29b-41d4-a716-446655440000',
        orderNumber: '4000123412341234',
        invoice_no: '202411150005',
        createdAt: 1700000000000,
        version: '1.2.3.4',
        sha: 'da39a3ee5e6b4b0d3255bfef95601890afd80709',
        product: { name: 'Widget Pro', price: 1999 },
        status: 'shipped',
      }),
    });
    expect(classifier.scanExchange(ex)).toEqual([]);
  });
});

describe('masking in hits', () => {
  it('never puts a raw value in a hit', () => {
    const values = {
      card: '4111111111111111',
      email: 'jane@example.com',
      ssn: '123-45-6789',
      password: 'hunter2',
      token: makeJwt({ alg: 'RS256' }, { sub: 'x' }),
      aws: 'AKIAIOSFODNN7EXAMPLE',
      iban: 'DE89370400440532013000',
      mynumber: '123456789018',
    };
    const ex = makeExchange({ responseBody: JSON.stringify(values) });
    const hits = classifier.scanExchange(ex);
    expect(hits).toHaveLength(Object.keys(values).length);
    const json = JSON.stringify(hits);
    for (const v of Object.values(values)) expect(json).not.toContain(v);
    expect(hits.find((h) => h.type === 'CREDIT_CARD')?.masked).toBe('4111********1111');
  });
});

describe('custom types', () => {
  it('adds a custom type with a validator and a field hint', () => {
    const c = compileClassifier([
      { name: 'EMPLOYEE_ID', pattern: 'EMP-\\d{6}' },
      { name: 'LOYALTY_CARD', pattern: '\\d{16}', validator: 'luhn', fieldHint: '^loyalty' },
    ]);
    expect(c.classifyValue('EMP-123456')).toBe('EMPLOYEE_ID');
    expect(c.classifyValue('xEMP-123456')).toBeUndefined();
    expect(c.classifyValue('1234567812345670', 'loyaltyCard')).toBe('LOYALTY_CARD');
    expect(c.classifyValue('1234567812345671', 'loyaltyCard')).toBeUndefined();
    expect(c.classifyValue('1234567812345670', 'other')).toBeUndefined();
    const ex = makeExchange({ query: [['emp', 'EMP-000042']] });
    expect(c.scanExchange(ex)).toEqual([
      { type: 'EMPLOYEE_ID', direction: 'request', field: 'query.emp', masked: '***-**0042' },
    ]);
  });

  it('rejects an invalid custom regex with an InputError naming the type', () => {
    expect(() => compileClassifier([{ name: 'BROKEN', pattern: '([a-z' }])).toThrow(InputError);
    expect(() => compileClassifier([{ name: 'BROKEN', pattern: '([a-z' }])).toThrow(/BROKEN/);
    expect(() => compileClassifier([{ name: 'EMAIL', pattern: 'x' }])).toThrow(/built-in/);
    expect(() => compileClassifier([{ name: 'lower', pattern: 'x' }])).toThrow(/UPPER_SNAKE_CASE/);
    expect(() => compileClassifier([{ name: 'HINTED', pattern: 'x', fieldHint: '(' }])).toThrow(/fieldHint/);
  });
});

describe('values inside text and other scripts', () => {
  it('finds an email inside an error message and masks only the address', () => {
    const ex = makeExchange({
      status: 404,
      responseBody: JSON.stringify({ error: 'No account for jane.doe@example.com (tel 090-1234-5678)' }),
    });
    const hits = classifier.scanExchange(ex);
    expect(hits).toEqual([
      { type: 'EMAIL', direction: 'response', field: '$.error', masked: 'j***@example.com' },
    ]);
  });
  it('reads full-width digits (Japanese forms)', () => {
    expect(classifier.classifyValue('０９０－１２３４－５６７８')).toBe('PHONE');
    expect(classifier.classifyValue('１２３４５６７８９０１８', 'mynumber')).toBe('JP_MY_NUMBER');
  });
  it('takes field paths as well as names in classifyValue', () => {
    expect(classifier.classifyValue('Jane Doe', '$.customers[].name')).toBe('PERSON_NAME');
    expect(classifier.classifyValue('Jane Doe', 'query.customer[name]')).toBe('PERSON_NAME');
    expect(classifier.classifyValue('Jane Doe', '$.product.name')).toBeUndefined();
    expect(classifier.classifyValue('hunter2', 'form.password')).toBe('PASSWORD');
    expect(classifier.classifyValue('hunter2', 'path.2')).toBeUndefined();
  });
  it('scans the complete part of a truncated JSON body', () => {
    const text = `{"users":[{"email":"a@example.com"},{"email":"b@example.com"},{"email":"c@exa`;
    const ex = makeExchange({
      responseBody: { text, size: 70000, truncated: true, mimeType: 'application/json' },
    });
    expect(fields(classifier.scanExchange(ex))).toEqual(['response EMAIL $.users[].email']);
  });
});

describe('multipart bodies', () => {
  it('reports text fields as form.<name>', () => {
    const text = '--xyz\r\nContent-Disposition: form-data; name="ssn"\r\n\r\n123-45-6789\r\n--xyz--\r\n';
    const ex = makeExchange({ method: 'POST', body: text, mimeType: 'multipart/form-data' });
    expect(fields(classifier.scanExchange(ex))).toEqual(['request US_SSN form.ssn']);
  });
});

describe('path segments', () => {
  it('are id slots: a check-digit-valid 12-digit id is not a My Number, a card number still counts', () => {
    const ex = makeExchange({ path: '/v1/orders/123456789018/cards/4111111111111111' });
    expect(fields(classifier.scanExchange(ex))).toEqual(['request CREDIT_CARD path.5']);
    expect(classifier.classifyValue('123456789018', 'path.3')).toBeUndefined();
  });
});

describe('JSON inside string values', () => {
  it('walks a serialised object as if it were nested', () => {
    const ex = makeExchange({
      method: 'POST',
      body: JSON.stringify({
        event: 'signup',
        payload: JSON.stringify({ user: { email: 'x@example.com' } }),
      }),
    });
    expect(fields(classifier.scanExchange(ex))).toEqual(['request EMAIL $.payload.user.email']);
  });
  it('ignores braces that are not JSON', () => {
    const ex = makeExchange({ body: JSON.stringify({ template: '{name} <{email}>', list: '[a, b]' }) });
    expect(classifier.scanExchange(ex)).toEqual([]);
  });
});

describe('robustness', () => {
  it('never throws on odd input and never returns a raw value as its mask', () => {
    let seed = 3;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = 'aZ09 -_.:@/+%{}[]"\\\u0000\u00e9\u65e5\uff10\ud83d\ude00\n';
    const str = (n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
    const seeds = [
      '4111111111111111',
      'jane@example.com',
      '123-45-6789',
      'AKIAIOSFODNN7EXAMPLE',
      '{"a":',
      '%E0%A4%A',
    ];
    for (let i = 0; i < 300; i++) {
      const value = rnd(3) === 0 ? (seeds[rnd(seeds.length)] as string) : str(rnd(60));
      const key = rnd(2) === 0 ? str(rnd(12)) : 'email';
      const ex = makeExchange({
        path: `/${str(8)}/${value}/%${value}`,
        query: [[key, value]],
        headers: { [`x-${rnd(100)}`]: value, cookie: `${key}=${value}` },
        body: rnd(2) === 0 ? JSON.stringify({ [key]: value, nested: [{ [key]: value }] }) : str(80),
        responseBody: {
          text: `{"${key}": "${value}`,
          size: 999,
          truncated: true,
          mimeType: 'application/json',
        },
      });
      const hits = classifier.scanExchange(ex);
      for (const h of hits) if (value.length > 3) expect(h.masked).not.toBe(value);
    }
  });
});

describe('URLs carrying parameters', () => {
  it('classifies query and fragment parameters of Referer, Location and URL values', () => {
    const jwt = makeJwt({ alg: 'HS256' }, { sub: 'u' });
    const ex = makeExchange({
      headers: { referer: 'https://shop.example/reset?email=jane%40example.com&step=2' },
      responseHeaders: { location: `https://app.example/cb#access_token=${jwt}&state=x` },
      responseBody: JSON.stringify({
        next: 'https://api.example/v1/users?ssn=123-45-6789',
        home: 'https://example.com/',
      }),
    });
    expect(fields(classifier.scanExchange(ex))).toEqual([
      'request EMAIL header.referer',
      'response JWT header.location',
      'response US_SSN $.next',
    ]);
  });
});
