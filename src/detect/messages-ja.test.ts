// Every explanation the detectors write has a Japanese form: the templates are read from the detectors'
// source (a new or changed sentence fails here until messages-ja.ts has it), every signature's attack
// examples are explained in Japanese, and the figures survive the translation.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, Incident } from '../model/index.js';
import { englishRun } from '../scan/test-support/english-run.js';
import { PROMPT_SIGNATURES } from './ai/prompt-signatures.js';
import { AlertBook, type ExchangeFacts } from './alerts.js';
import { DEFAULT_CONFIG } from './config.js';
import {
  ALERT_TITLES,
  EXPLANATIONS,
  explanationJa,
  incidentSummaryJa,
  localiseAlerts,
  localiseIncidents,
  SIGNATURE_TITLES_JA,
} from './messages-ja.js';
import { SIGNATURES } from './signatures/catalogue.js';
import { compileCatalogue } from './signatures/matcher.js';
import type { SignatureExample } from './signatures/types.js';

const KANA = /[\u3041-\u3096\u30a1-\u30fa]/;
const ALL = [...SIGNATURES, ...PROMPT_SIGNATURES];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory()
      ? sources(join(dir, d.name))
      : d.name.endsWith('.ts') && !d.name.endsWith('.test.ts') && d.name !== 'messages-ja.ts'
        ? [join(dir, d.name)]
        : [],
  );
}

/** The template literal starting at `start` (a backtick), with each `${…}` replaced by `{}`. */
function skeleton(text: string, start: number): string {
  let out = '';
  let i = start + 1;
  while (i < text.length && text[i] !== '`') {
    if (text[i] === '\\') {
      out += text[i + 1];
      i += 2;
    } else if (text[i] === '$' && text[i + 1] === '{') {
      // Skip the expression, nested braces and template literals included.
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (text[i] === '`') i = skipTemplate(text, i);
        else if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        i++;
      }
      out += '{}';
    } else out += text[i++];
  }
  return out;
}

function skipTemplate(text: string, start: number): number {
  let i = start + 1;
  while (text[i] !== '`') {
    if (text[i] === '\\') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      let depth = 1;
      i += 2;
      while (depth > 0) {
        if (text[i] === '`') i = skipTemplate(text, i);
        else if (text[i] === '{') depth++;
        else if (text[i] === '}') depth--;
        i++;
      }
      continue;
    }
    i++;
  }
  return i;
}

/** The explanation templates written in the detectors' source (`explanation:` and the ternaries after it). */
function sourceTemplates(): Array<{ file: string; template: string }> {
  const out: Array<{ file: string; template: string }> = [];
  for (const file of sources(join(import.meta.dirname))) {
    const text = readFileSync(file, 'utf8');
    // `explanation: `…`` or `explanation: warm ? `…` : `…``: every literal up to the end of the property.
    for (const m of text.matchAll(/explanation:\s*(?=`|\w+\s*\?)/g)) {
      let i = m.index + m[0].length;
      const end = text.indexOf(',\n', i);
      while (i < end) {
        if (text[i] === '`') {
          out.push({ file, template: skeleton(text, i) });
          i = skipTemplate(text, i) + 1;
        } else i++;
      }
    }
  }
  return out;
}

const asSkeleton = (en: string) => en.replace(/\{[a-zA-Z]+\}/g, '{}');

describe('detector texts in Japanese', () => {
  it('every explanation template in the detectors has a Japanese form', () => {
    const found = sourceTemplates();
    expect(found.length).toBeGreaterThanOrEqual(16);
    const known = new Set(EXPLANATIONS.map((t) => asSkeleton(t.en)));
    for (const { file, template } of found) expect(known.has(template), `${file}: ${template}`).toBe(true);
  });

  it('every alert type and signature has a title in both languages', () => {
    const types = new Set<string>();
    for (const file of sources(join(import.meta.dirname)))
      for (const m of readFileSync(file, 'utf8').matchAll(/'((?:ai|behaviour)\.[a-z-]+)'/g)) types.add(m[1]!);
    for (const s of ALL) {
      const prompt = s.family === 'prompt-injection' || s.family === 'system-prompt-extraction';
      types.add(prompt ? `ai.${s.family}` : `signature.${s.family}`);
    }
    expect(types.size).toBeGreaterThan(25);
    for (const type of types) {
      expect(ALERT_TITLES[type]?.en, type).toBeTruthy();
      expect(ALERT_TITLES[type]?.ja ?? '', type).toMatch(KANA);
      expect(englishRun(ALERT_TITLES[type]!.ja), type).toBeUndefined();
    }
    for (const s of ALL) {
      expect(SIGNATURE_TITLES_JA[s.id] ?? '', s.id).toMatch(KANA);
      expect(englishRun(SIGNATURE_TITLES_JA[s.id]!), s.id).toBeUndefined();
    }
  });

  it('explains every signature attack example in Japanese, keeping the field and the excerpt', () => {
    const catalogue = compileCatalogue(ALL);
    let checked = 0;
    for (const sig of ALL) {
      for (const e of sig.attacks) {
        const ex: SignatureExample = typeof e === 'string' ? { in: sig.where[0]!, value: e, name: 'q' } : e;
        for (const hit of catalogue.matchOne({ location: ex.in, name: ex.name ?? 'q', raw: ex.value })) {
          const s = hit.signature;
          const en = `${s.id} ${s.title} (CWE-${s.cwe}): ${hit.detail} in query.q = "excerpt"`;
          const ja = explanationJa(en);
          expect(ja, en).toBeDefined();
          expect(ja, en).toMatch(KANA);
          expect(englishRun(ja ?? ''), `${en} → ${ja}`).toBeUndefined();
          expect(ja).toContain(`${s.id} ${SIGNATURE_TITLES_JA[s.id]}(CWE-${s.cwe}): query.q = "excerpt"`);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });

  it('rewrites behaviour explanations with the same figures, window in Japanese units', () => {
    const cases: Array<[string, string]> = [
      [
        'one jwt credential used from 16 addresses with 4 user agents within 10 min (thresholds: 5 addresses and 3 agents, or 20 addresses)',
        '一つの jwt 認証情報が 10 分以内に 16 個のアドレスから 4 種類のユーザーエージェントで使用されました(しきい値: アドレス 5 個かつエージェント 3 種類、またはアドレス 20 個)',
      ],
      [
        '7 failed logins for account a***@example.com in this 1 h window (threshold 5; count-min estimate, never under)',
        'この 1 時間の期間にアカウント a***@example.com へのログイン失敗が 7 回(しきい値 5。Count-Min スケッチによる推定値で、実際の回数を下回ることはありません)',
      ],
      [
        'EMAIL, PHONE sent to the model: $.messages[0].content = a***@example.com; $.x = 090****1234',
        'EMAIL, PHONE がモデルに送信されました: $.messages[0].content = a***@example.com; $.x = 090****1234',
      ],
      [
        '130 calls in one minute to GET /users/{userId}; endpoint baseline 4.2±1.3 per actor-minute over 60 samples (limit 12)',
        'GET /users/{userId} への呼び出しが 1 分間に 130 回。エンドポイントの基準値はアクター 1 件・1 分あたり 4.2±1.3 回(60 サンプル、上限 12)',
      ],
    ];
    for (const [en, ja] of cases) expect(explanationJa(en)).toBe(ja);
    for (const t of EXPLANATIONS) {
      const sample = t.en
        .replace('{id}', 'MAM-SIG-SQLI-001')
        .replace('{title}', 'SQL injection (token fingerprint)')
        .replace('{detail}', 'matched "x"')
        .replace('{verb}', 'returned by')
        .replace('{window}', '5 min')
        .replace('{body}', ' or refused in the body')
        .replace(/\{[a-zA-Z]+\}/g, '42');
      const ja = explanationJa(sample);
      expect(ja, sample).toMatch(KANA);
      expect(englishRun(ja ?? ''), `${sample} → ${ja}`).toBeUndefined();
      expect(ja, sample).toContain('42');
    }
    expect(explanationJa('something new the detector says')).toBeUndefined();
  });

  it('localises alerts and incidents made by the alert book', () => {
    const book = new AlertBook({ ...DEFAULT_CONFIG, incidentGapSeconds: 600 });
    const facts = (time: number, path: string): ExchangeFacts => ({
      ex: {
        id: `x${time}`,
        time,
        source: { index: time },
        client: { address: '192.0.2.1' },
        request: { method: 'GET', scheme: 'https', host: 'api.example', path, query: {}, headers: {} },
      } as unknown as ExchangeFacts['ex'],
      actor: 'ip:192.0.2.1',
      actorKind: 'ip',
      address: '192.0.2.1',
      host: 'api.example',
      method: 'GET',
      template: path,
      endpoint: `GET api.example${path}`,
      status: 200,
    });
    book.add(facts(1000, '/a'), {
      type: 'signature.sqli',
      severity: 'high',
      owasp: 'API8:2023',
      explanation: `MAM-SIG-SQLI-001 SQL injection (token fingerprint) (CWE-89): SQL fingerprint s&1o1c (quote-break-tautology, single-quote context) in query.q = "' OR 1=1 -- "`,
    });
    book.add(facts(2000, '/b'), {
      type: 'behaviour.not-found-spray',
      severity: 'medium',
      owasp: 'API9:2023',
      scope: 'actor',
      explanation:
        "40 distinct paths answered 404/405 in 5 min, 95% of this actor's 42 calls (thresholds: 30 paths, 80%)",
    });
    const { alerts, incidents } = book.snapshot();
    const ja = localiseAlerts(alerts as Alert[], 'ja');
    expect(ja.map((a) => a.title)).toEqual(['SQL インジェクション', 'エンドポイントの探索(404 の多発)']);
    expect(ja[0]?.explanation).toBe(
      `MAM-SIG-SQLI-001 SQL インジェクション(トークンのフィンガープリント)(CWE-89): query.q = "' OR 1=1 -- " で SQL のフィンガープリント s&1o1c(quote-break-tautology、シングルクォートの文脈)`,
    );
    expect(ja[1]?.explanation).toBe(
      '5 分の間に異なるパス 40 件が 404/405 で応答(このアクターの呼び出し 42 回の 95%。しきい値: パス 30 件、80%)',
    );
    const en = localiseAlerts(alerts as Alert[], 'en');
    expect(en[0]?.title).toBe('SQL injection');
    expect(en[0]?.explanation).toBe(alerts[0]?.explanation);
    expect(incidents).toHaveLength(1);
    expect(localiseIncidents(incidents as Incident[], 'ja')[0]?.summary).toBe(
      'ip:192.0.2.1 からの関連アラート 2 件(エンドポイント 2 件): SQL インジェクション ×1、エンドポイントの探索(404 の多発) ×1',
    );
    expect(incidentSummaryJa('no such shape')).toBeUndefined();
  });
});
