// The console for a viewer token (config `admin_tokens` with role viewer, issue 13): every page
// reads, no write control is shown, and a write posted anyway — with a valid CSRF token, from
// the console's own origin — is refused by the API (403 forbidden) and changes nothing.
// Needs the named tokens of the trust-audit work: on a server without them the daemon refuses
// the config and this file fails in beforeAll.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../scripts/demo-data.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  NO_SCHEDULED_SCANS,
  screenshot,
  seedAndScan,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const VIEWER_TOKEN = 'e2e-viewer-token-0123456789abcdef';

describe('the web console for a viewer', () => {
  let stack: ConsoleStack | undefined;
  let page: Page;
  let base: string;
  let strategy: { id: number; name: string; enabled: boolean };

  beforeAll(async () => {
    stack = await startConsoleStack('console-viewer', NO_SCHEDULED_SCANS, {
      viewerToken: VIEWER_TOKEN,
    });
    base = stack.base;
    await seedAndScan(base, E2E_ADMIN_TOKEN);
    const list = await api<{ items: { id: number; name: string; enabled: boolean }[] }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    strategy = list.body.items.find((s) => s.enabled)!;
    page = await (await stack.browser.newContext()).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, base, VIEWER_TOKEN);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in as a viewer and reads every page, with no write control on any', async () => {
    expect(await page.locator('.role').innerText()).toBe('viewer');
    for (const path of [
      '/ui',
      '/ui/strategies',
      `/ui/strategies/${strategy.id}`,
      '/ui/unknown-grants',
      '/ui/users',
      `/ui/users/${DEMO_USERS[0]!.id}`,
      '/ui/audit',
      '/ui/why-not',
    ]) {
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      // Sign-out is the only form that posts.
      expect(await page.locator('main form[method="post"]').count(), path).toBe(0);
      expect(await page.getByRole('link', { name: /New strategy|Edit/ }).count(), path).toBe(0);
    }
    await page.goto(`${base}/ui/strategies/${strategy.id}`);
    expect(await page.getByTestId('actions').count()).toBe(0);
    expect(Number(await page.getByTestId('would-grant').innerText())).toBeGreaterThanOrEqual(0);
    await screenshot(page, 'viewer-strategy-details');
  });

  it('a write posted anyway (valid CSRF token, same origin) is refused by the API and changes nothing', async () => {
    await page.goto(`${base}/ui/strategies/${strategy.id}`);
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const disable = await page.request.post(`${base}/ui/strategies/${strategy.id}/disable`, {
      form: { confirmed: 'yes', _csrf: csrf },
      headers: { origin: base },
    });
    expect(await disable.text()).toContain('disable refused');
    const create = await page.request.post(`${base}/ui/strategies`, {
      form: {
        _csrf: csrf,
        name: 'viewer-made',
        title: 't',
        type: 'single',
        amount: '1',
        condition: 'is-vip(1)',
      },
      headers: { origin: base },
    });
    expect(create.status()).toBe(403);
    const after = await api<{ enabled: boolean }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      `/api/v1/strategies/${strategy.id}`,
    );
    expect(after.body.enabled).toBe(true);
    const list = await api<{ items: { name: string }[] }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    expect(list.body.items.map((s) => s.name)).not.toContain('viewer-made');
    const user = DEMO_USERS[0]!.id;
    const remove = await page.request.post(`${base}/ui/users/${user}/delete`, {
      form: { confirmed: 'yes', _csrf: csrf },
      headers: { origin: base },
    });
    expect(await remove.text()).toContain('Delete refused');
    expect((await api(base, E2E_ADMIN_TOKEN, 'GET', `/api/v1/users/${user}`)).status).toBe(200);
  });
});
