import { describe, expect, it } from 'vitest';
import { InputError } from '../model/index.js';
import { clientAddressOf, isCanonicalIpv4, parseAddress, parseTrustedProxies } from './address.js';
import { makeExchange } from './test-support/make-exchange.js';

const trusted = parseTrustedProxies(['10.0.0.0/8', '2001:db8:ffff::/48']);

describe('parseTrustedProxies', () => {
  it('matches IPv4, IPv6 and IPv4-mapped IPv6 addresses', () => {
    expect(trusted.contains('10.1.2.3')).toBe(true);
    expect(trusted.contains('::ffff:10.1.2.3')).toBe(true);
    expect(trusted.contains('2001:db8:ffff::1')).toBe(true);
    expect(trusted.contains('2001:db8:fffe::1')).toBe(false);
    expect(trusted.contains('11.0.0.1')).toBe(false);
    expect(trusted.contains('not-an-ip')).toBe(false);
  });
  it('accepts single addresses and named ranges', () => {
    const t = parseTrustedProxies(['192.0.2.10', 'loopback']);
    expect(t.contains('192.0.2.10')).toBe(true);
    expect(t.contains('192.0.2.11')).toBe(false);
    expect(t.contains('127.0.0.1')).toBe(true);
    expect(t.contains('::1')).toBe(true);
  });
  it('matches IPv4 peers against IPv4-mapped IPv6 ranges', () => {
    expect(parseTrustedProxies(['::ffff:10.0.0.0/104']).contains('10.9.9.9')).toBe(true);
  });
  it('throws an InputError (flag.trusted-proxy) naming a bad CIDR', () => {
    for (const bad of ['10.0.0.0/33', 'banana', '10.0.0/8', '::1/129', '']) {
      try {
        parseTrustedProxies([bad]);
        expect.unreachable(bad);
      } catch (err) {
        expect(err).toBeInstanceOf(InputError);
        expect((err as InputError).issue.code).toBe('flag.trusted-proxy');
        expect((err as InputError).issue.message).toContain(`"${bad}"`);
      }
    }
  });
});

describe('clientAddressOf', () => {
  it('returns the peer when no proxy is trusted, ignoring X-Forwarded-For', () => {
    const ex = makeExchange({ client: '10.0.0.5', headers: { 'x-forwarded-for': '1.2.3.4' } });
    expect(clientAddressOf(ex)).toBe('10.0.0.5');
  });
  it('ignores a spoofed X-Forwarded-For from an untrusted peer', () => {
    const ex = makeExchange({ client: '198.51.100.9', headers: { 'x-forwarded-for': '10.0.0.1, 1.2.3.4' } });
    expect(clientAddressOf(ex, trusted)).toBe('198.51.100.9');
  });
  it('walks the chain right to left from a trusted peer, skipping trusted hops', () => {
    const ex = makeExchange({
      client: '10.0.0.2',
      headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.7, 10.0.0.9' },
    });
    // 6.6.6.6 is whatever the client wrote; 203.0.113.7 is the first hop our proxies did not add.
    expect(clientAddressOf(ex, trusted)).toBe('203.0.113.7');
  });
  it('returns the leftmost hop when every hop is trusted', () => {
    const ex = makeExchange({ client: '10.0.0.2', headers: { 'x-forwarded-for': '10.1.1.1, 10.2.2.2' } });
    expect(clientAddressOf(ex, trusted)).toBe('10.1.1.1');
  });
  it('stops at an unreadable hop', () => {
    const ex = makeExchange({
      client: '10.0.0.2',
      headers: { 'x-forwarded-for': '203.0.113.7, unknown, 10.0.0.3' },
    });
    expect(clientAddressOf(ex, trusted)).toBe('10.0.0.3');
  });
  it('handles IPv6 and IPv4-mapped peers and ports', () => {
    const ex = makeExchange({
      client: '::ffff:10.0.0.2',
      headers: { 'x-forwarded-for': '[2001:db8::7]:4711' },
    });
    expect(clientAddressOf(ex, trusted)).toBe('2001:db8::7');
    expect(clientAddressOf(makeExchange({ client: '::ffff:198.51.100.1' }))).toBe('198.51.100.1');
  });
  it('reads RFC 7239 Forwarded when X-Forwarded-For is absent', () => {
    const ex = makeExchange({
      client: '10.0.0.2',
      headers: { forwarded: 'for=192.0.2.60;proto=http, for="[2001:db8::1]"' },
    });
    expect(clientAddressOf(ex, trusted)).toBe('2001:db8::1');
  });
  it('is undefined without a peer address (a HAR has none)', () => {
    expect(
      clientAddressOf(makeExchange({ headers: { 'x-forwarded-for': '1.2.3.4' } }), trusted),
    ).toBeUndefined();
  });
  it('parseAddress strips ports, brackets and zones', () => {
    expect(parseAddress('203.0.113.7:51234')?.toString()).toBe('203.0.113.7');
    expect(parseAddress('[::1]:80')?.toString()).toBe('::1');
    expect(parseAddress('fe80::1%eth0')?.toString()).toBe('fe80::1');
    expect(parseAddress('999.1.1.1')).toBeUndefined();
  });
});

describe('isCanonicalIpv4', () => {
  it('accepts exactly the texts that parse to an IPv4 address printed the same way', () => {
    const texts = [
      '203.0.113.7',
      '0.0.0.0',
      '255.255.255.255',
      '10.0.0.1',
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3',
      '1.2.3.4.5',
      '1.2.3.',
      '.1.2.3',
      '1..2.3',
      '1.2.3.4:80',
      ' 1.2.3.4',
      '1.2.3.0400',
      '::ffff:1.2.3.4',
      '2001:db8::1',
      '0x7f.0.0.1',
      'localhost',
      '1234.1.1.1',
    ];
    for (const t of texts) {
      const ip = parseAddress(t);
      const same = ip !== undefined && ip.kind() === 'ipv4' && ip.toString() === t;
      expect(isCanonicalIpv4(t), t).toBe(same);
    }
    expect(texts.filter(isCanonicalIpv4)).toEqual(['203.0.113.7', '0.0.0.0', '255.255.255.255', '10.0.0.1']);
  });
});
