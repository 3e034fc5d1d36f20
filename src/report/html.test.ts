import { describe, expect, it } from 'vitest';
import { sampleReport, XSS } from './fixtures/sample.js';
import { esc, toHtml } from './html.js';
import { STRINGS } from './i18n.js';

const report = sampleReport();
const en = toHtml(report, 'en');
const ja = toHtml(report, 'ja');

function metric(html: string, key: string): string | undefined {
  return new RegExp(`data-metric="${key}"><div class="value">([^<]*)<`).exec(html)?.[1];
}

describe('toHtml', () => {
  it('shows the headline numbers', () => {
    expect(metric(en, 'total')).toBe('5');
    expect(metric(en, 'critical')).toBe('1');
    expect(metric(en, 'high')).toBe('3');
    expect(metric(en, 'medium')).toBe('1');
    expect(metric(en, 'low')).toBe('0');
    expect(metric(en, 'operations')).toBe('1,234');
    expect(metric(en, 'endpoints')).toBe('17');
    expect(metric(en, 'risk')).toBe('72');
    expect(metric(en, 'rules')).toBe('5');
  });

  it('formats dates and numbers for the locale', () => {
    expect(en).toContain('November 23, 2026');
    expect(ja).toContain('2026年11月23日');
    expect(metric(ja, 'operations')).toBe('1,234');
    expect(en).toContain('<html lang="en">');
    expect(ja).toContain('<html lang="ja">');
  });

  it('draws both charts as inline SVG with every category', () => {
    expect(en).toContain('data-chart="severity"');
    expect(en).toContain('data-chart="owasp"');
    expect(en.match(/<g data-bar=/g)).toHaveLength(15);
    expect(en).toContain('data-bar="API3 Broken Object Property Level Authorization" data-value="1"');
    expect(ja).toContain('data-bar="API3 オブジェクトプロパティレベル認可の不備" data-value="1"');
    expect(ja).toContain('data-bar="緊急" data-value="1"');
  });

  it('shows the compliance view, the riskiest endpoints and every finding with its place and fix', () => {
    expect(en).toContain('data-framework="PCI-DSS-4.0.1"');
    expect(en).toContain('HIPAA Security Rule');
    expect(en).toContain('Strong cryptography for PAN in transit');
    expect(ja).toContain('第32条');
    // the riskiest endpoint first
    const eps = en.slice(en.indexOf('id="endpoints"'), en.indexOf('id="findings"'));
    expect(eps.indexOf('91')).toBeLessThan(eps.indexOf('64'));
    expect(en.match(/<article class="finding"/g)).toHaveLength(5);
    expect(en).toContain('specs/shop api.yaml:42:5');
    expect(en).toContain('/paths/~1users/post');
    expect(en).toContain('traffic/shop.har#12');
    expect(en).toContain('Serve the API over HTTPS only.');
    expect(ja).toContain('状態を変更する操作に認証がない');
    expect(ja).toContain('操作または文書のルートにセキュリティ要件を追加してください。');
    expect(en).toContain('95%');
  });

  it('escapes attacker-controlled text everywhere: no markup from the data survives', () => {
    for (const html of [en, ja]) {
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).not.toContain('<!--');
      expect(html).toContain(esc(XSS));
    }
    const hostile = toHtml(
      sampleReport({
        title: XSS,
        generatedAt: XSS,
        tool: { name: XSS, version: XSS },
        scope: { specs: [XSS], operations: 1 },
        compliance: [
          { framework: 'GDPR', clauses: [{ clause: XSS, title: XSS, findings: [XSS, 'f-trf-1'] }] },
        ],
      }),
      'en',
    );
    expect(hostile).not.toMatch(/<script|<img|<!--/);
    // every attribute value is quoted and free of raw quotes from the data
    expect(hostile).not.toMatch(/="[^"]*<[^"]*"/);
  });

  it('makes no external request and needs no script', () => {
    expect(en).toContain("default-src 'none'");
    const refs = [...en.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThan(0);
    for (const r of refs) expect(r).toMatch(/^#finding-\d+$/);
    expect(en).not.toMatch(/<script|<link|@import|url\(/);
  });

  it('translates every interface string', () => {
    expect(Object.keys(STRINGS.ja).sort()).toEqual(Object.keys(STRINGS.en).sort());
    for (const [key, value] of Object.entries(STRINGS.en)) {
      if (key === 'locale') continue;
      expect(STRINGS.ja[key as keyof typeof STRINGS.en], key).not.toBe(value);
      // no English label in the Japanese report
      if (value.length > 3 && !value.includes('{')) expect(ja.includes(`>${esc(value)}<`), key).toBe(false);
    }
  });

  it('reports an empty run and cuts a long finding list with a note', () => {
    const empty = toHtml(sampleReport({ findings: [], endpoints: [], compliance: [] }), 'ja');
    expect(metric(empty, 'total')).toBe('0');
    expect(empty).toContain(STRINGS.ja.noFindings);
    const long = toHtml(report, 'en', { maxFindings: 2 });
    expect(long.match(/<article class="finding"/g)).toHaveLength(2);
    // the compliance view links only to findings the list shows
    for (const m of long.matchAll(/href="#finding-(\d+)"/g)) expect(Number(m[1])).toBeLessThanOrEqual(2);
    expect(long).toContain('#5');
    expect(long).toContain('Only the first 2 of 5 findings');
  });
});
