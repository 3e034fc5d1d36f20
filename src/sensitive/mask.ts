// Masked samples: what a person may see of a sensitive value. Enough to recognise the kind and
// tell samples apart (`4111********1111`, `j***@example.com`), never the value itself; secrets
// show at most a vendor prefix and hide their length.

import type { SensitiveType } from '../model/index.js';
import { CATALOGUE, EMAIL_IN_TEXT, type MaskStyle } from './catalogue.js';

const STYLE = new Map<string, MaskStyle>(CATALOGUE.map((t) => [t.id, t.mask]));

const SECRET_PREFIX =
  /^(?:(?:sk|rk)_(?:live|test)_|gh[pousr]_|github_pat_|xox[a-z]-|AIza|glpat-|sk-(?:proj-|ant-|svcacct-)?|npm_|SG\.|shp[a-z]{2}_|hf_|sq0[a-z]{3}-|key-|A[A-Z0-9]{3}(?=[A-Z0-9]{16}$)|bearer\s+)/i;
const PEM_HEAD = /^[\s\S]*?(-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----)/;

function isAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c > 127;
}

/** Every letter/digit starred, separators kept, keeping the last `keep` letters/digits. */
function starAllBut(value: string, keep: number): string {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) alnum++;
  let out = '';
  let seen = 0;
  for (let i = 0; i < value.length && out.length < 64; i++) {
    const c = value.charCodeAt(i);
    if (isAlnum(c)) {
      seen++;
      out += seen > alnum - keep ? value[i] : '*';
    } else out += value[i];
  }
  return out;
}

function keepFor(value: string): number {
  let alnum = 0;
  for (let i = 0; i < value.length; i++) if (isAlnum(value.charCodeAt(i))) alnum++;
  return alnum >= 9 ? 4 : alnum >= 6 ? 2 : 0;
}

function maskWith(style: MaskStyle, value: string): string {
  switch (style) {
    case 'card': {
      const d = value.replace(/\D/g, '');
      if (d.length < 12) return starAllBut(value, keepFor(value));
      return `${d.slice(0, 4)}${'*'.repeat(d.length - 8)}${d.slice(-4)}`;
    }
    case 'email': {
      // Only the address, even when it sat inside text: the rest may hold other personal data.
      const found =
        EMAIL_IN_TEXT.exec(value)?.[0]
          .trim()
          .replace(/^[<("']/, '') ?? value;
      const at = found.lastIndexOf('@');
      if (at <= 0) return '***';
      return `${found[0]}***${found.slice(at)}`;
    }
    case 'last4':
      return starAllBut(value, keepFor(value));
    case 'full':
      return starAllBut(value, 0);
    case 'secret': {
      const pem = PEM_HEAD.exec(value);
      if (pem) return `${pem[1]}********`;
      const prefix = SECRET_PREFIX.exec(value)?.[0] ?? (value.startsWith('eyJ') ? 'eyJ' : '');
      return `${prefix}********`;
    }
    case 'ip': {
      if (value.includes(':')) {
        const groups = value.split(':').filter(Boolean);
        return `${groups.slice(0, 2).join(':')}:****`;
      }
      const octets = value.split('.');
      return `${octets[0]}.${octets[1] ?? '*'}.*.*`;
    }
    case 'date':
      return starAllBut(value, 0);
    case 'name':
      return value
        .split(/([ 　]+)/)
        .map((w) => (w.trim() === '' ? w : `${[...w][0]}***`))
        .join('');
    case 'initial':
      return `${[...value][0] ?? ''}***`;
    case 'iban': {
      const s = value.replace(/\s/g, '');
      return `${s.slice(0, 2)}${'*'.repeat(Math.max(0, s.length - 6))}${s.slice(-4)}`;
    }
  }
}

/** The masked form of a sensitive value of `type` (custom types keep at most the last 4 characters). */
export function maskValue(type: SensitiveType, value: string): string {
  const style = STYLE.get(type) ?? 'last4';
  const masked = maskWith(style, value);
  // Short values can survive a style intact (`名` under 'name'): never hand those back.
  if (masked.includes(value)) return '*'.repeat(Math.min(value.length, 8));
  return masked;
}
