// Console sign-in and sessions across processes, in headless Chromium: the role comes from
// GET /api/v1/me (a viewer and an admin), a session outlives a restart of the daemon and is
// served by a second daemon on the same database (cookies ignore the port, so one browser
// reaches both replicas as it would behind a load balancer), "sign out everywhere" ends them
// on both, and a rate-limited API (429) never turns a token into a session.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN, type RunningProcess } from '../support/processes.ts';
import {
  NO_SCHEDULED_SCANS,
  screenshot,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const VIEWER_TOKEN = 'e2e-viewer-token-0123456789abcdef';

describe('console sessions across restarts and replicas', { timeout: 180_000 }, () => {
  let stack: ConsoleStack | undefined;
  let replicas: RunningProcess[] = [];
  let limited: RunningProcess | undefined;

  const newPage = async (): Promise<Page> => (await stack!.browser.newContext()).newPage();
  const role = (page: Page) => page.locator('.role').innerText();

  beforeAll(async () => {
    stack = await startConsoleStack('console-sessions', NO_SCHEDULED_SCANS, {
      viewerToken: VIEWER_TOKEN,
    });
    // A second replica on the same database.
    replicas = [stack.daemon, await stack.startDaemon()];
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('signs in a viewer and an admin with the role the API names, logging no failed request', async () => {
    const [a] = replicas as [RunningProcess];
    const viewer = await newPage();
    await signIn(viewer, a.url, VIEWER_TOKEN);
    expect(await role(viewer)).toBe('viewer');
    const admin = await newPage();
    await signIn(admin, a.url, E2E_ADMIN_TOKEN);
    expect(await role(admin)).toBe('admin');
    await screenshot(admin, 'signed-in-admin');
    // The role came from GET /api/v1/me: no probing create (which used to log a 400).
    const requests = a
      .output()
      .split('\n')
      .filter((line) => line.includes('"http request"'))
      .map((line) => JSON.parse(line) as { method: string; path: string; status: number });
    expect(requests.filter((r) => r.path === '/api/v1/me').map((r) => r.status)).toEqual([
      200, 200,
    ]);
    expect(requests.filter((r) => r.status >= 400)).toEqual([]);
  });

  it('keeps the session across a restart and on a second replica; signing out everywhere ends it on both', async () => {
    const page = await newPage();
    await signIn(page, replicas[0]!.url, E2E_ADMIN_TOKEN);
    const other = await newPage();
    await signIn(other, replicas[1]!.url, E2E_ADMIN_TOKEN);

    // The second replica serves the first one's session (same cookie, other process).
    await page.goto(`${replicas[1]!.url}/ui/strategies`);
    expect(new URL(page.url()).pathname).toBe('/ui/strategies');
    expect(await role(page)).toBe('admin');

    // A restart of the first replica signs nobody out.
    await replicas[0]!.stop();
    replicas[0] = await stack!.startDaemon();
    await page.goto(`${replicas[0].url}/ui/audit`);
    expect(new URL(page.url()).pathname).toBe('/ui/audit');

    // A write through the restarted replica (its CSRF token is derived from the same session).
    await page.goto(`${replicas[0].url}/ui/strategies`);
    await page.getByRole('button', { name: 'Sign out everywhere' }).click();
    await page.waitForURL(`${replicas[0].url}/ui/sign-in`);
    // The other browser's session (same caller, "admin") ended too, on the other replica.
    await other.goto(`${replicas[1]!.url}/ui/strategies`);
    expect(new URL(other.url()).pathname).toBe('/ui/sign-in');
  });

  it('never signs in while the API answers 429, wrong token or right, and limits sign-in attempts', async () => {
    // Both limits count in fixed windows aligned to the clock's minutes: the attempts below
    // (about 10 s on a loaded machine) must all fall in one window, or a reset mid-way would
    // answer 401 where 429 is expected.
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 250));
    limited = await stack!.startDaemon({ API_RATE_LIMIT_PER_MINUTE: '3' }, 'limited.db');
    const page = await newPage();
    const attempt = async (token: string) => {
      await page.goto(`${limited!.url}/ui/sign-in`);
      await page.getByLabel('API token (admin or viewer)').fill(token);
      const [response] = await Promise.all([
        page.waitForResponse(
          (r) => r.url().endsWith('/ui/sign-in') && r.request().method() === 'POST',
        ),
        page.getByRole('button', { name: 'Sign in' }).click(),
      ]);
      return { status: response.status(), text: await page.locator('[role=alert]').innerText() };
    };
    for (let i = 0; i < 3; i++)
      expect(await attempt('wrong-token-0123456789abcdef')).toEqual({
        status: 401,
        text: 'That token was not accepted.',
      });
    // The API's budget for GET /api/v1/me is spent: no token is checked, none becomes a role.
    for (const token of ['wrong-token-0123456789abcdef', E2E_ADMIN_TOKEN])
      expect(await attempt(token)).toEqual({
        status: 429,
        text: 'Too many requests from your address: the token was not checked. Retry later.',
      });
    expect(await page.context().cookies()).toEqual([]);
    await screenshot(page, 'sign-in-rate-limited');
    // The console's own limit: ten attempts a minute per address, whatever the API says (five
    // were made above; the API still answers 429 to the next five, the console stops the 11th).
    const answers: { status: number; limitedByConsole: boolean; retryAfter: string | null }[] = [];
    for (let i = 0; i < 6; i++) {
      const response = await fetch(`${limited.url}/ui/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `token=${E2E_ADMIN_TOKEN}`,
        redirect: 'manual',
      });
      answers.push({
        status: response.status,
        limitedByConsole: (await response.text()).includes('Too many sign-in attempts'),
        retryAfter: response.headers.get('retry-after'),
      });
    }
    expect(answers.map((a) => [a.status, a.limitedByConsole])).toEqual([
      ...Array.from({ length: 5 }, () => [429, false]),
      [429, true],
    ]);
    expect(Number(answers[5]!.retryAfter)).toBeGreaterThan(0);
    expect(limited.output()).not.toContain(E2E_ADMIN_TOKEN);
  });
});
