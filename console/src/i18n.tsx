// English and Japanese: every string of the console comes from messages.ts (the Japanese table is typed
// by the English one, so a missing translation does not compile); numbers, dates and currencies go
// through Intl in the chosen language.

import { createContext, type ReactNode, useContext, useMemo, useState } from 'react';
import { type Key, messages } from './messages';
import { initialLang, type Lang, saveLang } from './prefs';

export type { Key };
export type T = (key: Key, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: T;
  num(n: number, opts?: Intl.NumberFormatOptions): string;
  pct(share: number): string;
  money(amount: number, currency: string): string;
  date(iso: string | number | undefined): string;
  day(iso: string): string;
}

const Ctx = createContext<I18n | undefined>(undefined);

export function makeI18n(lang: Lang, setLang: (l: Lang) => void): I18n {
  const table = messages[lang];
  const nf = new Intl.NumberFormat(lang);
  const pf = new Intl.NumberFormat(lang, { style: 'percent', maximumFractionDigits: 1 });
  const df = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'medium' });
  const dayf = new Intl.DateTimeFormat(lang, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  return {
    lang,
    setLang,
    t: (key, vars) => {
      let s: string = table[key];
      if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
      return s;
    },
    num: (n, opts) => (opts ? new Intl.NumberFormat(lang, opts).format(n) : nf.format(n)),
    pct: (share) => pf.format(share),
    money: (amount, currency) =>
      new Intl.NumberFormat(lang, { style: 'currency', currency, maximumFractionDigits: 0 }).format(amount),
    date: (iso) => {
      if (iso === undefined || iso === '') return '—';
      const d = new Date(iso);
      return Number.isNaN(d.getTime()) ? String(iso) : df.format(d);
    },
    day: (iso) => dayf.format(new Date(iso)),
  };
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const value = useMemo(
    () =>
      makeI18n(lang, (l) => {
        saveLang(l);
        setLangState(l);
      }),
    [lang],
  );
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Ctx);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
