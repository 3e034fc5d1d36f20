import { describe, expect, it } from 'vitest';
import { regionOf } from './regions.js';

describe('regionOf', () => {
  it('names the registry of public IPv4 /8s and nothing for private, shared or IPv6 addresses', () => {
    expect(regionOf('126.205.3.4')).toBe('APNIC');
    expect(regionOf('177.64.9.8')).toBe('LACNIC');
    expect(regionOf('185.1.2.3')).toBe('RIPE');
    expect(regionOf('41.0.0.1')).toBe('AFRINIC');
    expect(regionOf('8.8.8.8')).toBe('ARIN');
    expect(regionOf('10.1.2.3')).toBeUndefined();
    expect(regionOf('192.168.1.1')).toBeUndefined();
    expect(regionOf('172.20.0.1')).toBeUndefined();
    expect(regionOf('100.64.0.1')).toBeUndefined();
    expect(regionOf('2001:db8::1')).toBeUndefined();
  });
});
