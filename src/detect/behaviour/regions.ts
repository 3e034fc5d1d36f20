// Which regional internet registry an IPv4 address's /8 was allocated to (IANA IPv4 address space
// registry): a coarse, offline stand-in for geography — APNIC is Asia-Pacific, RIPE NCC Europe and
// the Middle East, ARIN North America, LACNIC Latin America, AFRINIC Africa. A credential that
// alternates between two of them call after call is used on two continents at once. Legacy /8s
// administered by ARIN but routed worldwide, transfers between registries and IPv6 are not resolved
// (undefined: never counted as a change of region).

type Rir = 'APNIC' | 'RIPE' | 'ARIN' | 'LACNIC' | 'AFRINIC';

// /8 ranges per registry, as `first-last` or single numbers.
const ALLOCATIONS: Record<Rir, string> = {
  APNIC:
    '1 14 27 36 39 42 43 49 58-61 101 103 106 110-126 133 150 153 163 171 175 180 182 183 202 203 210 211 218-223',
  RIPE: '2 5 31 37 46 62 77-95 109 141 145 151 176 178 185 188 193-195 212 213 217',
  ARIN: '3 4 6-9 11-13 15-24 26 28-30 32-35 38 40 44 45 47 48 50 52-57 63-76 96-100 104 107 108 128-132 134-140 142-144 146-149 152 155-162 164-170 172-174 184 192 198 199 204-209 214-216',
  LACNIC: '177 179 181 186 187 189-191 200 201',
  AFRINIC: '41 102 105 154 196 197',
};

const BY_FIRST_OCTET: Array<Rir | undefined> = (() => {
  const table: Array<Rir | undefined> = new Array(256).fill(undefined);
  for (const [rir, ranges] of Object.entries(ALLOCATIONS) as Array<[Rir, string]>) {
    for (const r of ranges.split(' ')) {
      const [a, b] = r.split('-').map(Number) as [number, number | undefined];
      for (let i = a; i <= (b ?? a); i++) table[i] = rir;
    }
  }
  return table;
})();

/** The registry region of a dotted IPv4 address, or undefined (IPv6, private, shared or unknown). */
export function regionOf(address: string): Rir | undefined {
  const dot = address.indexOf('.');
  if (dot <= 0 || dot > 3 || address.includes(':')) return undefined;
  const first = Number(address.slice(0, dot));
  if (!Number.isInteger(first)) return undefined;
  // 172.16/12 and 192.168/16 are private, 100.64/10 shared: not a place.
  if (first === 172 || first === 192 || first === 100) {
    const second = Number(address.slice(dot + 1, address.indexOf('.', dot + 1)));
    if (first === 172 && second >= 16 && second <= 31) return undefined;
    if (first === 192 && (second === 168 || second === 0)) return undefined;
    if (first === 100 && second >= 64 && second <= 127) return undefined;
  }
  return BY_FIRST_OCTET[first];
}
