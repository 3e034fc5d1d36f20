// JWT decoding for identity and sensitive-data detection. Decoding only: a token seen in traffic is
// never verified and never trusted for authorisation; its header and claims only label what we saw.

const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}={0,2}\.[A-Za-z0-9_-]*={0,2}\.[A-Za-z0-9_-]*={0,2}$/;

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
}

// Tokens repeat across the exchanges of one client: decoding each once keeps authOf/actorOf cheap.
const CACHE_MAX = 4096;
const cache = new Map<string, DecodedJwt | null>();

/** Forgets the decoded tokens (see clearIdentityCaches). */
export function clearJwtCache(): void {
  cache.clear();
}

function decodeJsonObject(part: string): Record<string, unknown> | undefined {
  if (part.length === 0) return undefined;
  let text: string;
  try {
    text = Buffer.from(part, 'base64url').toString('utf8');
  } catch {
    return undefined;
  }
  if (text.charCodeAt(0) !== 0x7b /* { */) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes a compact JWS (`header.payload.signature`) without verifying it. Undefined unless both
 * header and payload are JSON objects and the header names an `alg` (what makes it a JWT rather
 * than three base64 words joined by dots).
 */
export function decodeJwt(token: string): DecodedJwt | undefined {
  if (token.length < 10 || token.length > 16384 || token.charCodeAt(0) !== 0x65 /* e */) return undefined;
  const hit = cache.get(token);
  if (hit !== undefined) return hit ?? undefined;
  const decoded = decodeUncached(token);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(token, decoded ?? null);
  return decoded;
}

function decodeUncached(token: string): DecodedJwt | undefined {
  if (!JWT_SHAPE.test(token)) return undefined;
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  const header = decodeJsonObject(token.slice(0, dot1));
  if (header === undefined || typeof header['alg'] !== 'string') return undefined;
  const payload = decodeJsonObject(token.slice(dot1 + 1, dot2));
  if (payload === undefined) return undefined;
  return { header, payload };
}
