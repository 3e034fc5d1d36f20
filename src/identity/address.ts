// The client address behind proxies. X-Forwarded-For is a header anyone can write, so it is only
// believed when the peer that handed us the request is one of the user's `--trusted-proxy` ranges;
// the chain is then walked right to left, skipping trusted hops, and the first untrusted hop is the
// client (the leftmost entries are whatever the client chose to send).

import ipaddr from 'ipaddr.js';
import type { Exchange } from '../model/index.js';
import { InputError } from '../model/index.js';

type Ip = ipaddr.IPv4 | ipaddr.IPv6;

export interface TrustedProxies {
  /** The ranges as the user gave them. */
  readonly cidrs: readonly string[];
  /** True when `address` (IPv4, IPv6 or IPv4-mapped IPv6) is inside one of the ranges. */
  contains(address: string): boolean;
}

/** Named ranges accepted besides CIDRs, as in Express's `trust proxy`. */
const NAMED: Record<string, string[]> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
  private: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/** A textual address → parsed IP, IPv4-mapped IPv6 turned into IPv4; undefined if not an address. */
export function parseAddress(text: string): Ip | undefined {
  let s = text.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  // `[2001:db8::1]:443`, `"[…]"` (Forwarded), `203.0.113.7:51234`.
  if (s.charCodeAt(0) === 0x22 && s.endsWith('"')) s = s.slice(1, -1);
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    if (close < 0) return undefined;
    s = s.slice(1, close);
  } else if (s.indexOf(':') > 0 && s.indexOf(':') === s.lastIndexOf(':') && s.indexOf('.') > 0) {
    s = s.slice(0, s.indexOf(':'));
  }
  const zone = s.indexOf('%');
  if (zone > 0) s = s.slice(0, zone);
  if (ipaddr.IPv4.isValidFourPartDecimal(s)) return ipaddr.IPv4.parse(s);
  if (ipaddr.IPv6.isValid(s)) {
    const v6 = ipaddr.IPv6.parse(s);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return undefined;
}

/** `203.0.113.7` exactly as addressText prints it (four decimal octets ≤ 255, no leading zeros): the
 * usual peer address, taken as it is without parsing. */
export function isCanonicalIpv4(s: string): boolean {
  const n = s.length;
  if (n < 7 || n > 15) return false;
  let parts = 0;
  let i = 0;
  while (i < n) {
    const start = i;
    let value = 0;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      value = value * 10 + (c - 48);
      i++;
    }
    const len = i - start;
    if (len === 0 || len > 3 || value > 255 || (len > 1 && s.charCodeAt(start) === 48)) return false;
    parts++;
    if (i === n) break;
    if (s.charCodeAt(i) !== 46 || parts === 4) return false;
    i++;
    if (i === n) return false;
  }
  return parts === 4;
}

/** Canonical text of an address (`::ffff:10.0.0.1` → `10.0.0.1`, IPv6 in RFC 5952 form). */
function addressText(ip: Ip): string {
  return ip.kind() === 'ipv6' ? (ip as ipaddr.IPv6).toRFC5952String() : ip.toString();
}

function inRanges(ip: Ip, ranges: Array<[Ip, number]>): boolean {
  for (const range of ranges) {
    const [net] = range;
    if (net.kind() === ip.kind()) {
      if (ip.match(range)) return true;
    } else if (net.kind() === 'ipv6' && ip.kind() === 'ipv4') {
      // An IPv4 peer against a range written as IPv4-mapped IPv6 (`::ffff:10.0.0.0/104`).
      if ((ip as ipaddr.IPv4).toIPv4MappedAddress().match(range)) return true;
    }
  }
  return false;
}

/** `--trusted-proxy` values (CIDRs, single addresses, or loopback/linklocal/uniquelocal/private). */
export function parseTrustedProxies(cidrs: string[]): TrustedProxies {
  const ranges: Array<[Ip, number]> = [];
  for (const raw of cidrs) {
    const entry = raw.trim();
    const named = NAMED[entry.toLowerCase()];
    const parts = named ?? [entry];
    for (const part of parts) {
      const range = parseRange(part);
      if (range === undefined) {
        throw new InputError({
          code: 'flag.trusted-proxy',
          message: `invalid --trusted-proxy range "${raw}"`,
          field: '--trusted-proxy',
          hint: 'give a CIDR such as 10.0.0.0/8 or 2001:db8::/32, a single address, or loopback/linklocal/uniquelocal',
        });
      }
      ranges.push(range);
    }
  }
  const frozen = Object.freeze([...cidrs]);
  const memo = new Map<string, boolean>();
  return {
    cidrs: frozen,
    contains(address: string): boolean {
      const known = memo.get(address);
      if (known !== undefined) return known;
      const ip = parseAddress(address);
      const result = ip !== undefined && inRanges(ip, ranges);
      if (memo.size >= 4096) memo.clear();
      memo.set(address, result);
      return result;
    },
  };
}

function parseRange(text: string): [Ip, number] | undefined {
  if (text.length === 0) return undefined;
  if (text.includes('/')) {
    const [addr, bits] = text.split('/', 2) as [string, string];
    if (!/^\d{1,3}$/.test(bits)) return undefined;
    if (ipaddr.IPv4.isValidFourPartDecimal(addr)) {
      const n = Number(bits);
      return n <= 32 ? [ipaddr.IPv4.parse(addr), n] : undefined;
    }
    if (ipaddr.IPv6.isValid(addr)) {
      const n = Number(bits);
      return n <= 128 ? [ipaddr.IPv6.parse(addr), n] : undefined;
    }
    return undefined;
  }
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return [ipaddr.IPv4.parse(text), 32];
  if (ipaddr.IPv6.isValid(text)) return [ipaddr.IPv6.parse(text), 128];
  return undefined;
}

/** Hops of `X-Forwarded-For` (or RFC 7239 `Forwarded: for=`), left (client side) to right. */
function forwardedChain(headers: Exchange['request']['headers']): string[] {
  const xff = headers['x-forwarded-for'];
  if (xff) return xff.split(',').map((s) => s.trim());
  const fwd = headers['forwarded'];
  if (!fwd) return [];
  const out: string[] = [];
  for (const element of fwd.split(',')) {
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq > 0 && pair.slice(0, eq).trim().toLowerCase() === 'for') out.push(pair.slice(eq + 1).trim());
    }
  }
  return out;
}

/**
 * The client's address: the peer address, or — when the peer is a trusted proxy — the rightmost
 * X-Forwarded-For hop that is not itself trusted. Undefined when the source saw no peer address
 * (a HAR has none), since an unverifiable X-Forwarded-For proves nothing.
 */
export function clientAddressOf(ex: Exchange, trusted?: TrustedProxies): string | undefined {
  const peerText = ex.client.address;
  if (peerText === undefined || peerText === '') return undefined;
  let current: string;
  if (isCanonicalIpv4(peerText)) current = peerText;
  else {
    const peer = parseAddress(peerText);
    if (peer === undefined) return peerText;
    current = addressText(peer);
  }
  if (trusted === undefined || trusted.cidrs.length === 0 || !trusted.contains(current)) return current;
  const chain = forwardedChain(ex.request.headers);
  for (let i = chain.length - 1; i >= 0; i--) {
    const hop = parseAddress(chain[i] as string);
    // A hop we cannot read (`unknown`, garbage) ends what we can vouch for: keep the last good one.
    if (hop === undefined) return current;
    current = addressText(hop);
    if (!trusted.contains(current)) return current;
  }
  return current;
}
