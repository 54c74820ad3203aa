// A signed star webhook wakes the daemon's scanner: with no scheduled scan in sight (SCAN_CRON
// once a year), a `github-star` single strategy's grant reaches the mock gateway within
// seconds of the delivery. A repeated delivery wakes nothing and grants nothing twice.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MOCK_KEY,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';
import { api, NO_SCHEDULED_SCANS } from './console/console-harness.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';

const SECRET = 'e2e-webhook-secret-0123456789';
const REPO = 'acme/widget';

describe('a star webhook wakes the scanner', () => {
  let dir: string;
  let mock: RunningProcess | undefined;
  let daemon: RunningProcess | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-star-wake-'));
    mock = await startMockGatewayProcess();
    daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url, {
      ...NO_SCHEDULED_SCANS,
      GITHUB_WEBHOOK_SECRET: SECRET,
      GITHUB_SYNC_CRON: 'off',
    });
  });
  afterAll(async () => {
    await daemon?.stop();
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const state = async () =>
    (await (
      await fetch(`${mock!.url}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } })
    ).json()) as { quotas: Record<string, number>; deltas: number };

  async function star(login: string, delivery: string) {
    const body = JSON.stringify({
      action: 'created',
      starred_at: new Date().toISOString(),
      repository: { full_name: REPO },
      sender: { login },
    });
    const response = await fetch(`${daemon!.url}/api/v1/hooks/github`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-github-event': 'star',
        'x-github-delivery': delivery,
        'x-hub-signature-256': await sign(SECRET, body),
      },
      body,
    });
    expect(response.status).toBe(200);
  }

  it('grants within seconds of the delivery, once', async () => {
    const base = daemon!.url;
    const strategy = await api(base, E2E_ADMIN_TOKEN, 'POST', '/api/v1/strategies', {
      name: 'star-thanks',
      title: 'Thanks for the star',
      type: 'single',
      enabled: true,
      amount: 9,
      condition: `github-star("${REPO}")`,
    });
    expect(strategy.status).toBe(201);
    const user = await api(base, E2E_ADMIN_TOKEN, 'PUT', '/api/v1/users/fan-1', {
      github_username: 'Fan-One',
    });
    expect(user.status).toBe(200);
    const delivery = crypto.randomUUID();
    const sent = Date.now();
    await star('fan-one', delivery);
    while ((await state()).quotas['fan-1'] === undefined) {
      expect(Date.now() - sent, 'no grant 10 s after the webhook').toBeLessThan(10_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect((await state()).quotas['fan-1']).toBe(9);
    const deltas = (await state()).deltas;
    await star('fan-one', delivery);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await state()).toMatchObject({ deltas, quotas: { 'fan-1': 9 } });
  });
});
