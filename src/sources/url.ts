// URL pieces for Exchange.request, parsed by hand rather than with WHATWG `URL`: we must keep the raw
// path (percent-encoding, `..` and all, as it crossed the wire) and this runs once per exchange on the
// hot path of a 1 GB HAR, where `new URL` plus its normalisation would cost more than we need.

export interface UrlParts {
  scheme: 'http' | 'https';
  host: string;
  port?: number;
  path: string;
  query: Array<[string, string]>;
}

export interface UrlDefaults {
  scheme: 'http' | 'https';
  host: string;
}

const DEFAULT_PORT = { http: 80, https: 443 } as const;

/** The scheme mamori records for a URL scheme; WebSocket upgrades are HTTP requests to begin with. */
function schemeOf(raw: string): 'http' | 'https' | undefined {
  switch (raw.toLowerCase()) {
    case 'http':
    case 'ws':
      return 'http';
    case 'https':
    case 'wss':
      return 'https';
    default:
      return undefined;
  }
}

/** True when `host` holds only characters a registered name or IP literal may hold. */
function validHost(host: string): boolean {
  if (host.length === 0 || host.length > 255) return false;
  for (let i = 0; i < host.length; i++) {
    const c = host.charCodeAt(i);
    if (
      c <= 0x20 ||
      c === 0x7f ||
      c === 0x22 || // "
      c === 0x3c || // <
      c === 0x3e || // >
      c === 0x5c || // \
      c === 0x5e || // ^
      c === 0x60 || // `
      c === 0x7b || // {
      c === 0x7c || // |
      c === 0x7d || // }
      c === 0x2f || // /
      c === 0x40 // @
    )
      return false;
  }
  return true;
}

/**
 * Splits `host[:port]` (IPv6 literals in brackets) into a lower-case host and a port, the port left out
 * when it is the scheme's default. Returns a reason string when the authority is unusable.
 */
export function parseAuthority(
  authority: string,
  scheme: 'http' | 'https',
): { host: string; port?: number } | string {
  const at = authority.lastIndexOf('@');
  const hostPort = at >= 0 ? authority.slice(at + 1) : authority;
  let host: string;
  let portText = '';
  if (hostPort.charCodeAt(0) === 0x5b /* [ */) {
    const close = hostPort.indexOf(']');
    if (close < 0) return 'unterminated IPv6 literal';
    host = hostPort.slice(0, close + 1);
    const rest = hostPort.slice(close + 1);
    if (rest !== '') {
      if (rest.charCodeAt(0) !== 0x3a) return 'garbage after IPv6 literal';
      portText = rest.slice(1);
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      host = hostPort.slice(0, colon);
      portText = hostPort.slice(colon + 1);
    } else host = hostPort;
  }
  host = host.toLowerCase();
  if (host.endsWith('.')) host = host.slice(0, -1);
  if (!validHost(host)) return host === '' ? 'empty host' : 'invalid host';
  if (portText === '') return { host };
  let port = 0;
  for (let i = 0; i < portText.length; i++) {
    const d = portText.charCodeAt(i) - 48;
    if (d < 0 || d > 9 || i >= 5) return 'invalid port';
    port = port * 10 + d;
  }
  if (port < 1 || port > 65535) return 'invalid port';
  return port === DEFAULT_PORT[scheme] ? { host } : { host, port };
}

/**
 * Parses an absolute `http(s)://` URL, or, when `defaults` are given, an origin-form target (`/p?q`).
 * Returns the reason as a string when the URL cannot be used.
 */
export function parseUrl(url: string, defaults?: UrlDefaults): UrlParts | string {
  let scheme: 'http' | 'https';
  let host: string;
  let port: number | undefined;
  let rest: number; // index where the path starts
  const sep = url.indexOf('://');
  if (sep > 0 && sep < 10 && url.charCodeAt(0) !== 0x2f) {
    const s = schemeOf(url.slice(0, sep));
    if (s === undefined) return `unsupported URL scheme "${url.slice(0, Math.min(sep, 10))}"`;
    scheme = s;
    const start = sep + 3;
    let end = start;
    while (end < url.length) {
      const c = url.charCodeAt(end);
      if (c === 0x2f || c === 0x3f || c === 0x23) break;
      end++;
    }
    const auth = parseAuthority(url.slice(start, end), scheme);
    if (typeof auth === 'string') return auth;
    host = auth.host;
    port = auth.port;
    rest = end;
  } else if (defaults !== undefined && (url.charCodeAt(0) === 0x2f || url === '*')) {
    scheme = defaults.scheme;
    host = defaults.host;
    rest = 0;
  } else {
    return url === '' ? 'empty URL' : 'not an absolute http(s) URL';
  }
  let hash = url.indexOf('#', rest);
  if (hash < 0) hash = url.length;
  let q = url.indexOf('?', rest);
  if (q < 0 || q > hash) q = hash;
  let path = url.slice(rest, q);
  if (path === '' || path === '*') path = '/';
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return 'control character or space in path';
  }
  const query = q < hash ? parseQuery(url.slice(q + 1, hash)) : [];
  return port === undefined ? { scheme, host, path, query } : { scheme, host, port, path, query };
}

const PERCENT_RUN = /(?:%[0-9a-fA-F]{2})+/g;

/** Form-style decoding (`+` is a space); malformed escapes are kept as written rather than failing. */
export function decodeComponent(s: string): string {
  if (s.indexOf('%') < 0) return s.indexOf('+') < 0 ? s : s.replaceAll('+', ' ');
  const t = s.indexOf('+') < 0 ? s : s.replaceAll('+', ' ');
  try {
    return decodeURIComponent(t);
  } catch {
    return t.replace(PERCENT_RUN, (run) => {
      try {
        return decodeURIComponent(run);
      } catch {
        return run;
      }
    });
  }
}

/** `a=1&b=&c` → `[['a','1'],['b',''],['c','']]`, names and values percent-decoded, order kept. */
export function parseQuery(q: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let start = 0;
  const n = q.length;
  while (start < n) {
    let amp = q.indexOf('&', start);
    if (amp < 0) amp = n;
    if (amp > start) {
      const eq = q.indexOf('=', start);
      if (eq >= 0 && eq < amp)
        out.push([decodeComponent(q.slice(start, eq)), decodeComponent(q.slice(eq + 1, amp))]);
      else out.push([decodeComponent(q.slice(start, amp)), '']);
    }
    start = amp + 1;
  }
  return out;
}
