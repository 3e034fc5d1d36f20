// The web console in real Chromium (Debian `chromium` driven by playwright-core) against a real
// `mamori serve --demo` on 127.0.0.1 with a temporary data directory: sign-in, inventory, endpoint,
// alert evidence and workflow, a scan of the vulnerable test API on loopback, Japanese, roles,
// sign-out and expiry, and an axe-core check of every page (no serious or critical violation).

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServe } from '../src/cli/serve.js';
import { testApiDocument } from '../src/scan/test-support/spec.js';
import { startTestApi, type TestApi } from '../src/scan/test-support/vulnerable-api.js';
import { createToken } from '../src/server/index.js';
import { openStore } from '../src/store/index.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const DIST = new URL('../console/dist/index.html', import.meta.url);
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** `MAMORI_CONSOLE_SCREENSHOTS=1 npx vitest run test/console.test.ts` refreshes docs/img/console-*.png. */
const SHOTS = process.env['MAMORI_CONSOLE_SCREENSHOTS']
  ? new URL('../docs/img/', import.meta.url)
  : undefined;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core in the page (evaluated over the DevTools protocol, so the page's CSP stays as served). */
async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(AXE);
  const all = (await page.evaluate(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      targets: v.nodes.slice(0, 3).map((n) => String(n.target)) })))`)) as AxeViolation[];
  return all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

describe('web console in Chromium', { timeout: 120_000 }, () => {
  let dataDir: string;
  let server: RunningServer;
  let target: TestApi;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let admin: string;
  let viewer: string;
  /** The live SQL injection alert (read again in Japanese). */
  let sqliAlert = '';
  const checked: Record<string, AxeViolation[]> = {};
  /** Content-Security-Policy violations the browser reports (the console must need none). */
  const cspViolations: string[] = [];

  const api = async (path: string, init: RequestInit = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${admin}`, ...(init.headers ?? {}) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const axeCheck = async (name: string) => {
    checked[name] = await seriousViolations(page);
    if (SHOTS) await page.screenshot({ path: new URL(`console-${name}.png`, SHOTS).pathname });
  };
  const go = async (label: RegExp | string) => {
    await page.getByRole('navigation').getByRole('link', { name: label }).click();
  };

  beforeAll(async () => {
    if (!existsSync(DIST)) throw new Error('console/dist is missing: run npm run build (npm install does)');
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`);
    dataDir = mkdtempSync(join(tmpdir(), 'mamori-console-'));
    // The admin token is made before the server starts (for the browser and the API checks).
    const store = await openStore(join(dataDir, 'mamori.db'));
    admin = (await createToken(store, 'console admin', 'admin')).value;
    await store.close();
    target = await startTestApi('vulnerable');
    server = await startServe({
      host: '127.0.0.1',
      port: '0',
      dataDir,
      demo: true,
      spec: [],
      approvedHosts: [],
      trustedProxy: [],
      corsOrigin: [],
      bodyLimit: String(10 * 1024 * 1024),
      rateLimit: '100000',
    });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    await target?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with a token into an HttpOnly session cookie; nothing is kept in web storage', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(server.url);
    await axeCheck('sign-in');
    await page.getByLabel('API token').fill('mam_not-a-real-token-at-all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/not accepted/);
    await page.getByLabel('API token').fill(admin);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'mamori_session');
    expect(session?.httpOnly).toBe(true);
    expect(session?.sameSite).toBe('Strict');
    expect(await page.evaluate('document.cookie')).not.toContain('mamori_session');
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);
    expect(errors).toEqual([]);
  });

  it('shows the overview: counts, open incidents and the industry scorecard with its source', async () => {
    await page.getByText('27%').first().waitFor();
    const main = (await page.locator('main').textContent()) ?? '';
    expect(main).toMatch(/shadow/i);
    expect(main).toContain('Akamai, API Security Impact Study 2024');
    await axeCheck('overview');
  });

  it('announces new alerts live, over server-sent events', async () => {
    const alertsLink = page.getByRole('navigation').getByRole('link', { name: /Alerts/ });
    expect(await alertsLink.textContent()).not.toMatch(/new/);
    // One SQL injection attempt from a new address, now: the detector raises a fresh alert.
    const attack = {
      time: new Date().toISOString(),
      client: { address: '203.0.113.77' },
      request: { method: 'GET', url: "https://api.shop.example/v2/users/search?q=' OR 1=1--", headers: {} },
      response: { status: 200, headers: { 'content-type': 'application/json' }, body: '[]' },
    };
    const sent = await api('/api/v1/traffic?wait=true', {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${JSON.stringify(attack)}\n`,
    });
    expect(sent.status).toBe(202);
    await expect.poll(() => alertsLink.textContent(), { timeout: 15_000 }).toMatch(/\d+ new/);
    expect(await page.locator('[aria-live="polite"]').first().textContent()).toMatch(
      /New alert: high SQL injection/,
    );
  });

  it('reads the demo inventory, filters it and opens an endpoint with masked samples', async () => {
    await go('Inventory');
    await page.getByText(/^\d+ of \d+ endpoints$/).waitFor();
    const total = Number(
      /of (\d+)/.exec((await page.getByText(/of \d+ endpoints/).textContent()) ?? '')?.[1],
    );
    expect(total).toBeGreaterThan(10);
    await axeCheck('inventory');
    // The windowed table scrolls inside itself and renders the last row when scrolled to the end.
    const body = page.locator('tbody.vbody');
    expect(
      await body.evaluate(
        (el: { scrollHeight: number; clientHeight: number }) => el.scrollHeight > el.clientHeight,
      ),
    ).toBe(true);
    await body.evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight;
    });
    await page.locator(`tbody tr[aria-rowindex="${total + 1}"]`).waitFor();
    await page.getByLabel('Lifecycle tag').selectOption('shadow');
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBeLessThan(total);
    for (const tags of await page.locator('tbody tr td:nth-child(7)').allTextContents())
      expect(tags).toContain('shadow');
    await page.getByLabel('Search host or path').fill('/v1/users');
    await expect.poll(() => rows.count()).toBe(1);
    await page.getByRole('link', { name: '/v1/users/{userId}' }).click();
    await page.getByRole('heading', { level: 1, name: /GET \/v1\/users\/\{userId\}/ }).waitFor();
    const sensitive = page.locator('section', {
      has: page.getByRole('heading', { name: /Sensitive fields/ }),
    });
    expect(await sensitive.textContent()).toMatch(/EMAIL/);
    expect(await sensitive.locator('td code').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/\*/)]),
    );
    expect(await page.locator('main').textContent()).toMatch(/zombie/);
    await axeCheck('endpoint');
  });

  it('follows an alert to the exchanges that prove it, resolves it and blocks its actor', async () => {
    await go(/Alerts/);
    const first = page.locator('.list-select li a').first();
    await first.waitFor();
    await first.click();
    await page.getByRole('heading', { name: 'Why this alert' }).waitFor();
    const id = new URL(page.url().replace('#/', '')).searchParams.get('id');
    expect(id).toMatch(/^alt-/);
    sqliAlert = id ?? '';
    const evidence = page.locator('.exchanges > li');
    await expect.poll(() => evidence.count()).toBeGreaterThan(0);
    await evidence.first().locator('summary').click();
    expect(await evidence.first().locator('pre').textContent()).toContain('"request"');
    await axeCheck('alerts');
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await page.getByRole('button', { name: 'Reopen', exact: true }).waitFor();
    const { body } = await api('/api/v1/alerts?status=resolved');
    expect((body['alerts'] as Array<{ id: string }>).map((a) => a.id)).toContain(id);

    await page.getByRole('button', { name: 'Block this actor' }).click();
    await page.getByText(/is blocked/).waitFor();
    const decisions = await api('/api/v1/decisions');
    expect(JSON.stringify(decisions.body)).toContain('block');
    await page.getByText(/Actor blocked until/).waitFor();
    await page.getByRole('button', { name: 'Create a virtual patch from this alert' }).click();
    await page.getByText(/Virtual patch created/).waitFor();
    expect(((await api('/api/v1/patches')).body['patches'] as unknown[]).length).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Lift' }).click();
    await page.getByText(/lifted/).waitFor();
    expect((await api('/api/v1/decisions')).body['decisions']).toEqual([]);
    // From the alert to its endpoint, whose page lists the alert (server-side endpoint filter).
    const type = ((await page.locator('#a-detail').textContent()) ?? '').replace(/^\S+\s*/, '').trim();
    // (The first alert is the newest: the live SQL injection on GET /v2/users/search.) Its title names
    // what it is; the type is a fact beside it.
    expect(type).toBe('SQL injection');
    expect(await page.locator('.facts').textContent()).toContain('signature.sqli');
    await page.locator('.facts a').first().click();
    const alerts = page.locator('section', {
      has: page.getByRole('heading', { name: 'Alerts & incidents' }),
    });
    await alerts.getByRole('link', { name: type }).first().waitFor();
    // An incident opens its actor's alerts.
    await go(/Alerts/);
    await page
      .getByRole('link', { name: /related alerts from/ })
      .first()
      .click();
    await page.getByText(/^Alerts of ip:/).waitFor();
    await expect.poll(() => page.locator('.list-select li').count()).toBeGreaterThanOrEqual(2);
  });

  it('starts a scan of a loopback target the admin allowed and follows it to its reproducible findings', {
    timeout: 180_000,
  }, async () => {
    await go('Settings');
    await page.getByLabel('New target').fill(target.url);
    await page.getByRole('button', { name: 'Add', exact: true }).first().click();
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.getByText('Saved.').waitFor();
    expect(JSON.stringify((await api('/api/v1/settings')).body)).toContain(new URL(target.url).origin);
    // A token made here is shown once; the viewer test signs in with it.
    const tokens = page.locator('section', {
      has: page.getByRole('heading', { name: 'API tokens and roles' }),
    });
    await tokens.getByLabel('Name').fill('console viewer');
    await tokens.getByLabel('Role').selectOption('viewer');
    await tokens.getByRole('button', { name: 'Create token' }).click();
    viewer = ((await page.locator('code.secret').textContent()) ?? '').trim();
    expect(viewer).toMatch(/^mam_/);
    await tokens.getByRole('cell', { name: 'console viewer', exact: true }).waitFor();
    await axeCheck('settings');

    await go('Scans');
    await page.getByLabel('Target base URL').fill(target.url);
    await page.getByLabel('or paste it').fill(JSON.stringify(testApiDocument()));
    await page.getByLabel(/Only these tests/).fill('API8');
    await page.getByRole('button', { name: 'Start scan' }).click();
    await page.locator('.scan-status').getByText('done').waitFor({ timeout: 150_000 });
    const findings = page.locator('section details');
    await expect.poll(() => findings.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await findings.first().locator('summary').click();
    expect(await findings.first().textContent()).toContain('curl');
    await axeCheck('scans');
  });

  it('offers findings by OWASP category with report downloads, and hunting', async () => {
    await go(/Findings/);
    await page.getByRole('heading', { name: /By OWASP API Security Top 10/ }).waitFor();
    expect(await page.getByRole('link', { name: 'Download SARIF' }).getAttribute('href')).toBe(
      '/api/v1/reports/sarif',
    );
    await page.getByLabel('Compliance framework').selectOption('GDPR');
    await page.getByText(/GDPR: clauses/).waitFor();
    await axeCheck('findings');
    await go('Hunting');
    await page.getByLabel('Contains text').fill('api.shop');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByText(/^\d+ exchanges$/).waitFor();
    await page.getByLabel('Save the current query as').fill('shop traffic');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Run shop traffic' }).waitFor();
    await page.getByLabel('Pattern (regular expression)').fill("' or 1=1");
    await page.getByRole('button', { name: 'Run retro-hunt' }).click();
    await page.getByText(/exchanges scanned, [1-9]\d* matches/).waitFor();
    await axeCheck('hunt');
  });

  it('switches to Japanese (strings, dates and numbers) and remembers it across a reload', async () => {
    await page.getByLabel('Language').selectOption('ja');
    await page.getByRole('navigation').getByRole('link', { name: 'インベントリ' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('ja');
    await page.reload();
    await page.getByRole('navigation').getByRole('link', { name: 'インベントリ' }).click();
    await page.getByText(/件中/).waitFor();
    expect(await page.locator('tbody').textContent()).toMatch(/2026\/11\/\d+/);
    await axeCheck('inventory-ja');
    // Audit findings come from the server in Japanese too (titles of the rules, GET /api/v1/findings?lang=ja).
    await page.getByRole('navigation').getByRole('link', { name: '検出事項とコンプライアンス' }).click();
    const auditItem = page.locator('ul.plain li', { hasText: 'MAM-' }).first();
    await auditItem.waitFor();
    // The title is the text between the rule id and the next element.
    const title = await auditItem.evaluate((li) => {
      let text = '';
      for (let n = li.querySelector('strong')?.nextSibling; n && n.nodeType === 3; n = n.nextSibling)
        text += n.textContent;
      return text;
    });
    expect(title).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
    // An alert: its title and its explanation, rewritten from its figures (GET /api/v1/alerts?lang=ja).
    await page.evaluate(`location.hash = ${JSON.stringify(`#/alerts?id=${sqliAlert}`)}`);
    await page.getByRole('heading', { name: 'このアラートの理由' }).waitFor();
    expect(await page.locator('#a-detail').textContent()).toContain('SQL インジェクション');
    const explanation = (await page.locator('p.explanation').textContent()) ?? '';
    expect(explanation).toMatch(/MAM-SIG-SQLI-001 SQL インジェクション.*フィンガープリント/);
    expect(explanation).not.toMatch(/[A-Za-z]+ [a-z]+ [a-z]+ /);
    await axeCheck('alerts-ja');
    // The scan's findings: test name and remediation (GET /api/v1/scans/{id}/findings?lang=ja).
    await page.getByRole('navigation').getByRole('link', { name: 'スキャン' }).click();
    await page.locator('.list-select li a').first().click();
    await page.locator('.scan-status').getByText('完了').waitFor();
    expect(await page.locator('.facts').textContent()).toContain('終了');
    const finding = page.locator('section details').first();
    await finding.locator('summary').click();
    const remediation = (await finding.locator('.detail p', { hasText: '対策' }).textContent()) ?? '';
    expect(remediation).toMatch(/^対策: .*ください。$/);
    // The finding's own sentences (what happened, what ruled out the benign explanation) and its
    // evidence excerpts, written in Japanese when the scan made the finding.
    const own = (await finding.locator('.detail p').first().textContent()) ?? '';
    expect(own).toMatch(/[\u3040-\u30ff].* 除外した可能性: .*。判定: /);
    expect(await finding.locator('.detail pre').first().textContent()).toMatch(/として\)|\(認証情報なし\)/);
    expect(await finding.locator('summary').textContent()).toMatch(/[\u3040-\u30ff]/);
    await axeCheck('scans-ja');
    await page.getByLabel('言語').selectOption('en');
  });

  it('is usable in the dark theme', async () => {
    await page.getByLabel('Theme').selectOption('dark');
    await go('Overview');
    await page.getByText('27%').first().waitFor();
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(18, 20, 24)');
    await axeCheck('overview-dark');
    await page.getByLabel('Theme').selectOption('system');
  });

  it('signs out; a lost session goes back to sign-in', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    expect((await context.cookies()).some((c) => c.name === 'mamori_session')).toBe(false);
    // Back in with the keyboard alone: Tab to the token field, type, Enter.
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('token');
    await page.keyboard.type(admin);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // Keyboard navigation: the skip button is the first stop in the tab order, and it moves focus to the
    // page's main content. (Where Tab starts from after a sign-in depends on where focus last was.)
    const firstStop = await page.evaluate(
      `[...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')]
        .find((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0)?.textContent`,
    );
    expect(firstStop).toBe('Skip to content');
    await page.getByRole('button', { name: 'Skip to content' }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('main');
    await context.clearCookies();
    await go('Inventory');
    await page.getByText('Your session ended. Sign in again.').waitFor();
  });

  it('offers a viewer only what a viewer may do', async () => {
    const other = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const p = await other.newPage();
    await p.goto(server.url);
    await p.getByLabel('API token').fill(viewer);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const nav = await p.getByRole('navigation').textContent();
    expect(nav).not.toContain('Hunting');
    await p
      .getByRole('navigation')
      .getByRole('link', { name: /Alerts/ })
      .click();
    await p.locator('.list-select li a').first().click();
    await p.getByRole('heading', { name: 'Why this alert' }).waitFor();
    expect(await p.getByRole('button', { name: 'Resolve', exact: true }).count()).toBe(0);
    expect(await p.getByRole('button', { name: 'Block this actor' }).count()).toBe(0);
    await p.getByRole('navigation').getByRole('link', { name: 'Settings' }).click();
    await p.getByText(/Read-only/).waitFor();
    expect(await p.getByRole('button', { name: 'Save settings' }).count()).toBe(0);
    await other.close();
  });

  it('needs no exception to its Content-Security-Policy', () => {
    expect(cspViolations).toEqual([]);
  });

  it('has no serious or critical accessibility violations on any page (axe-core)', () => {
    expect(Object.keys(checked).sort()).toEqual(
      [
        'alerts',
        'alerts-ja',
        'endpoint',
        'findings',
        'hunt',
        'inventory',
        'inventory-ja',
        'overview',
        'overview-dark',
        'scans',
        'scans-ja',
        'settings',
        'sign-in',
      ].sort(),
    );
    expect(checked).toEqual(Object.fromEntries(Object.keys(checked).map((k) => [k, []])));
  });
});
