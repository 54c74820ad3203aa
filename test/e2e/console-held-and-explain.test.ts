// Held occurrences and explanations in the console (issue 24), in headless Chromium against a
// real daemon: a periodic strategy over its budget cap for several ticks — under catch_up the
// holds wait and an operator dismisses one and approves the rest at once; under skip the older
// ones are shown superseded. An approval is for the strategy version the page showed: one made
// after someone else changed the strategy is refused with the 412 message. Explaining a
// disabled strategy leads with what it would send once enabled.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  screenshot,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const TOKEN = E2E_ADMIN_TOKEN;

/** Every two seconds: a new occurrence falls due between two runs without waiting minutes. */
const EVERY_2_S = '*/2 * * * * *';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('held occurrences and explanations in the console (headless Chromium)', () => {
  let stack: ConsoleStack | undefined;
  let base: string;
  let page: Page;

  beforeAll(async () => {
    stack = await startConsoleStack('console-held');
    base = stack.base;
    const context = await stack.browser.newContext();
    page = await context.newPage();
    // console.js asks before each write; the operator says yes.
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, base, TOKEN);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** How many ledger rows the strategy has (a refused approval must have written none). */
  async function ledgerTotal(id: number): Promise<number> {
    const ledger = await api<{ total: number }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${id}/executions?limit=1`,
    );
    return ledger.body.total;
  }

  async function usersInOrg(org: string, count: number): Promise<string[]> {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, vip: 1 }));
    expect((await api(base, TOKEN, 'POST', '/api/v1/users/bulk', users)).status).toBe(200);
    return users.map((u) => u.id);
  }

  /** A strategy capped at one user for two, run on `ticks` successive occurrences: each held. */
  async function heldStrategy(name: string, missedRuns: 'skip' | 'catch_up', ticks: number) {
    await usersInOrg(name, 2);
    const created = await api<{ id: number }>(base, TOKEN, 'POST', '/api/v1/strategies', {
      name,
      title: `Held under ${missedRuns}`,
      type: 'periodic',
      periodic_expr: EVERY_2_S,
      timezone: 'UTC',
      amount: 5,
      enabled: true,
      missed_runs: missedRuns,
      max_users_per_occurrence: 1,
      condition: `belong-to("${name}")`,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    for (let tick = 0; tick < ticks; tick++) {
      // A strategy's first occurrence is its first fire time after it was created.
      await sleep(2_100);
      const run = await api<{ held: unknown }>(
        base,
        TOKEN,
        'POST',
        `/api/v1/strategies/${id}/run`,
        {},
      );
      expect(run.status).toBe(200);
      expect(run.body.held, JSON.stringify(run.body)).not.toBeNull();
    }
    return id;
  }

  const heldRows = (p: Page) => p.getByTestId('held').locator('tbody tr');

  it('dismisses one held occurrence, then approves all the others at once', async () => {
    const id = await heldStrategy('e2e-held-catch-up', 'catch_up', 3);
    await page.goto(`${base}/ui/strategies/${id}`);
    // One per run; on a loaded machine a run may also catch up a fire time between two runs.
    const held = await heldRows(page).count();
    expect(held).toBeGreaterThanOrEqual(3);
    const firstTime = await heldRows(page).first().locator('time').getAttribute('datetime');
    await screenshot(page, 'held-three');

    await heldRows(page)
      .first()
      .getByRole('button', { name: /^Dismiss / })
      .click();
    await page.waitForURL(/\?done=dismissed&/);
    expect(await page.locator('p.notice.ok').innerText()).toContain('nothing granted');
    expect(await heldRows(page).count()).toBe(held - 1);
    const remaining = await heldRows(page)
      .locator('time')
      .evaluateAll((times) => times.map((t) => t.getAttribute('datetime')));
    expect(remaining).not.toContain(firstTime);

    await page.getByRole('button', { name: `Approve all ${held - 1}` }).click();
    await page.waitForURL(/\?done=approved-all&/);
    expect(await page.locator('p.notice.ok').innerText()).toContain(
      `Approved and ran ${held - 1} held occurrences: granted ${2 * (held - 1)}.`,
    );
    expect(await page.getByTestId('held').count()).toBe(0);
    const ledger = await api<{ total: number }>(
      base,
      TOKEN,
      'GET',
      `/api/v1/strategies/${id}/executions?limit=1`,
    );
    expect(ledger.body.total).toBe(2 * (held - 1));
    await screenshot(page, 'held-approved-all');
  });

  it('under missed_runs: skip, one occurrence is held and the older ones are shown superseded', async () => {
    const id = await heldStrategy('e2e-held-skip', 'skip', 3);
    await page.goto(`${base}/ui/strategies/${id}`);
    expect(await heldRows(page).count()).toBe(1);
    const closed = page.getByTestId('closed-holds').locator('tbody tr');
    expect(await closed.count()).toBeGreaterThanOrEqual(2);
    for (const row of await closed.all()) expect(await row.innerText()).toContain('superseded');
    await screenshot(page, 'held-superseded');
  });

  it('refuses an approval of a strategy changed since the page was loaded (412), naming why', async () => {
    const id = await heldStrategy('e2e-held-stale', 'catch_up', 1);
    await page.goto(`${base}/ui/strategies/${id}`);
    // Someone else raises the amount after the page was read: the approval shown is stale.
    const changed = await api(base, TOKEN, 'PATCH', `/api/v1/strategies/${id}`, { amount: 500 });
    expect(changed.status).toBe(200);
    await heldRows(page)
      .first()
      .getByRole('button', { name: /^Approve / })
      .click();
    await page.waitForURL(/\?error=action-stale&/);
    expect(await page.locator('[role="alert"]').innerText()).toMatch(
      /changed by someone else since the page was loaded, so nothing was done/,
    );
    expect(await ledgerTotal(id)).toBe(0);
    // Read again, the same button approves the version now shown.
    await page.reload();
    await page.goto(`${base}/ui/strategies/${id}`);
    await heldRows(page)
      .first()
      .getByRole('button', { name: /^Approve / })
      .click();
    await page.waitForURL(/\?done=ran&/);
    await screenshot(page, 'held-stale-approve');
  });

  it('in Chinese: closed holds, and the 412 on dismiss and approve, re-said in English after switching', async () => {
    const context = await stack!.browser.newContext({ locale: 'zh-CN' });
    const zh = await context.newPage();
    zh.on('dialog', (dialog) => void dialog.accept());
    await signIn(zh, base, TOKEN);
    const id = await heldStrategy('e2e-held-zh', 'skip', 3);
    const page = `${base}/ui/strategies/${id}`;
    await zh.goto(page);
    expect(await zh.locator('html').getAttribute('lang')).toBe('zh-CN');

    const closed = zh.getByTestId('closed-holds');
    expect(await closed.locator('h2').innerText()).toBe('已关闭且未发放的暂扣');
    const closedRows = closed.locator('tbody tr');
    expect(await closedRows.count()).toBeGreaterThanOrEqual(2);
    for (const row of await closedRows.all()) {
      const text = await row.innerText();
      expect(text).toContain('已被取代：更新的周期已到期（错过的周期：跳过）');
      // Both instants in the Chinese date style, in the strategy's zone.
      expect(text).toMatch(
        /\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} UTC[\s\S]*\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2} UTC/,
      );
    }
    // The held one's buttons name it the same way.
    const dismiss = heldRows(zh)
      .first()
      .getByRole('button', { name: /^作废 \d{4}年/ });
    expect(await dismiss.count()).toBe(1);
    await screenshot(zh, 'held-closed-zh');

    // Someone else changes the strategy after the page was read: dismissing what it showed is
    // refused, and the page says why in Chinese.
    expect(
      (await api(base, TOKEN, 'PATCH', `/api/v1/strategies/${id}`, { amount: 6 })).status,
    ).toBe(200);
    await dismiss.click();
    await zh.waitForURL(/\?error=action-stale&/);
    const stale =
      '自页面加载以来，此策略已被他人修改，因此未执行任何操作。请查看它的当前版本后再试。';
    expect(await zh.locator('[role="alert"]').innerText()).toBe(`作废被拒绝：${stale}`);
    expect(await heldRows(zh).count()).toBe(1);
    await screenshot(zh, 'held-stale-dismiss-zh');

    // The same notice, after switching to English on that very page, is in English.
    await zh.getByRole('link', { name: 'English' }).click();
    await zh.waitForURL(/\?error=action-stale&/);
    expect(await zh.locator('[role="alert"]').innerText()).toMatch(
      /^dismiss refused: this strategy was changed by someone else since the page was loaded/,
    );
    await zh.getByRole('link', { name: '简体中文' }).click();
    await zh.waitForURL(/\?error=action-stale&/);
    expect(await zh.locator('html').getAttribute('lang')).toBe('zh-CN');

    // Approving is bound to the version read too.
    await zh.goto(page);
    expect(
      (await api(base, TOKEN, 'PATCH', `/api/v1/strategies/${id}`, { amount: 7 })).status,
    ).toBe(200);
    await heldRows(zh)
      .first()
      .getByRole('button', { name: /^批准 / })
      .click();
    await zh.waitForURL(/\?error=action-stale&/);
    expect(await zh.locator('[role="alert"]').innerText()).toBe(`批准被拒绝：${stale}`);
    expect(await ledgerTotal(id)).toBe(0);

    // A notice forged into the URL is not shown, in either language.
    await zh.goto(`${page}?done=${encodeURIComponent('账户已冻结，请致电客服')}&error=saved`);
    expect(await zh.locator('p.notice.ok').count()).toBe(0);
    expect(await zh.locator('[role="alert"]').count()).toBe(0);
    expect(await zh.locator('main').innerText()).not.toContain('账户已冻结');
    // A well-formed refusal whose text is the forger's: not sealed for this session, not shown.
    const forged = new URLSearchParams({
      error: 'action-refused',
      'error.action': 'run',
      'error.why': '账户已冻结，请致电客服',
    });
    await zh.goto(`${page}?${forged.toString()}`);
    expect(await zh.locator('[role="alert"]').count()).toBe(0);
    expect(await zh.locator('main').innerText()).not.toContain('账户已冻结');
    await context.close();
  });

  it('explains a disabled strategy: the sentence leads with what it would send once enabled', async () => {
    const [user] = await usersInOrg('e2e-explain-disabled', 1);
    const created = await api<{ id: number }>(base, TOKEN, 'POST', '/api/v1/strategies', {
      name: 'e2e-explain-disabled',
      title: 'Disabled, explained',
      type: 'single',
      amount: 7.5,
      enabled: false,
      condition: 'belong-to("e2e-explain-disabled") and is-vip(1)',
    });
    expect(created.status).toBe(201);
    await page.goto(`${base}/ui/why-not`);
    await page.getByLabel('Strategy').selectOption(String(created.body.id));
    await page.getByLabel('User id').fill(user!);
    await page.getByRole('button', { name: 'Explain' }).click();
    expect(await page.getByTestId('explain-summary').innerText()).toBe(
      'Not granted: the strategy is disabled; enabled, it would send the user 7.5.',
    );
    expect(await page.getByTestId('verdict').innerText()).toBe('disabled');
    await screenshot(page, 'why-not-disabled');
  });

  it('explains a false condition by naming the node that decided, marked in the tree', async () => {
    const [user] = await usersInOrg('e2e-explain-false', 1);
    const created = await api<{ id: number }>(base, TOKEN, 'POST', '/api/v1/strategies', {
      name: 'e2e-explain-false',
      title: 'False, explained',
      type: 'single',
      amount: 1,
      enabled: true,
      condition: 'belong-to("e2e-explain-false") and is-vip(3)',
    });
    expect(created.status).toBe(201);
    await page.goto(
      `${base}/ui/why-not?strategy_id=${created.body.id}&user_id=${encodeURIComponent(user!)}`,
    );
    expect(await page.getByTestId('explain-summary').innerText()).toBe(
      'Not granted: the user is VIP level 1, below 3 (is-vip).',
    );
    const decisive = page.locator('[data-decisive="true"]');
    expect(await decisive.count()).toBe(1);
    // The node's own text (the observed values beside it are in a <code> of their own).
    expect(await decisive.locator(':scope > code').innerText()).toBe('is-vip(3)');
    expect(await decisive.innerText()).toContain('← decided');
  });

  it('the cron field asks the daemon for fire times, again when the cron or the zone changes', async () => {
    await page.goto(`${base}/ui/strategies/new`);
    const cron = page.getByLabel('Cron expression (periodic)');
    const zone = page.getByLabel('Time zone (IANA; empty: the daemon default)');
    const next = page.getByTestId('cron-next');
    await zone.fill('Asia/Shanghai');
    await cron.fill('0 8 * * *');
    await expect.poll(() => next.locator('li').count()).toBe(5);
    expect(await next.locator('li').first().innerText()).toMatch(
      / 08:00 \+08:00 \(Asia\/Shanghai\)$/,
    );
    // Only the zone changes: the list follows it.
    await zone.fill('America/New_York');
    await expect
      .poll(() => next.locator('li').first().innerText())
      .toMatch(/ 08:00 -0[45]:00 \(America\/New_York\)$/);
    // A zone people read differently: the daemon's code and the zone likely meant.
    await zone.fill('CST');
    const problem = page.getByTestId('cron-problem');
    await expect.poll(() => problem.getAttribute('data-code')).toBe('ambiguous_time_zone');
    expect(await problem.innerText()).toContain('use Asia/Shanghai');
    // A bad field is marked where it is.
    await zone.fill('UTC');
    await cron.fill('0 8 * 13 *');
    await expect.poll(() => problem.getAttribute('data-code')).toBe('invalid_cron');
    expect(await page.getByTestId('cron-error-at').locator('mark').innerText()).toBe('13');
    await screenshot(page, 'cron-field-problem');
  });
});
