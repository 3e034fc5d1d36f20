// Cookie header parsing shared by auth detection and the sensitive-data scan.

/** `a=1; b=2` → [['a','1'], ['b','2']]; values percent-decoded when they hold `%`. */
export function parseCookieHeader(header: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let start = 0;
  const n = header.length;
  while (start < n) {
    let end = header.indexOf(';', start);
    if (end < 0) end = n;
    const eq = header.indexOf('=', start);
    if (eq > start && eq < end) {
      const name = header.slice(start, eq).trim();
      let value = header.slice(eq + 1, end).trim();
      if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22)
        value = value.slice(1, -1);
      if (name) out.push([name, decodeCookieValue(value)]);
    }
    start = end + 1;
  }
  return out;
}

/** Set-Cookie lines (joined with "\n" in Exchange headers) → [name, value] of each cookie set. */
export function parseSetCookieHeader(header: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of header.split('\n')) {
    const semi = line.indexOf(';');
    const pair = semi < 0 ? line : line.slice(0, semi);
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.charCodeAt(0) === 0x22 && value.charCodeAt(value.length - 1) === 0x22)
      value = value.slice(1, -1);
    if (name) out.push([name, decodeCookieValue(value)]);
  }
  return out;
}

function decodeCookieValue(value: string): string {
  if (value.indexOf('%') < 0) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
