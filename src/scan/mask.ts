// Secrets never leave the scanner unmasked: identity header values, cookies, tokens the scanner
// forged, and any known secret string found in URLs or bodies are cut to a short recognisable prefix.

const SECRET_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
]);

/** `"password": "x"`, `"apiKey":"…"`, `password=…` — the value group is masked, the key kept. */
const SENSITIVE_FIELD =
  /("?(?:password|passwd|pwd|pass_?hash|password_?hash|hashed_?password|secret|client_?secret|api_?key|apikey|access_?token|refresh_?token|token|private_?key|secret_?key|ssn|mfa_?secret|otp_?secret|totp_?secret|salt|reset_?token|card_?number|credit_?card|aws_secret_access_key)"?\s*[:=]\s*)("?)([^",&\s}{]{4,})\2/gi;

/** `Bearer eyJhbGciOi…` → `Bearer eyJ…****`; `abcdef123` → `abc…****`. */
export function maskSecret(value: string): string {
  const m = /^(\s*[A-Za-z]+\s+)(\S.*)$/.exec(value);
  if (m && /^(bearer|basic|token|digest|apikey)\s+$/i.test(m[1] ?? '')) {
    return `${m[1]}${maskSecret(m[2] ?? '')}`;
  }
  if (value.length <= 4) return '****';
  return `${value.slice(0, 3)}…****`;
}

export class Masker {
  private readonly secrets: string[] = [];

  constructor(
    secrets: Iterable<string> = [],
    private readonly extraHeaders: Set<string> = new Set(),
  ) {
    for (const s of secrets) this.addSecret(s);
  }

  addSecret(secret: string): void {
    const raw = secret.replace(/^\s*(bearer|basic|token)\s+/i, '').trim();
    if (raw.length >= 6 && !this.secrets.includes(raw)) {
      this.secrets.push(raw);
      this.secrets.sort((a, b) => b.length - a.length);
    }
  }

  isSecretHeader(name: string): boolean {
    const n = name.toLowerCase();
    return SECRET_HEADERS.has(n) || this.extraHeaders.has(n);
  }

  header(name: string, value: string): string {
    return this.isSecretHeader(name) ? maskSecret(value) : this.text(value);
  }

  headers(h: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(h)) out[k] = this.header(k, v);
    return out;
  }

  /** Replaces every known secret, anything that looks like a JWT, and the values of sensitive
   *  JSON fields (passwords, keys, tokens, card numbers, SSNs …) inside free text. */
  text(value: string): string {
    let out = value;
    for (const s of this.secrets) {
      if (out.includes(s)) out = out.split(s).join(maskSecret(s));
    }
    return out
      .replace(/eyJ[\w-]{6,}\.[\w-]{6,}\.[\w-]*/g, (jwt) => maskSecret(jwt))
      .replace(SENSITIVE_FIELD, (_all, key: string, q: string, v: string) => `${key}${q}${maskSecret(v)}${q}`)
      .replace(/\b\d{3}-\d{2}-\d{4}\b/g, '***-**-****')
      .replace(
        /\b(?:\d[ -]?){12,18}\d\b/g,
        (digits) => `${'*'.repeat(Math.max(0, digits.length - 4))}${digits.slice(-4)}`,
      );
  }
}
