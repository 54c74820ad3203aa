// The console's operator chores in headless Chromium against a real daemon and mock gateway:
// approve an occurrence a budget cap holds (and see it granted), delete a user (confirmed, CSRF
// protected), reconcile unknown grants with the balance the gateway shows for each user, and
// edit a title without making a new strategy version, and have an edit on top of someone
// else's refused rather than lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_ADMIN_TOKEN,
  MOCK_KEY,
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
  signIn,
} from './console/console-harness.ts';

const TOKEN = E2E_ADMIN_TOKEN;

interface Row {
  id: number;
  user_id: string;
  status: string;
  amount: number;
}

describe('operator chores in the web console (headless Chromium)', () => {
  let dir: string;
  let mock: RunningProcess | undefined;
  let daemon: RunningProcess | undefined;
  let browser: Browser | undefined;
  let context: BrowserContext;
  let page: Page;
  let base: string;
  // The caller names the answer's shape, as with api().
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
  const call = <T>(method: string, path: string, body?: unknown) =>
    api<T>(base, TOKEN, method, path, body);

  beforeAll(async () => {
    browser = await launchChromium();
    dir = mkdtempSync(join(tmpdir(), 'qm-console-operator-'));
    mock = await startMockGatewayProcess();
    daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url, {
      ...NO_SCHEDULED_SCANS,
      // A dropped answer is then an unknown outcome, which an operator reconciles.
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
      AIGATEWAY_RECONCILE: 'off',
    });
    base = daemon.url;
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, base, TOKEN);
  });

  afterAll(async () => {
    await browser?.close();
    await daemon?.stop();
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('approves an occurrence held by a budget cap: held → Approve in the UI → granted', async () => {
    const members = ['held-a', 'held-b', 'held-c'];
    for (const id of members)
      expect((await call('PUT', `/api/v1/users/${id}`, { org: 'held-org' })).status).toBe(200);
    const created = await call<{ id: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-held',
      title: 'Held by its cap',
      type: 'single',
      amount: 7,
      condition: 'belong-to("held-org")',
      enabled: true,
      max_users_per_occurrence: 2,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;

    // Run now: the cap holds the occurrence, and the page says so; nothing is granted.
    await page.goto(`${base}/ui/strategies/${id}`);
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/\/ui\/strategies\/\d+\?done=/);
    expect(await page.getByRole('status').first().innerText()).toBe(
      'Ran: matched 0, granted 0, failed 0. Held by the budget: it would grant 3 users 21 in all (cap: 2 users); nothing was granted.',
    );
    const before = await call<{ items: Row[] }>('GET', `/api/v1/strategies/${id}/executions`);
    expect(before.body.items).toEqual([]);

    // One panel for the strategy: the occurrence, its users and amount, the caps.
    const held = page.getByTestId('held');
    expect((await held.locator('tbody td').allInnerTexts()).slice(0, 4)).toEqual([
      'once',
      '3',
      '21',
      '2, none',
    ]);
    await screenshot(page, 'held-occurrence');
    await held.getByRole('button', { name: 'Approve', exact: true }).click();
    await page.waitForURL(/\/ui\/strategies\/\d+\?done=/);
    expect(await page.getByRole('status').first().innerText()).toContain(
      'Approved and ran: matched 3, granted 3, failed 0.',
    );
    // Granted: the ledger, the gateway and the page agree; nothing is held any more.
    const ledger = await call<{ items: Row[] }>('GET', `/api/v1/strategies/${id}/executions`);
    expect(ledger.body.items.map((r) => [r.user_id, r.status]).sort()).toEqual(
      members.map((m) => [m, 'applied']),
    );
    const state = (await (await fetch(`${mock!.url}/__mock/state`, mockHeaders())).json()) as {
      quotas: Record<string, number>;
    };
    for (const m of members) expect(state.quotas[m]).toBe(7);
    expect(await page.getByTestId('held').count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Approve/ }).count()).toBe(0);
    // The approval is audited under the token that signed in.
    const audit = await call<{ items: { action: string; target_id: string }[] }>(
      'GET',
      `/api/v1/audit?target_type=strategy&target_id=${id}`,
    );
    expect(audit.body.items.map((e) => e.action)).toContain('occurrence.approve');
    await screenshot(page, 'held-occurrence-approved');
  });

  it('editing only the title in the form keeps the version (no full rescan); editing the amount makes one', async () => {
    // Every optional field set, so the form's round trip of each (dates, numbers, a condition
    // on two lines, the zone) must give back the stored value for the version to stay.
    const created = await call<{ id: number; version: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-retitled',
      title: 'Before',
      type: 'periodic',
      periodic_expr: '0 8 * * 1-5',
      timezone: 'Asia/Shanghai',
      amount: 2.5,
      model: 'gpt-4o',
      condition: 'belong-to("retitle-org")\nand is-vip(1)',
      max_exec_per_user: 3,
      missed_runs: 'catch_up',
      max_catch_up: 4,
      start_at: '2026-01-01T00:00:00+08:00',
      end_at: '2099-01-01T00:00:00Z',
      max_users_per_occurrence: 50,
      max_amount_per_occurrence: 125.5,
      enabled: true,
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    const save = async (field: string, value: string) => {
      await page.goto(`${base}/ui/strategies/${id}/edit`);
      await page.locator(`#${field}`).fill(value);
      await page.getByRole('button', { name: 'Save' }).click();
      await page.waitForURL(/\?done=saved&done.seal=[\w-]+$/);
      return (
        await call<{ version: number; title: string; amount: number; enabled: boolean }>(
          'GET',
          `/api/v1/strategies/${id}`,
        )
      ).body;
    };
    expect(await save('title', 'After')).toMatchObject({
      title: 'After',
      enabled: true,
      version: created.body.version,
    });
    expect(await save('amount', '3')).toMatchObject({
      amount: 3,
      enabled: true,
      version: created.body.version + 1,
    });
  });

  it('an edit saved on top of a change made since the form was opened is refused (412), not lost', async () => {
    const created = await call<{ id: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-raced-edit',
      title: 'Opened',
      type: 'single',
      amount: 1,
      condition: 'belong-to("raced-org")',
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await page.goto(`${base}/ui/strategies/${id}/edit`);
    // Someone else saves a new title while the form is open.
    const other = await call('PATCH', `/api/v1/strategies/${id}`, { title: 'Theirs' });
    expect(other.status).toBe(200);
    await page.locator('#title').fill('Mine');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toContain('changed by someone else since you opened it');
    expect((await call<{ title: string }>('GET', `/api/v1/strategies/${id}`)).body.title).toBe(
      'Theirs',
    );
    await screenshot(page, 'raced-edit-refused');
  });

  it('deletes a user from the UI after confirmation; the ledger keeps their grants; CSRF-less posts are refused', async () => {
    for (const id of ['doomed-1', 'doomed-2'])
      expect((await call('PUT', `/api/v1/users/${id}`, { org: 'doomed-org' })).status).toBe(200);
    const created = await call<{ id: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-doomed',
      title: 'Grants the users about to be deleted',
      type: 'single',
      amount: 3,
      condition: 'belong-to("doomed-org")',
      enabled: true,
    });
    const run = await call<{ granted: number }>(
      'POST',
      `/api/v1/strategies/${created.body.id}/run`,
    );
    expect(run.body.granted).toBe(2);

    // A post without the form's CSRF token is refused and deletes nothing.
    const target = `${base}/ui/users/doomed-1/delete`;
    const forged = await page.request.post(target, {
      form: { confirmed: 'yes' },
      maxRedirects: 0,
    });
    expect(forged.status()).toBe(403);
    expect((await call('GET', '/api/v1/users/doomed-1')).status).toBe(200);

    // With JavaScript: the button asks in a dialog (accepted), then the user is gone.
    await page.goto(`${base}/ui/users/doomed-1`);
    await screenshot(page, 'user-before-delete');
    await page.getByRole('button', { name: 'Delete user' }).click();
    await page.waitForURL(/\/ui\/users\?done=/);
    expect(await page.getByRole('status').first().innerText()).toBe('Deleted user doomed-1.');
    expect((await call('GET', '/api/v1/users/doomed-1')).status).toBe(404);

    // Without JavaScript: the server asks on a confirmation page first.
    const plain = await browser!.newContext({ javaScriptEnabled: false });
    try {
      const noJs = await plain.newPage();
      await signIn(noJs, base, TOKEN);
      await noJs.goto(`${base}/ui/users/doomed-2`);
      await noJs.getByRole('button', { name: 'Delete user' }).click();
      await noJs.waitForURL(`${base}/ui/users/doomed-2/delete`);
      expect(await noJs.locator('main').innerText()).toContain(
        'Delete user doomed-2? Scans stop granting them; their grants stay in the ledger.',
      );
      expect((await call('GET', '/api/v1/users/doomed-2')).status).toBe(200);
      await noJs.getByRole('button', { name: 'Confirm' }).click();
      await noJs.waitForURL(/\/ui\/users\?done=/);
      expect((await call('GET', '/api/v1/users/doomed-2')).status).toBe(404);
    } finally {
      await plain.close();
    }

    // Their grants stay in the ledger, and each deletion is in the audit trail.
    for (const id of ['doomed-1', 'doomed-2']) {
      const grants = await call<{ items: Row[] }>('GET', `/api/v1/grants?user_id=${id}`);
      expect(grants.body.items.map((r) => [r.status, r.amount])).toEqual([['applied', 3]]);
      const audit = await call<{ items: { action: string; actor: string }[] }>(
        'GET',
        `/api/v1/audit?target_type=user&target_id=${id}`,
      );
      expect(audit.body.items[0]).toMatchObject({ action: 'user.delete', actor: 'admin' });
    }
  });

  it('unknown grants: each row shows what the grant sent and the balance the gateway shows now', async () => {
    expect((await call('PUT', '/api/v1/users/unsure-1', { org: 'unsure-org' })).status).toBe(200);
    const created = await call<{ id: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-unsure',
      title: 'Its answer is lost',
      type: 'single',
      amount: 11,
      condition: 'belong-to("unsure-org")',
      enabled: true,
    });
    await mockFaults(mock!.url, { drop_after_apply_rate: 1, honour_idempotency: false });
    await call('POST', `/api/v1/strategies/${created.body.id}/run`);
    await mockFaults(mock!.url, { drop_after_apply_rate: 0 });
    const unknown = await call<{ items: Row[] }>('GET', '/api/v1/grants?status=unknown');
    const grant = unknown.body.items.find((r) => r.user_id === 'unsure-1')!;
    expect(grant).toBeDefined();

    await page.goto(`${base}/ui/unknown-grants`);
    const table = page.getByTestId('unknown-grants');
    const headers = await table.locator('thead th').allInnerTexts();
    const row = table.locator('tbody tr', { has: page.getByRole('link', { name: 'unsure-1' }) });
    const cells = await row.locator('td').allInnerTexts();
    const cell = (name: string) => cells[headers.indexOf(name)];
    expect(cell('Sent')).toBe('11');
    expect(cell('Balance before')).toBe('—');
    expect(cell('Mode')).toBe('add');
    // The gateway applied the grant before its answer was lost: the balance now shows it.
    expect(cell('Gateway balance now')).toBe('11');
    await screenshot(page, 'unknown-grants-with-balances');

    // The user's page shows the same gateway view.
    await row.getByRole('link', { name: 'unsure-1' }).click();
    await page.waitForURL(`${base}/ui/users/unsure-1`);
    expect(await page.locator('dl.fields').innerText()).toMatch(
      /balance at the gateway now\s+11 \(read /,
    );
  });

  it('shows no held notice nor approve button on a strategy nothing holds', async () => {
    const created = await call<{ id: number }>('POST', '/api/v1/strategies', {
      name: 'e2e-not-held',
      title: 'Nothing holds it',
      type: 'single',
      amount: 1,
      condition: 'belong-to("nobody-org")',
    });
    await page.goto(`${base}/ui/strategies/${created.body.id}`);
    await page.getByTestId('actions').waitFor();
    expect(await page.getByTestId('held').count()).toBe(0);
    expect(await page.getByRole('button', { name: /Approve/ }).count()).toBe(0);
    await page.goto(`${base}/ui`);
    expect(await page.getByTestId('badge-held').innerText()).toBe('Held occurrences: none');
  });
});

function mockHeaders(): RequestInit {
  return { headers: { 'x-admin-key': MOCK_KEY } };
}
