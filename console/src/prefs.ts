// Display preferences (language, theme) in a plain, non-sensitive cookie: they survive a reload and a
// sign-out, and hold nothing secret. The session itself is the server's HttpOnly cookie.

export type Lang = 'en' | 'ja';
export type Theme = 'light' | 'dark' | 'system';

function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, v] = part.trim().split('=');
    if (k === name && v !== undefined) return decodeURIComponent(v);
  }
  return undefined;
}

function writeCookie(name: string, value: string): void {
  // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is not in every browser yet
  document.cookie = `${name}=${encodeURIComponent(value)}; Path=/; Max-Age=31536000; SameSite=Strict`;
}

export function initialLang(): Lang {
  const saved = readCookie('mamori_lang');
  if (saved === 'en' || saved === 'ja') return saved;
  return navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export function initialTheme(): Theme {
  const saved = readCookie('mamori_theme');
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export function saveLang(lang: Lang): void {
  writeCookie('mamori_lang', lang);
  document.documentElement.lang = lang;
}

export function saveTheme(theme: Theme): void {
  writeCookie('mamori_theme', theme);
  applyTheme(theme);
}

/** `system` follows prefers-color-scheme through CSS; the others pin it. */
export function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}
