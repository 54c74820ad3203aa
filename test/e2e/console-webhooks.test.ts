// The console's webhooks page in Chromium, against a real daemon process and real local
// receivers: an admin creates an endpoint (the whsec_ secret shown once, on the answer page
// only), sends a test event that verifies with that secret, rotates it, sees a failing endpoint
// disabled with its reason, retries a delivery, disables, enables and deletes; a viewer reads
// the same pages with no write control, and a write posted anyway is refused by the API.
import type { Page } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import { startReceiver, until, type Receiver } from '../support/webhook-receiver.ts';
import {
  api,
  NO_SCHEDULED_SCANS,
  screenshot,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const VIEWER_TOKEN = 'e2e-viewer-token-0123456789abcdef';

describe('the console webhooks page', { timeout: 120_000 }, () => {
  let stack: ConsoleStack | undefined;
  let admin: Page;
  let viewer: Page;
  let base: string;
  let hook: Receiver;
  let down: Receiver;
  let failingId: number;

  beforeAll(async () => {
    [hook, down] = await Promise.all([startReceiver(), startReceiver(Infinity)]);
    stack = await startConsoleStack(
      'console-webhooks',
      {
        ...NO_SCHEDULED_SCANS,
        WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
        WEBHOOK_POLL_MS: '100',
        WEBHOOK_RETRY_BASE_MS: '100',
        WEBHOOK_RETRY_MAX_MS: '200',
        WEBHOOK_DISABLE_AFTER_MS: '300',
      },
      { viewerToken: VIEWER_TOKEN },
    );
    base = stack.base;
    const context = await stack.browser.newContext();
    admin = await context.newPage();
    admin.on('dialog', (dialog) => void dialog.accept());
    await signIn(admin, base, E2E_ADMIN_TOKEN);
    viewer = await (await stack.browser.newContext()).newPage();
    await signIn(viewer, base, VIEWER_TOKEN);
  });

  afterAll(async () => {
    await stack?.stop();
    await hook?.close();
    await down?.close();
  });

  it('an admin creates an endpoint, sees its secret once, and a test event verifies with it', async () => {
    await admin.goto(`${base}/ui/webhooks`);
    expect(await admin.getByTestId('no-webhooks').count()).toBe(1);
    await admin.locator('#webhook-url').fill(hook.url);
    await admin.locator('input[name="event_types"][value="webhook.test"]').check();
    await admin.locator('#webhook-description').fill('Ops receiver — 監視');
    await admin.getByRole('button', { name: 'Create' }).click();
    const secret = await admin.getByTestId('webhook-secret').innerText();
    expect(secret).toMatch(/^whsec_/);
    await admin.getByRole('link', { name: 'Back to the endpoints' }).click();
    expect(await admin.content()).not.toContain(secret);
    const row = admin.getByTestId('webhook-1');
    expect(await row.innerText()).toContain('Ops receiver — 監視');
    await row.getByRole('button', { name: 'Send test' }).click();
    await admin.waitForURL(/done=/);
    await until(() => hook.received.length === 1, 'the test event');
    const [first] = hook.received;
    expect(
      new Webhook(secret).verify(first!.body, first!.headers as Record<string, string>),
    ).toMatchObject({ type: 'webhook.test', data: { endpoint_id: 1 } });

    await admin.getByTestId('webhook-1').getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await admin.getByTestId('webhook-secret').innerText();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await screenshot(admin, 'webhooks-rotated');
  });

  it('shows a failing endpoint disabled with its reason, prominently', async () => {
    const created = await api<{ webhook: { id: number } }>(
      base,
      E2E_ADMIN_TOKEN,
      'POST',
      '/api/v1/webhooks',
      { url: down.url, event_types: ['webhook.test'] },
    );
    failingId = created.body.webhook.id;
    await api(base, E2E_ADMIN_TOKEN, 'POST', `/api/v1/webhooks/${failingId}/test`);
    await until(async () => {
      const got = await api<{ enabled: boolean }>(
        base,
        E2E_ADMIN_TOKEN,
        'GET',
        `/api/v1/webhooks/${failingId}`,
      );
      return !got.body.enabled;
    }, 'the failing endpoint to be disabled');
    await admin.goto(`${base}/ui/webhooks`);
    const notice = admin.getByTestId(`webhook-${failingId}`).getByTestId('disabled-notice');
    expect(await notice.innerText()).toMatch(/Disabled: every delivery failed for 300 ms/);
    expect(
      await admin
        .getByTestId(`webhook-${failingId}`)
        .getByRole('button', { name: 'Enable' })
        .count(),
    ).toBe(1);
    await screenshot(admin, 'webhooks-disabled');
  });

  it('lists deliveries with status and attempts; Retry sends the same event again', async () => {
    await admin.goto(`${base}/ui/webhooks/1`);
    const table = admin.getByTestId('deliveries');
    expect(await table.innerText()).toMatch(/webhook\.test[\s\S]*delivered\s+1\s+204/);
    const before = hook.received.length;
    await table.getByRole('button', { name: 'Retry' }).first().click();
    await admin.waitForURL(/done=/);
    expect(await admin.locator('.notice.ok').innerText()).toMatch(/will be sent again/);
    await until(() => hook.received.length === before + 1, 'the retried delivery');
    expect(hook.received.at(-1)!.headers['webhook-id']).toBe(
      hook.received[0]!.headers['webhook-id'],
    );
  });

  it('disables, enables and deletes an endpoint', async () => {
    await admin.goto(`${base}/ui/webhooks`);
    await admin.getByTestId('webhook-1').getByRole('button', { name: 'Disable' }).click();
    await admin.waitForURL(/done=/);
    expect(await admin.getByTestId('webhook-1').getByTestId('disabled-notice').count()).toBe(1);
    await admin.getByTestId('webhook-1').getByRole('button', { name: 'Enable' }).click();
    await admin.waitForURL(/done=/);
    expect(await admin.getByTestId('webhook-1').innerText()).toContain('enabled');
    await admin.getByTestId(`webhook-${failingId}`).getByRole('button', { name: 'Delete' }).click();
    await admin.waitForURL(/done=/);
    expect(await admin.getByTestId(`webhook-${failingId}`).count()).toBe(0);
  });

  it('a viewer reads the list and the deliveries with no write control; a write posted anyway is refused', async () => {
    for (const path of ['/ui/webhooks', '/ui/webhooks/1']) {
      const response = await viewer.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(await viewer.locator('main form[method="post"]').count(), path).toBe(0);
      expect(await viewer.locator('main button').count(), path).toBe(0);
    }
    expect(await viewer.getByTestId('deliveries').innerText()).toContain('delivered');
    const csrf = await viewer.locator('input[name="_csrf"]').first().inputValue();
    const disable = await viewer.request.post(`${base}/ui/webhooks/1/disable`, {
      form: { confirmed: 'yes', _csrf: csrf },
      headers: { origin: base },
    });
    expect(await disable.text()).toMatch(/Refused: .*viewer/);
    const after = await api<{ enabled: boolean }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      '/api/v1/webhooks/1',
    );
    expect(after.body.enabled).toBe(true);
  });
});
