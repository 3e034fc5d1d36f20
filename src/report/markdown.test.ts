import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/index.js';
import { FINDINGS, RULES } from './fixtures/sample.js';
import { md, toMarkdown } from './markdown.js';

function many(n: number): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    ...FINDINGS[i % FINDINGS.length]!,
    id: `bulk-${i}`,
    description: `Finding number ${i} with a long explanation ${'x'.repeat(200)}`,
  }));
}

describe('toMarkdown', () => {
  const out = toMarkdown(FINDINGS, { title: 'Audit of shop api', subtitle: '3 specs audited' });

  it('summarises counts by severity and lists findings worst first', () => {
    expect(out).toContain('### Audit of shop api');
    expect(out).toContain('**5** findings');
    expect(out).toContain('critical **1**');
    expect(out).toContain('high **3**');
    expect(out).toContain('medium **1**');
    expect(out).toContain('low **0**');
    const rows = out.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| Severity'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('critical');
    expect(rows[4]).toContain('medium');
    expect(out.match(/<details>/g)).toHaveLength(5);
    expect(out).toContain('Add a security requirement to the operation');
  });

  it('neutralises hostile text: no HTML, no link, no mention, no broken table cell', () => {
    expect(out).not.toMatch(/<script|<img|<!--|"/i);
    const trfRow = out.split('\n').find((l) => l.startsWith('| ') && l.includes('critical'))!;
    // 4 cells: 5 pipes, none from the attacker's text
    expect(trfRow.split('|')).toHaveLength(6);
    expect(md('[x](https://evil.example) @team ![i](y)')).not.toMatch(/[[\]()@!]|https:/);
    expect(md('a\nb|c')).toBe('a b&#124;c');
    expect(md('\u0001')).toBe('&#92;x01');
  });

  it("writes Japanese labels, severity names and the rules' Japanese text with lang ja", () => {
    const ja = toMarkdown(FINDINGS, { lang: 'ja', rules: RULES });
    expect(ja).toContain('### mamori セキュリティレポート');
    expect(ja).toContain('検出事項 **5** 件');
    expect(ja).toContain('緊急 **1**');
    expect(ja).toContain('| 重大度 | ルール | 検出事項 | 場所 |');
    expect(ja).toContain('**対策:**');
    expect(ja).not.toContain('**Fix:**');
    expect(toMarkdown([], { lang: 'ja' })).toContain('検出事項はありません。');
    const many3000 = toMarkdown(many(3000), { lang: 'ja' });
    expect(many3000).toContain('検出事項 **3,000** 件');
    expect(many3000).toContain('ほか 2,980 件はこの表にありません');
  });

  it('says so when there is nothing to report', () => {
    expect(toMarkdown([], {})).toContain('No findings.');
  });

  it('stays under the comment size cap and says how many details were left out', () => {
    const big = toMarkdown(many(3000), { top: 20 });
    expect(big.length).toBeLessThanOrEqual(65_000);
    expect(big).toContain('**3,000** findings');
    expect(big).toMatch(/Details of [\d,]+ more findings left out/);
    expect(big).toContain('2,980 more not in this table');
    const tiny = toMarkdown(many(50), { maxChars: 4000 });
    expect(tiny.length).toBeLessThanOrEqual(4000);
    expect(tiny).toContain('left out');
    const tableOnly = toMarkdown(many(500), { maxChars: 3000, top: 500 });
    expect(tableOnly.length).toBeLessThanOrEqual(3000);
  });
});
