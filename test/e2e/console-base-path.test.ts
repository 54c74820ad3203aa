// The console behind a reverse proxy that serves the daemon under /quota/ and strips the prefix
// (nginx: `location /quota/ { proxy_pass http://127.0.0.1:8099/; proxy_set_header Host $host; }`),
// with PUBLIC_BASE_PATH=/quota.
// The proxy is real (a small HTTP server forwarding to the daemon's port) and Chromium browses
// through it: every link, form, redirect, asset and the session cookie must stay under /quota.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';
import { launchChromium, screenshot } from './console/console-harness.ts';

/** Serves `app` under `prefix` like a proxy that strips it; anything else is a 404 of its own. */
async function prefixProxy(
  harness: Harness,
  prefix: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((incoming, outgoing) => {
    const url = incoming.url ?? '/';
    if (!url.startsWith(`${prefix}/`)) {
      outgoing.writeHead(404, { 'content-type': 'text/plain' }).end('not behind the proxy');
      return;
    }
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers))
        if (typeof value === 'string') headers.set(name, value);
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
      void Promise.resolve(
        // The Host the browser asked for, as `proxy_set_header Host $host` forwards it.
        harness.app.request(
          `http://${incoming.headers.host ?? 'localhost'}${url.slice(prefix.length)}`,
          {
            method: incoming.method,
            headers,
            body,
          },
        ),
      ).then(async (response) => {
        const out: Record<string, string | string[]> = {};
        response.headers.forEach((value, name) => {
          if (name !== 'set-cookie') out[name] = value;
        });
        const cookies = response.headers.getSetCookie();
        if (cookies.length > 0) out['set-cookie'] = cookies;
        outgoing.writeHead(response.status, out);
        outgoing.end(Buffer.from(await response.arrayBuffer()));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

describe('the console under a path prefix (PUBLIC_BASE_PATH=/quota)', () => {
  let h: Harness;
  let proxy: { url: string; server: Server };
  let browser: Browser | undefined;
  let page: Page;
  const outside: string[] = [];

  beforeAll(async () => {
    h = await createHarness('sqlite', { publicBasePath: '/quota' });
    proxy = await prefixProxy(h, '/quota');
    browser = await launchChromium();
    const context = await browser.newContext();
    page = await context.newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    // Every request the browser makes must go through the proxy's prefix.
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (!url.pathname.startsWith('/quota/')) outside.push(request.url());
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => proxy.server.close(resolve));
    await h.destroy();
  });

  it('redirects / to /quota/ui and signs in there, the cookie scoped to /quota/ui', async () => {
    const root = await fetch(`${proxy.url}/quota/`, { redirect: 'manual' });
    expect(root.headers.get('location')).toBe('/quota/ui');
    await page.goto(`${proxy.url}/quota/`);
    expect(new URL(page.url()).pathname).toBe('/quota/ui/sign-in');
    await page.getByLabel('API token (admin or viewer)').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${proxy.url}/quota/ui`);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'qm_session', path: '/quota/ui' });
  });

  it('keeps every link, form, script and stylesheet of every page under /quota', async () => {
    await h.call('PUT', '/api/v1/users/prefix-user', { org: 'prefix-org' });
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'prefix-strategy',
      title: 'Behind the proxy',
      type: 'single',
      amount: 2,
      condition: 'belong-to("prefix-org")',
    });
    const pages = [
      '/quota/ui',
      '/quota/ui/strategies',
      `/quota/ui/strategies/${created.body.id}`,
      `/quota/ui/strategies/${created.body.id}/edit`,
      '/quota/ui/strategies/new',
      '/quota/ui/why-not',
      '/quota/ui/unknown-grants',
      '/quota/ui/users',
      '/quota/ui/users/prefix-user',
      '/quota/ui/audit',
    ];
    for (const path of pages) {
      const response = await page.goto(`${proxy.url}${path}`);
      expect(response?.status(), path).toBe(200);
      const targets = await page
        .locator('[href], [src], [action], [hx-get], [hx-post]')
        .evaluateAll((elements) =>
          elements.flatMap((e) =>
            ['href', 'src', 'action', 'hx-get', 'hx-post']
              .map((name) => e.getAttribute(name))
              .filter((v): v is string => v !== null),
          ),
        );
      const rooted = targets.filter((t) => t.startsWith('/'));
      expect(rooted.length, path).toBeGreaterThan(5);
      expect(
        rooted.filter((t) => !t.startsWith('/quota/')),
        path,
      ).toEqual([]);
    }
    await screenshot(page, 'behind-a-path-prefix');
    expect(outside).toEqual([]);
  });

  it('runs a write through the prefix: enable from the strategy page, back on the same page', async () => {
    const list = await h.call('GET', '/api/v1/strategies');
    const id = (list.body.items as { id: number; name: string }[]).find(
      (s) => s.name === 'prefix-strategy',
    )!.id;
    await page.goto(`${proxy.url}/quota/ui/strategies/${id}`);
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.waitForURL(new RegExp(`/quota/ui/strategies/${id}\\?done=`));
    expect((await h.call('GET', `/api/v1/strategies/${id}`)).body.enabled).toBe(true);
    // Signing out lands on the sign-in page under the prefix, and the session is gone.
    await page.getByRole('button', { name: 'Sign out', exact: true }).click();
    await page.waitForURL(`${proxy.url}/quota/ui/sign-in`);
    expect(await page.context().cookies()).toEqual([]);
    expect(outside).toEqual([]);
  });
});
