// The console behind a real TLS-terminating nginx that serves the daemon under /quota (over
// https, to the daemon over plain http), in Chromium: with PUBLIC_URL, or with TRUST_PROXY and
// the proxy's X-Forwarded-Proto/-Host, sign-in is accepted as same-origin, the session cookie is
// Secure and scoped to /quota/ui, and a write made through the prefix lands. With neither, the
// daemon cannot know the browser's origin and refuses the sign-in as cross-site (the defect
// these settings fix). Behind a trusted proxy the API's rate limit keys on X-Forwarded-For.
import { request } from 'node:https';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNginx, type RunningNginx } from '../support/nginx.ts';
import { freePort } from '../support/pg-cluster.ts';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';
import { api, launchChromium, NO_SCHEDULED_SCANS, screenshot } from './console/console-harness.ts';

/** A GET through nginx that verifies its certificate, with headers Chromium would not let us set. */
function httpsGet(
  proxy: RunningNginx,
  path: string,
  headers: Record<string, string>,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${proxy.origin}${path}`, { ca: proxy.certificate, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

type Setup = 'PUBLIC_URL' | 'TRUST_PROXY' | 'neither';

describe.each<Setup>(['PUBLIC_URL', 'TRUST_PROXY', 'neither'])(
  'the console behind nginx (TLS, /quota) with %s',
  { timeout: 120_000 },
  (setup) => {
    let dir: string;
    let mock: RunningProcess | undefined;
    let daemon: RunningProcess | undefined;
    let proxy: RunningNginx | undefined;
    let browser: Browser | undefined;
    let page: Page;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'qm-nginx-'));
      const port = await freePort();
      const origin = `https://127.0.0.1:${port}`;
      const env: Record<string, string> = {
        ...NO_SCHEDULED_SCANS,
        API_RATE_LIMIT_PER_MINUTE: '6',
        ...(setup === 'PUBLIC_URL'
          ? { PUBLIC_URL: `${origin}/quota` }
          : { PUBLIC_BASE_PATH: '/quota' }),
        ...(setup === 'TRUST_PROXY' ? { TRUST_PROXY: '127.0.0.1' } : {}),
      };
      writeFileSync(join(dir, 'config.yaml'), '');
      mock = await startMockGatewayProcess();
      daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url, {
        ...env,
        QM_CONFIG: join(dir, 'config.yaml'),
      });
      proxy = await startNginx(join(dir, 'nginx'), daemon.url, '/quota', port);
      browser = await launchChromium();
      page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
      page.on('dialog', (dialog) => void dialog.accept());
    });

    afterAll(async () => {
      await browser?.close();
      await proxy?.stop();
      await daemon?.stop();
      await mock?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const signIn = async () => {
      await page.goto(`${proxy!.origin}/quota/`);
      expect(new URL(page.url()).pathname).toBe('/quota/ui/sign-in');
      await page.getByLabel('API token (admin or viewer)').fill(E2E_ADMIN_TOKEN);
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith('/quota/ui/sign-in') && r.request().method() === 'POST',
        ),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      return response;
    };

    if (setup === 'neither') {
      it('refuses the sign-in as cross-site: the daemon sees http://, the browser is on https://', async () => {
        const response = await signIn();
        expect(response.status()).toBe(403);
        expect(await page.content()).toContain('cross-site sign-in refused');
        expect(await page.context().cookies()).toEqual([]);
      });
      return;
    }

    it('signs in through the proxy with a Secure cookie scoped to /quota/ui', async () => {
      const response = await signIn();
      expect(response.status()).toBe(303);
      await page.waitForURL(`${proxy!.origin}/quota/ui`);
      const cookies = await page.context().cookies();
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatchObject({
        name: 'qm_session',
        path: '/quota/ui',
        secure: true,
        httpOnly: true,
        sameSite: 'Strict',
      });
    });

    it('makes a write through the prefix (enable a strategy) and comes back under it', async () => {
      const created = await api<{ id: number }>(
        daemon!.url,
        E2E_ADMIN_TOKEN,
        'POST',
        '/api/v1/strategies',
        {
          name: `behind-nginx-${setup.toLowerCase()}`,
          title: 'Behind nginx',
          type: 'single',
          amount: 1,
          condition: 'true()',
        },
      );
      expect(created.status).toBe(201);
      await page.goto(`${proxy!.origin}/quota/ui/strategies/${created.body.id}`);
      await page.getByRole('button', { name: 'Enable' }).click();
      await page.waitForURL(new RegExp(`/quota/ui/strategies/${created.body.id}\\?done=`));
      await screenshot(page, `behind-nginx-${setup.toLowerCase()}`);
      const strategy = await api<{ enabled: boolean }>(
        daemon!.url,
        E2E_ADMIN_TOKEN,
        'GET',
        `/api/v1/strategies/${created.body.id}`,
      );
      expect(strategy.body.enabled).toBe(true);
    });

    if (setup === 'TRUST_PROXY')
      it("keys the API's rate limit on the browser's address that the proxy forwards", async () => {
        const me = (address: string) =>
          httpsGet(proxy!, '/quota/api/v1/me', {
            authorization: `Bearer ${E2E_ADMIN_TOKEN}`,
            'x-forwarded-for': address,
          });
        const first: number[] = [];
        for (let i = 0; i < 7; i++) first.push(await me('198.51.100.7'));
        expect(first).toEqual([200, 200, 200, 200, 200, 200, 429]);
        // Another browser behind the same proxy has its own budget.
        expect(await me('198.51.100.8')).toBe(200);
      });
  },
);
