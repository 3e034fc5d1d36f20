// The HTML report opened in real Chromium (Debian `chromium` driven by playwright-core), in both languages:
// headline numbers read back from the rendered DOM, charts laid out, hostile text inert, no request leaves
// the file, and a screenshot taken. Skipped, saying why, only when /usr/bin/chromium is not installed.

import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sampleReport, XSS } from './fixtures/sample.js';
import { toHtml } from './html.js';
import type { Lang } from './i18n.js';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`html.chromium.test: SKIPPED: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

describe.skipIf(!haveChromium)('HTML report in Chromium', () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), 'mamori-report-'));

  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Record<Lang, { title: string; total: string; severity: string[] }> = {
    en: { title: 'All findings', total: 'Findings', severity: ['Critical', 'High', 'Medium', 'Low', 'Info'] },
    ja: { title: 'すべての検出事項', total: '検出事項の総数', severity: ['緊急', '高', '中', '低', '情報'] },
  };

  for (const lang of ['en', 'ja'] as const) {
    it(`renders the ${lang} report with its headline numbers, inert hostile text and no request`, async () => {
      const file = join(dir, `report-${lang}.html`);
      writeFileSync(file, toHtml(sampleReport(), lang));
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, javaScriptEnabled: true });
      const requests: string[] = [];
      const errors: string[] = [];
      let dialogs = 0;
      page.on('request', (r) => requests.push(r.url()));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('dialog', async (d) => {
        dialogs++;
        await d.dismiss();
      });
      const url = pathToFileURL(file).href;
      await page.goto(url, { waitUntil: 'load' });

      const read = async (key: string) =>
        (await page.locator(`[data-metric="${key}"] .value`).textContent())?.trim();
      const label = async (key: string) =>
        (await page.locator(`[data-metric="${key}"] .label`).textContent())?.trim();
      expect(await read('total')).toBe('5');
      expect(await label('total')).toBe(expected[lang].total);
      expect(await read('critical')).toBe('1');
      expect(await read('high')).toBe('3');
      expect(await read('medium')).toBe('1');
      expect(await read('operations')).toBe('1,234');
      expect(await read('risk')).toBe('72');
      expect(await label('critical')).toBe(expected[lang].severity[0]);
      expect(await page.locator('#findings h2').textContent()).toBe(expected[lang].title);
      expect(await page.locator('article.finding').count()).toBe(5);

      // charts are laid out: both SVGs have a size and the critical bar is drawn
      for (const chart of ['severity', 'owasp']) {
        const box = await page.locator(`svg[data-chart="${chart}"]`).boundingBox();
        expect(box?.width ?? 0).toBeGreaterThan(300);
        expect(box?.height ?? 0).toBeGreaterThan(100);
      }
      expect(await page.locator('svg[data-chart="severity"] g').first().locator('rect').count()).toBe(2);

      // hostile text is shown as text, and nothing in it ran or loaded
      const excerpts = await page.locator('code.excerpt').allTextContents();
      expect(excerpts.some((e) => e.includes(XSS))).toBe(true);
      expect(await page.evaluate('typeof window.__pwned')).toBe('undefined');
      expect(await page.locator('script, img, iframe, link').count()).toBe(0);
      expect(dialogs).toBe(0);
      expect(errors).toEqual([]);
      expect(requests).toEqual([url]);

      const png = await page.screenshot({ path: join(dir, `report-${lang}.png`), fullPage: false });
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.length).toBeGreaterThan(20_000); // a blank page is a few kB
      await page.close();
    }, 60_000);
  }
});
