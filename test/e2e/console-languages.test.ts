// The console in Simplified Chinese (issue 24), in headless Chromium on the demo data after a
// scan: a browser that asks for zh-CN gets Chinese with no cookie; every page (scripts/
// console-pages.ts), and the states a page reaches by its forms (a confirmation, a flash, a
// secret shown once, the fragments htmx loads), has no English left but what the allow-list in
// console/untranslated.ts says why; and the language switch sticks across pages and returns the
// operator to the page they were on.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PAGES, demoIds, type DemoIds } from '../../scripts/console-pages.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  NO_SCHEDULED_SCANS,
  seedAndScan,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';
import { allowedStrings, readableTexts, untranslated } from './console/untranslated.ts';

const TOKEN = E2E_ADMIN_TOKEN;
const HOOK_URL = 'http://127.0.0.1:9/quota-hook';

describe('the console in Chinese (headless Chromium)', () => {
  let stack: ConsoleStack | undefined;
  let base: string;
  let ids: DemoIds;
  let browser: Browser;
  let zh: BrowserContext;
  let zhPage: Page;
  let zhNoScript: Page;
  const allowed = allowedStrings([HOOK_URL]);

  beforeAll(async () => {
    // The endpoint a test creates is on loopback, where nothing listens.
    // The star poller runs every second against loopback, where nothing listens, so the sources
    // page always shows a failed repository: the daemon's error text inside the console's words.
    stack = await startConsoleStack('console-languages', {
      ...NO_SCHEDULED_SCANS,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      GITHUB_API_URL: 'http://127.0.0.1:9',
      GITHUB_SYNC_CRON: '* * * * * *',
    });
    base = stack.base;
    browser = stack.browser;
    await seedAndScan(base, TOKEN);
    await waitForFailedStarSync(base);
    const list = await api<{ items: { id: number; name: string }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    ids = demoIds(list.body.items);
    // Playwright's locale is the browser's Accept-Language: zh-CN, and no cookie of ours.
    zh = await browser.newContext({ locale: 'zh-CN' });
    zhPage = await zh.newPage();
    await signIn(zhPage, base, TOKEN);
    const plain = await browser.newContext({ locale: 'zh-CN', javaScriptEnabled: false });
    zhNoScript = await plain.newPage();
    await signIn(zhNoScript, base, TOKEN);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  async function expectChinese(page: Page, what: string): Promise<void> {
    expect(await page.locator('html').getAttribute('lang'), what).toBe('zh-CN');
    const texts = await readableTexts(page);
    expect(texts.length, `${what} has text`).toBeGreaterThan(5);
    expect(untranslated(texts, allowed), `English left on ${what}`).toEqual([]);
  }

  it("marks a failed star sync's error as the daemon's English inside Chinese words", async () => {
    await zhPage.goto(`${base}/ui/sources`);
    const failed = zhPage.locator('td', { has: zhPage.locator('span[lang="en"]') }).first();
    expect(await failed.innerText()).toMatch(/^失败：\S/);
  });

  it('answers a browser that asks for zh-CN in Chinese, with no language cookie', async () => {
    const fresh = await browser.newContext({ locale: 'zh-CN' });
    const page = await fresh.newPage();
    await page.goto(`${base}/ui`);
    expect(new URL(page.url()).pathname).toBe('/ui/sign-in');
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').innerText()).toBe('登录');
    expect((await fresh.cookies()).map((c) => c.name)).not.toContain('qm_lang');
    await fresh.close();
  });

  it.each(CONSOLE_PAGES.map((p) => [p.name, p] as const))(
    '%s has no English left',
    async (_n, p) => {
      const page = p.signedOut
        ? await (await browser.newContext({ locale: 'zh-CN' })).newPage()
        : zhPage;
      const response = await page.goto(`${base}${p.path(ids)}`, { waitUntil: 'networkidle' });
      expect(response?.status()).toBe(200);
      await expectChinese(page, p.name);
      if (p.signedOut) await page.context().close();
    },
  );

  it('asks, confirms and reports a run in Chinese (without JavaScript)', async () => {
    const id = ids.strategy('stargazer-daily-reward');
    await zhNoScript.goto(`${base}/ui/strategies/${id}`);
    await zhNoScript.getByRole('button', { name: '立即运行' }).click();
    await zhNoScript.waitForURL(`${base}/ui/strategies/${id}/run`);
    expect(await zhNoScript.locator('h1').innerText()).toBe('请确认');
    await expectChinese(zhNoScript, 'the confirmation page');
    await zhNoScript.getByRole('button', { name: '确认' }).click();
    await zhNoScript.waitForURL(/\/ui\/strategies\/\d+\?done=/);
    expect(await zhNoScript.locator('.notice.ok').innerText()).toMatch(/^已运行：符合条件 \d+/);
    await expectChinese(zhNoScript, 'the strategy page after a run');
  });

  it('creates a webhook endpoint and shows its secret once, in Chinese', async () => {
    await zhNoScript.goto(`${base}/ui/webhooks`);
    await zhNoScript.locator('#webhook-url').fill(HOOK_URL);
    await zhNoScript.locator('input[name="event_types"]').first().check();
    await zhNoScript.getByRole('button', { name: '创建' }).click();
    expect(await zhNoScript.locator('h1').innerText()).toMatch(/^已创建端点 \d+$/);
    await expectChinese(zhNoScript, 'the secret page');
    await zhNoScript.getByRole('link', { name: '返回端点列表' }).click();
    await expectChinese(zhNoScript, 'the webhooks list with an endpoint');
    await zhNoScript.locator('[data-testid^="webhook-"] a').first().click();
    await expectChinese(zhNoScript, 'an endpoint page');
  });

  it('answers the fragments htmx loads while typing in Chinese', async () => {
    for (const path of [
      '/ui/conditions/check?condition=',
      '/ui/conditions/check?condition=is-vip(1)',
      `/ui/schedules/check?${new URLSearchParams({ periodic_expr: '0 8 * * 1', timezone: 'Asia/Shanghai' }).toString()}`,
      '/ui/schedules/check?periodic_expr=&timezone=',
      '/ui/schedules/check?periodic_expr=0+8&timezone=UTC',
      // A legacy zone name: the daemon's message (English, marked) inside the console's framing.
      `/ui/schedules/check?${new URLSearchParams({ periodic_expr: '0 8 * * 1', timezone: 'US/Eastern' }).toString()}`,
    ]) {
      const fragment = await zhPage.request.get(`${base}${path}`, {
        headers: { 'accept-language': 'zh-CN' },
      });
      expect(fragment.status(), path).toBe(200);
      const page = await zh.newPage();
      await page.setContent(
        `<!DOCTYPE html><html lang="zh-CN"><body>${await fragment.text()}</body></html>`,
      );
      expect(untranslated(await readableTexts(page), allowed), path).toEqual([]);
      await page.close();
    }
  });

  it('lists the cron field’s fire times as Chinese dates with the offset in force', async () => {
    await zhPage.goto(`${base}/ui/strategies/new`);
    await zhPage.locator('#timezone').fill('Asia/Shanghai');
    await zhPage.locator('#periodic_expr').fill('0 8 * * 1');
    const first = zhPage.getByTestId('cron-next').locator('li').first();
    await expect
      .poll(() => first.innerText())
      .toMatch(/^\d{4}年\d{1,2}月\d{1,2}日 08:00 \(UTC\+8\) （Asia\/Shanghai）$/);
    expect(await zhPage.getByTestId('cron-next').locator('li').count()).toBe(5);
    await expectChinese(zhPage, 'the strategy form with fire times');
  });

  it('keeps the language chosen with the switch across pages, and returns to the same page', async () => {
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    await signIn(page, base, TOKEN);
    await page.goto(`${base}/ui/strategies`);
    expect(await page.locator('h1').innerText()).toBe('Strategies');
    await page.getByRole('link', { name: '简体中文' }).click();
    await page.waitForURL(`${base}/ui/strategies`);
    expect(await page.locator('html').getAttribute('lang')).toBe('zh-CN');
    expect(await page.locator('h1').innerText()).toBe('策略');
    // The finder is not blind: English put into the Chinese page is found, where it is.
    await page.evaluate(() => {
      document.querySelector('h1')!.textContent = 'Strategies';
      document.querySelector('#main')!.setAttribute('title', 'Granted today');
    });
    expect(untranslated(await readableTexts(page), allowed)).toEqual([
      'h1: "Strategies" (Strategies)',
      'main#main[title]: "Granted today" (Granted, today)',
    ]);
    const cookie = (await context.cookies()).find((c) => c.name === 'qm_lang');
    expect(cookie).toMatchObject({ value: 'zh-CN', path: '/ui', sameSite: 'Lax', httpOnly: true });
    // Other pages, reached by the navigation, stay Chinese though the browser asks for English.
    await page.getByRole('link', { name: '用户', exact: true }).click();
    await page.waitForURL(`${base}/ui/users`);
    expect(await page.locator('h1').innerText()).toBe('用户');
    await page.goto(`${base}/ui/audit?actor=admin`);
    expect(await page.locator('h1').innerText()).toBe('审计');
    // And back: the query string survives the round trip.
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${base}/ui/audit?actor=admin`);
    expect(await page.locator('h1').innerText()).toBe('Audit');
    await page.goto(`${base}/ui`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await context.close();
  });
});

/** Waits until the star poller has recorded a failed sync of some repository. */
async function waitForFailedStarSync(base: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const repos = await api<{ items: { repo: string; last_error: string | null }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/sources/github',
    );
    if (repos.body.items.some((r) => r.last_error !== null)) return;
    if (Date.now() > deadline)
      throw new Error(`no failed star sync within 30 s: ${JSON.stringify(repos.body)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
