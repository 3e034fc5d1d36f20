// Shared test data for pipeline and server tests: demo HAR traffic and one exchange full of known secrets.
import { generateEntries } from '../demo/generator.js';
import type { Exchange } from '../model/index.js';
import { exchangesFromHar } from '../sources/index.js';

export function demoHar(entries: number, seed = 7): Record<string, unknown> {
  return {
    log: {
      version: '1.2',
      creator: { name: 'test', version: '1' },
      entries: [...generateEntries({ entries, attacks: true, seed })],
    },
  };
}

export function demoExchanges(entries: number, seed = 7): Exchange[] {
  return exchangesFromHar(demoHar(entries, seed), { onIssue: () => undefined });
}

/** Raw values that must never reach the store unmasked. */
export const SECRETS = {
  card: '4111111111111111',
  email: 'hanako.yamada@example.jp',
  bearer: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXNlY3JldC12YWx1ZQ',
  apiKey: 'sk_live_51HxQvYkz9XAbCdEfGh',
  session: 'sess-9f8e7d6c5b4a39281706',
  password: 'Tr0ub4dor&3-horse',
};

export function secretExchange(id = 'secret-1'): Exchange {
  return {
    id,
    time: Date.UTC(2026, 10, 2, 10, 0, 0),
    source: { kind: 'ingest', index: 0 },
    client: { address: '203.0.113.9' },
    request: {
      method: 'POST',
      scheme: 'https',
      host: 'api.shop.example',
      path: '/v2/orders',
      query: [
        ['email', SECRETS.email],
        ['page', '2'],
      ],
      headers: {
        authorization: `Bearer ${SECRETS.bearer}`,
        'x-api-key': SECRETS.apiKey,
        cookie: `sid=${SECRETS.session}; theme=dark`,
        'content-type': 'application/json',
      },
      body: {
        text: JSON.stringify({
          card: SECRETS.card,
          customer: { email: SECRETS.email },
          password: SECRETS.password,
        }),
        size: 120,
        truncated: false,
        mimeType: 'application/json',
      },
    },
    response: {
      status: 201,
      headers: { 'content-type': 'application/json', 'set-cookie': `sid=${SECRETS.session}; HttpOnly` },
      body: {
        text: `{"id":7,"note":"card ${SECRETS.card} charged for ${SECRETS.email}"}`,
        size: 70,
        truncated: false,
        mimeType: 'application/json',
      },
    },
  };
}
