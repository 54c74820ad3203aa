// The web console (/ui) used as an operator would, in headless Chromium against a real daemon
// and mock gateway on the demo data: sign in, create a strategy (a typo in its condition is
// marked at its line and column, then fixed), preview it, enable it, run it, see its grants and
// the overview change, explain a user it does not grant, resolve an unknown grant, CSRF-less
// posts refused. Every page is also read with JavaScript disabled; each page's screenshot is
// written to test-artifacts/console. The viewer role is in console-viewer.test.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../scripts/demo-data.ts';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';
import {
  api,
  launchChromium,
  mockFaults,
  NO_SCHEDULED_SCANS,
  screenshot,
  seedAndScan,
  signIn,
} from './console/console-harness.ts';

const TOKEN = E2E_ADMIN_TOKEN;
/** The strategy the test creates grants org001 users of VIP level 1 and above. */
const EXPECTED = DEMO_USERS.filter((u) => u.org === 'org001' && u.vip >= 1).map((u) => u.id);
const NOT_GRANTED = DEMO_USERS.find((u) => u.org !== 'org001')!.id;

interface Row {
  id: number;
  user_id: string;
  status: string;
}

describe('the web console in headless Chromium', () => {
  let dir: string;
  let mock: RunningProcess | undefined;
  let daemon: RunningProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  let strategyId: number;
  const requests: string[] = [];
  const problems: string[] = [];
  const badResources: string[] = [];

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'qm-console-e2e-'));
    mock = await startMockGatewayProcess();
    daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url, {
      ...NO_SCHEDULED_SCANS,
      // A dropped answer is then an unknown outcome (never re-sent), which the console resolves.
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
      // Without reconciliation a dropped answer becomes an unknown grant, which the console resolves.
      AIGATEWAY_RECONCILE: 'off',
    });
    base = daemon.url;
    await seedAndScan(base, TOKEN);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    context.on('request', (request) => void requests.push(request.url()));
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    page.on('console', (message) => {
      // A page answered 400/401/403/404 on purpose logs "Failed to load resource"; failed
      // subresources are caught below (badResources) with their URLs instead.
      if (message.text().startsWith('Failed to load resource')) return;
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      if (response.request().resourceType() !== 'document' && response.status() >= 400)
        badResources.push(`${response.status()} ${response.url()}`);
    });
    page.on('pageerror', (error) => void problems.push(`pageerror: ${error.message}`));
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('/ redirects to the console, which asks for a token and keeps the session in a strict HttpOnly cookie', async () => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/ui');
    await page.goto(`${base}/`);
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
    await screenshot(page, 'sign-in');

    await page.getByLabel('API token (admin or viewer)').fill('wrong-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('not accepted');

    await signIn(page, base, TOKEN);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({
      name: 'qm_session',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/ui',
    });
    const hours = (cookie!.expires * 1000 - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(7.9);
    expect(hours).toBeLessThanOrEqual(8);
    expect(await page.locator('.role').innerText()).toBe('admin');
  });

  let grantsBefore = 0;
  it('overview: totals from /api/v1/stats, the gateway and breaker, the 30-day chart drawn by uPlot', async () => {
    // Three past days of the daily demo strategy (backfilled through the API) for the chart.
    const list = await api<{ items: { id: number; name: string }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    const daily = list.body.items.find((s) => s.name === 'stargazer-daily-reward')!;
    const days: string[] = [];
    for (const back of [1, 2, 3]) {
      const at = new Date(Date.now() - back * 86_400_000);
      days.push(at.toISOString().slice(0, 10));
      const occurrence = `${at.toISOString().slice(0, 10)}T08:00:00.000Z`;
      const run = await api(base, TOKEN, 'POST', `/api/v1/strategies/${daily.id}/run`, {
        occurrence,
      });
      expect(run.status).toBe(200);
    }
    const stargazers = DEMO_USERS.filter((u) => u.github_stars.includes('zgsm-ai/zgsm')).length;
    await page.goto(`${base}/ui`);
    const stats = await api<{
      all_time: { by_status: Record<string, { grants: number; amount: number }> };
    }>(base, TOKEN, 'GET', '/api/v1/stats');
    grantsBefore = stats.body.all_time.by_status.applied!.grants;
    expect(grantsBefore).toBeGreaterThan(0);
    expect(await page.getByTestId('stat-all_time').innerText()).toContain(
      `${grantsBefore} grants applied`,
    );
    const gateway = await page.getByTestId('gateway').innerText();
    expect(gateway).toContain('Gateway: ok');
    expect(gateway).toContain('Circuit breaker: closed');
    expect(await page.getByTestId('waiting').innerText()).toContain('Unknown outcome: none');
    await page.locator('#chart[data-drawn="true"] canvas').waitFor();
    await page.getByText('The numbers').click();
    const table = page.locator('#chart + details table');
    for (const day of days) {
      const row = await table.locator('tr', { hasText: day }).innerText();
      expect(row.split('\t')[1]).toBe(String(5 * stargazers));
    }
    await screenshot(page, 'overview');
  });

  it('create: a typo in the condition is marked at its line and column as you type, with "did you mean"; fixed, the strategy is saved disabled', async () => {
    await page.goto(`${base}/ui/strategies`);
    await page.getByRole('link', { name: 'New strategy' }).click();
    await page.getByLabel('Name (unique)').fill('e2e-org001-vips');
    await page.getByLabel('Title').fill('VIPs of org001, once');
    await page.getByLabel('Amount per grant').fill('7');
    await page.getByLabel('Condition').fill('belong-to("org001")\nand is-vp(1)');
    const feedback = page.locator('#condition-feedback');
    await feedback.getByTestId('condition-errors').waitFor();
    expect(await feedback.getByTestId('condition-error-position').innerText()).toBe(
      'line 2, column 5',
    );
    expect(await feedback.getByTestId('condition-error-message').innerText()).toMatch(
      /is-vp.*did you mean.*is-vip/i,
    );
    expect(await feedback.locator('mark').innerText()).toBe('is-vp');
    await screenshot(page, 'strategy-form-error');

    // Completion from /api/v1/conditions/functions: "is-v" offers is-vip.
    const condition = page.getByLabel('Condition');
    await condition.fill('belong-to("org001")\nand is-v');
    await page.locator('#condition-suggestions li', { hasText: 'is-vip(' }).waitFor();
    await condition.press('Enter');
    expect(await condition.inputValue()).toBe('belong-to("org001")\nand is-vip(');
    await condition.pressSequentially('1)');
    await feedback.getByTestId('condition-valid').waitFor();

    // The cron field lists the next five fire times in the zone typed.
    await page.getByLabel('Time zone (IANA; empty: the daemon default)').fill('Asia/Shanghai');
    await page.getByLabel('Cron expression (periodic)').fill('0 8 * * *');
    await expect.poll(() => page.getByTestId('cron-next').locator('li').count()).toBe(5);
    expect(await page.getByTestId('cron-next').locator('li').first().innerText()).toMatch(
      /08:00 \+08:00 \(Asia\/Shanghai\)$/,
    );
    await page.getByLabel('Cron expression (periodic)').fill('');

    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/ui\/strategies\/\d+\?done=saved/);
    strategyId = Number(/strategies\/(\d+)/.exec(page.url())![1]);
    const strategy = await api<{ enabled: boolean; condition: string }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${strategyId}`,
    );
    // Typed on two lines; stored in the canonical form every condition is kept in.
    expect(strategy.body.condition).toBe('and(belong-to("org001"), is-vip(1))');
    expect(await page.getByText('Saved.').count()).toBe(1);
  });

  it('a refused save shows the API error beside the field and keeps what was typed', async () => {
    await page.goto(`${base}/ui/strategies/new`);
    await page.getByLabel('Name (unique)').fill('e2e-bad-amount');
    await page.getByLabel('Title').fill('bad');
    await page.getByLabel('Amount per grant').fill('-3');
    await page.getByLabel('Condition').fill('is-vip(1)');
    await page.getByRole('button', { name: 'Create' }).click();
    expect(await page.locator('#amount-error').innerText()).toMatch(/0\.01/);
    expect(await page.getByLabel('Name (unique)').inputValue()).toBe('e2e-bad-amount');
    const list = await api<{ items: { name: string }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    expect(list.body.items.map((s) => s.name)).not.toContain('e2e-bad-amount');
  });

  it('details: fields, version, and the preview counts of its occurrence', async () => {
    await page.goto(`${base}/ui/strategies/${strategyId}`);
    expect(await page.locator('h1').innerText()).toBe('Strategy e2e-org001-vips');
    const preview = page.getByTestId('preview');
    expect(Number(await preview.getByTestId('would-grant').innerText())).toBe(EXPECTED.length);
    expect(await preview.getByTestId('preview-occurrence').innerText()).toBe('once');
    await screenshot(page, 'strategy-details');
  });

  it('the preview is of the NEXT occurrence (a periodic strategy: its next fire time)', async () => {
    await page.goto(`${base}/ui/strategies/${strategyId}`);
    expect(await page.getByText('cannot preview future occurrences').count()).toBe(0);
    const list = await api<{ items: { id: number; name: string }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    const daily = list.body.items.find((s) => s.name === 'stargazer-daily-reward')!;
    const stats = await api<{ next_occurrences: { at: string }[] }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${daily.id}/stats`,
    );
    await page.goto(`${base}/ui/strategies/${daily.id}`);
    // Shown on the strategy's wall clock; the fire time itself is on the element.
    expect(await page.getByTestId('preview-occurrence').getAttribute('data-occurrence')).toBe(
      stats.body.next_occurrences[0]!.at,
    );
    expect(await page.getByText('cannot preview future occurrences').count()).toBe(0);
  });

  it('enable, then run (each confirmed): the ledger shows the grants and the overview counts them', async () => {
    await page.goto(`${base}/ui/strategies/${strategyId}`);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByText('Enabled.').waitFor();
    expect(
      (await api<{ enabled: boolean }>(base, TOKEN, 'GET', `/api/v1/strategies/${strategyId}`)).body
        .enabled,
    ).toBe(true);

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByText(`granted ${EXPECTED.length}`).waitFor();
    const ledger = page.getByTestId('ledger');
    expect(await ledger.innerText()).toContain(`${EXPECTED.length} rows`);
    const users = await ledger.locator('tbody tr td:nth-child(2)').allInnerTexts();
    expect(users.sort()).toEqual([...EXPECTED].sort());
    expect(await ledger.locator('.status-applied').count()).toBe(EXPECTED.length);

    // The ledger's filter narrows by user.
    await ledger.getByLabel('User id').fill(EXPECTED[0]!);
    await ledger.getByRole('button', { name: 'Filter' }).click();
    expect(await page.getByTestId('ledger').innerText()).toContain('1 rows');
    await screenshot(page, 'strategy-after-run');

    await page.goto(`${base}/ui`);
    expect(await page.getByTestId('stat-all_time').innerText()).toContain(
      `${grantsBefore + EXPECTED.length} grants applied`,
    );
    await page.goto(`${base}/ui/strategies`);
    const row = page.getByTestId('strategies').locator('tr', { hasText: 'e2e-org001-vips' });
    expect(await row.innerText()).toContain(`${7 * EXPECTED.length} (${EXPECTED.length})`);
    await screenshot(page, 'strategies');
  });

  it('the ledger exports as CSV through GET /api/v1/grants', async () => {
    const response = await page.request.get(`${base}/ui/strategies/${strategyId}/ledger.csv`);
    expect(response.status()).toBe(200);
    const lines = (await response.text()).trim().split('\n');
    expect(lines).toHaveLength(EXPECTED.length + 1);
  });

  it('users: a user page has the attributes and the grant history', async () => {
    await page.goto(`${base}/ui/users`);
    await page.getByLabel('Open a user by id').fill(EXPECTED[0]!);
    await page.getByRole('button', { name: 'Open' }).click();
    expect(await page.locator('h1').innerText()).toBe(`User ${EXPECTED[0]}`);
    expect(await page.getByTestId('user-grants').innerText()).toContain(String(strategyId));
    await screenshot(page, 'user');
  });

  it('users: search by name', async () => {
    await page.goto(`${base}/ui/users?q=${encodeURIComponent('Demo User 2')}`);
    expect(await page.locator('main').innerText()).not.toContain('not available on this server');
    const ids = await page.getByTestId('users').locator('tbody tr td:first-child').allInnerTexts();
    expect(ids).toContain('demo-user-02');
    await screenshot(page, 'users');
  });

  it('why not? a user the strategy does not grant: condition_false, the tree red where it failed, with the values read', async () => {
    await page.goto(`${base}/ui/why-not`);
    await page.getByLabel('Strategy').selectOption(String(strategyId));
    await page.getByLabel('User id').fill(NOT_GRANTED);
    await page.getByRole('button', { name: 'Explain' }).click();
    expect(await page.locator('main').innerText()).not.toContain('not available on this server');
    expect(await page.getByTestId('verdict').innerText()).toBe('condition false');
    const tree = page.getByTestId('explain-tree');
    expect(await tree.locator('> li').getAttribute('data-result')).toBe('false');
    const first = tree.locator('li li').first();
    expect(await first.getAttribute('data-result')).toBe('false');
    expect(await first.innerText()).toContain('belong-to("org001")');
    expect(await first.innerText()).toContain('acme');
    expect(
      await tree
        .locator('li li .result')
        .first()
        .evaluate((el) => getComputedStyle(el).color),
    ).toBe('rgb(165, 14, 14)');
    await screenshot(page, 'why-not');
  });

  it('unknown grants: one made by a dropped gateway answer is listed and resolved as applied', async () => {
    const created = await api<{ id: number }>(base, TOKEN, 'POST', '/api/v1/strategies', {
      name: 'e2e-unknown',
      title: 'A grant whose answer is lost',
      type: 'single',
      amount: 3,
      enabled: true,
      condition: `belong-to("globex") and is-vip(2)`,
    });
    expect(created.status).toBe(201);
    await mockFaults(mock!.url, { drop_after_apply_rate: 1, honour_idempotency: false });
    const run = await api(base, TOKEN, 'POST', `/api/v1/strategies/${created.body.id}/run`, {});
    await mockFaults(mock!.url, { drop_after_apply_rate: 0 });
    expect(run.status).toBe(200);
    const unknown = await api<{ items: Row[] }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${created.body.id}/executions?status=unknown`,
    );
    expect(unknown.body.items.length).toBeGreaterThan(0);
    const target = unknown.body.items[0]!;

    await page.goto(`${base}/ui`);
    expect(await page.getByTestId('waiting').innerText()).toContain(
      `Unknown outcome: ${unknown.body.items.length}`,
    );
    await page.getByRole('link', { name: 'Unknown outcome' }).click();
    const table = page.getByTestId('unknown-grants');
    expect(await table.locator('tbody tr').count()).toBe(unknown.body.items.length);
    await screenshot(page, 'unknown-grants');
    await page.getByLabel(`Select grant ${target.id} of ${target.user_id}`).check();
    await page.getByRole('button', { name: 'Mark applied' }).click();
    await page.getByText('Resolved 1 as applied.').waitFor();
    const after = await api<{ items: Row[] }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${created.body.id}/executions?user_id=${target.user_id}`,
    );
    expect(after.body.items[0]!.status).toBe('applied');
    expect(await page.getByTestId('unknown-grants').locator('tbody tr').count()).toBe(
      unknown.body.items.length - 1,
    );
  });

  it("audit: the console's changes are in the trail, filtered by target", async () => {
    await page.goto(`${base}/ui/audit?target_type=strategy&target_id=${strategyId}`);
    expect(await page.locator('main').innerText()).not.toContain('not available on this server');
    const actions = await page
      .getByTestId('audit')
      .locator('tbody tr td:nth-child(3)')
      .allInnerTexts();
    expect(actions).toEqual(
      expect.arrayContaining(['strategy.create', 'strategy.enable', 'strategy.run']),
    );
    await screenshot(page, 'audit');
  });

  it('posts without the CSRF token, or from another origin, are refused (403) and change nothing', async () => {
    const run = `${base}/ui/strategies/${strategyId}/disable`;
    const noToken = await page.request.post(run, { form: { confirmed: 'yes' }, maxRedirects: 0 });
    expect(noToken.status()).toBe(403);
    expect(await noToken.text()).toContain('security token');

    await page.goto(`${base}/ui/strategies/${strategyId}`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const foreign = await page.request.post(run, {
      form: { confirmed: 'yes', _csrf: csrf },
      headers: { origin: 'https://evil.example' },
      maxRedirects: 0,
    });
    expect(foreign.status()).toBe(403);
    const noCookie = await fetch(run, {
      method: 'POST',
      body: new URLSearchParams({ confirmed: 'yes', _csrf: csrf }),
    });
    expect(noCookie.status).toBe(403);
    const signInFromElsewhere = await fetch(`${base}/ui/sign-in`, {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: new URLSearchParams({ token: TOKEN }),
    });
    expect(signInFromElsewhere.status).toBe(403);
    expect(
      (await api<{ enabled: boolean }>(base, TOKEN, 'GET', `/api/v1/strategies/${strategyId}`)).body
        .enabled,
    ).toBe(true);

    // The same post with the token and this origin goes through.
    const ok = await page.request.post(run, {
      form: { confirmed: 'yes', _csrf: csrf },
      headers: { origin: base },
      maxRedirects: 0,
    });
    expect(ok.status()).toBe(303);
    expect(
      (await api<{ enabled: boolean }>(base, TOKEN, 'GET', `/api/v1/strategies/${strategyId}`)).body
        .enabled,
    ).toBe(false);
  });

  it('every request stayed on 127.0.0.1, no page logged an error, and the first page weighs under 100 KB gzip', async () => {
    const origins = new Set(requests.map((url) => new URL(url).hostname));
    expect([...origins]).toEqual(['127.0.0.1']);
    expect(problems).toEqual([]);
    expect(badResources).toEqual([]);

    // A first visit with an empty cache: the sign-in page, then the overview. Bytes on the wire
    // per response: the Content-Length of a gzip-encoded asset, the body of anything sent
    // uncompressed (the HTML pages).
    const fresh = await browser!.newContext();
    const tab = await fresh.newPage();
    const sizes: Record<string, number> = {};
    const pending: Promise<void>[] = [];
    tab.on('response', (response) => {
      if (response.status() >= 300 && response.status() < 400) return;
      pending.push(
        (async () => {
          const headers = await response.allHeaders();
          const key = `${response.request().method()} ${new URL(response.url()).pathname}`;
          sizes[key] =
            headers['content-encoding'] === 'gzip'
              ? Number(headers['content-length'])
              : (await response.body()).length;
        })(),
      );
    });
    await signIn(tab, base, TOKEN);
    await tab.locator('#chart[data-drawn="true"]').waitFor();
    await tab.waitForLoadState('networkidle');
    await Promise.all(pending);
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(
      `console first visit (sign-in + overview): ${JSON.stringify(sizes)} total ${total} bytes`,
    );
    expect(Object.keys(sizes)).toEqual(
      expect.arrayContaining([
        'GET /ui/sign-in',
        'GET /ui',
        'GET /ui/assets/htmx.min.js',
        'GET /ui/assets/uPlot.iife.min.js',
      ]),
    );
    expect(total).toBeLessThan(100 * 1024);
    await fresh.close();
  });

  it('reads with JavaScript disabled: every page renders its content, and a write is confirmed on a page of its own', async () => {
    const plain = await browser!.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
    });
    const tab = await plain.newPage();
    await signIn(tab, base, TOKEN);
    const pages: [string, string, string][] = [
      ['/ui', 'Overview', 'grants'],
      ['/ui/strategies', 'Strategies', 'e2e-org001-vips'],
      [`/ui/strategies/${strategyId}`, 'Strategy e2e-org001-vips', 'would grant'],
      ['/ui/strategies/new', 'New strategy', 'Condition'],
      [`/ui/strategies/${strategyId}/edit`, 'Edit e2e-org001-vips', 'Save'],
      [`/ui/why-not?strategy_id=${strategyId}&user_id=${NOT_GRANTED}`, 'Why not?', 'Explain'],
      ['/ui/unknown-grants', 'Unknown grants', 'resolve'],
      ['/ui/users', 'Users', 'Open a user by id'],
      [`/ui/users/${EXPECTED[0]}`, `User ${EXPECTED[0]}`, 'Grant history'],
      ['/ui/audit', 'Audit', 'Filter'],
    ];
    for (const [path, title, text] of pages) {
      const response = await tab.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await tab.locator('h1').innerText(), path).toBe(title);
      expect(await tab.locator('main').innerText(), path).toContain(text);
      await screenshot(
        tab,
        `nojs-${path.replace(/^\/ui\/?/, '').replace(/[^a-z0-9]+/gi, '-') || 'overview'}`,
      );
    }
    // Without JavaScript a write lands on a confirmation page first.
    await tab.goto(`${base}/ui/strategies/${strategyId}`);
    await tab.getByRole('button', { name: 'Enable' }).click();
    expect(await tab.locator('h1').innerText()).toBe('Please confirm');
    expect(
      (await api<{ enabled: boolean }>(base, TOKEN, 'GET', `/api/v1/strategies/${strategyId}`)).body
        .enabled,
    ).toBe(false);
    await tab.getByRole('button', { name: 'Confirm' }).click();
    await tab.getByText('Enabled.').waitFor();
    expect(
      (await api<{ enabled: boolean }>(base, TOKEN, 'GET', `/api/v1/strategies/${strategyId}`)).body
        .enabled,
    ).toBe(true);
    // The cron preview and the condition check answer after a submit, without scripts.
    await tab.getByRole('button', { name: 'Sign out', exact: true }).click();
    expect(new URL(tab.url()).pathname).toBe('/ui/sign-in');
    await tab.goto(`${base}/ui/strategies`);
    expect(new URL(tab.url()).pathname).toBe('/ui/sign-in');
    await plain.close();
  });
});
