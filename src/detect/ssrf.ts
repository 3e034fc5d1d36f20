// Server-side request forgery: a URL (or a host, in a field whose name says it holds one) that points
// the server at itself, its network or its cloud metadata service. Hosts are read with the WHATWG
// URL parser, the same one servers' HTTP clients use, so decimal (`2130706433`), octal (`0177.0.0.1`),
// hex (`0x7f.1`) and short (`127.1`) IPv4 forms normalise to the address they reach; IPv4-mapped IPv6
// (`::ffff:127.0.0.1`) is unwrapped with ipaddr.js.

import ipaddr from 'ipaddr.js';

const DANGEROUS_SCHEMES = new Set([
  'file',
  'gopher',
  'dict',
  'ldap',
  'ldaps',
  'tftp',
  'jar',
  'netdoc',
  'sftp',
]);
const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.internal',
  '169.254.169.254',
  '169.254.170.2',
  '100.100.100.200',
  'fd00:ec2::254',
]);
const LOOPBACK_NAMES =
  /^(?:localhost|localhost\.localdomain|ip6-localhost|ip6-loopback|(?:[\w-]+\.)*localtest\.me|(?:[\w-]+\.)*localhost)$/;
/** Wildcard DNS services resolve names with an embedded address to that address. */
const WILDCARD_DNS =
  /^(?:[\w-]+\.)*?(\d{1,3}[.-]\d{1,3}[.-]\d{1,3}[.-]\d{1,3})\.(?:nip\.io|sslip\.io|xip\.io|traefik\.me)$/;
const BAD_RANGES = new Set([
  'loopback',
  'private',
  'linkLocal',
  'unspecified',
  'uniqueLocal',
  'carrierGradeNat',
  'broadcast',
  'reserved',
]);
const URL_START = /[a-z][a-z0-9+.-]{1,15}:\/\//g;
const URL_END = /[\s"'<>]/;
const HOSTISH = /^\[?[a-z0-9.:%-]+\]?(?::\d{1,5})?(?:[/?#].*)?$/;

export interface SsrfMatch {
  reason: string;
  target: string;
}

function classifyHost(hostname: string): string | undefined {
  const host = hostname.replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (METADATA_HOSTS.has(host)) return 'cloud metadata endpoint';
  if (LOOPBACK_NAMES.test(host)) return 'loopback name';
  const wild = WILDCARD_DNS.exec(host);
  const literal = wild ? wild[1]!.replace(/-/g, '.') : host;
  if (!ipaddr.isValid(literal)) return undefined;
  let addr = ipaddr.parse(literal);
  if (addr.kind() === 'ipv6') {
    const v6 = addr as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) addr = v6.toIPv4Address();
  }
  const range = addr.range();
  if (METADATA_HOSTS.has(addr.toString())) return 'cloud metadata endpoint';
  return BAD_RANGES.has(range) ? `${range} address ${addr.toString()}` : undefined;
}

/** `nested`: a URL found inside text (a redirect parameter, a lookup string); there a dangerous
 * scheme alone is not enough (`${jndi:ldap://host}` is Log4Shell's business), only its host counts. */
function checkUrl(candidate: string, nested = false): SsrfMatch | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/.exec(candidate)?.[1];
  if (!nested && scheme && DANGEROUS_SCHEMES.has(scheme))
    return { reason: `${scheme}: scheme`, target: candidate };
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return undefined;
  }
  if (
    url.protocol !== 'http:' &&
    url.protocol !== 'https:' &&
    url.protocol !== 'ftp:' &&
    url.protocol !== 'ws:'
  )
    return undefined;
  const reason = classifyHost(url.hostname);
  return reason ? { reason, target: url.hostname } : undefined;
}

/** `value` is normalised (decoded, lower-case). `urlField`: the field's name says it holds a URL or host. */
export function detectSsrf(value: string, urlField: boolean): SsrfMatch | undefined {
  const v = value.trim();
  if (/^(?:file|gopher|dict|ldap|ldaps|tftp|jar|netdoc|sftp):/.test(v)) {
    return { reason: `${v.slice(0, v.indexOf(':'))}: scheme`, target: v.slice(0, 40) };
  }
  if (v.includes('://')) {
    // Every URL start, including ones nested in another URL's query (`?next=http://169.254.169.254/`).
    URL_START.lastIndex = 0;
    let seen = 0;
    for (let m = URL_START.exec(v); m && seen < 6; m = URL_START.exec(v), seen++) {
      const rest = v.slice(m.index);
      const end = rest.search(URL_END);
      const hit = checkUrl(end < 0 ? rest : rest.slice(0, end), m.index > 0);
      if (hit) return hit;
      URL_START.lastIndex = m.index + m[0].length;
    }
    return undefined;
  }
  if (v.startsWith('//')) return checkUrl(`http:${v}`);
  if (urlField && v.length < 256 && HOSTISH.test(v)) return checkUrl(`http://${v}`);
  return undefined;
}
