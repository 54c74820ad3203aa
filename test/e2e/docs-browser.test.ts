// The /docs page in a real headless Chromium against a real daemon process: Swagger UI renders
// every operation of the document (the strategy routes among them), the page logs no errors
// (a blocked external load would log a CSP violation), and no request the page makes leaves
// 127.0.0.1 — the docs work on a machine without internet.
// Needs Debian's chromium (`apt-get install -y chromium`; .ci/run installs it). It never skips:
// without the browser it fails and says so.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

describe('the /docs page in headless Chromium', () => {
  let dir: string;
  let mock: RunningProcess | undefined;
  let daemon: RunningProcess | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const requests: string[] = [];
  const failedRequests: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\` (.ci/run does this); this test never skips`,
      );
    }
    dir = mkdtempSync(join(tmpdir(), 'qm-docs-e2e-'));
    mock = await startMockGatewayProcess();
    daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url);
    // A fresh profile directory: nothing cached from an earlier run can hide a request.
    context = await chromium.launchPersistentContext(join(dir, 'profile'), {
      executablePath: CHROMIUM,
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1280, height: 1000 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    context.on('request', (request) => void requests.push(request.url()));
    context.on(
      'requestfailed',
      (request) => void failedRequests.push(`${request.url()} ${request.failure()?.errorText}`),
    );
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning')
        problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => void problems.push(`pageerror: ${error.message}`));
  });

  afterAll(async () => {
    await context?.close();
    await daemon?.stop();
    await mock?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every operation of the document, strategy routes included, from 127.0.0.1 only', async () => {
    const doc = (await (await fetch(`${daemon!.url}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { summary: string }>>;
      webhooks?: Record<string, Record<string, { summary: string }>>;
    };
    // Swagger UI draws the event types (OpenAPI 3.1 `webhooks`) as operations too.
    const operationCount = [
      ...Object.values(doc.paths),
      ...Object.values(doc.webhooks ?? {}),
    ].reduce((n, item) => n + Object.keys(item).length, 0);

    const loaded = await page.goto(`${daemon!.url}/docs`, { waitUntil: 'networkidle' });
    expect(loaded?.status()).toBe(200);
    await page
      .locator('.opblock-summary-path[data-path="/api/v1/strategies"]')
      .first()
      .waitFor({ timeout: 30_000 });

    expect(await page.title()).toBe('quota-manager API');
    await expect.poll(() => page.locator('.opblock').count()).toBe(operationCount);
    const paths = await page
      .locator('.opblock-summary-path')
      .evaluateAll((nodes) => nodes.map((n) => n.getAttribute('data-path')));
    expect(paths).toEqual(
      expect.arrayContaining([
        '/api/v1/strategies',
        '/api/v1/strategies/{id}',
        '/api/v1/strategies/{id}/run',
        '/api/v1/strategies/{id}/stats',
        '/api/v1/stats',
        '/metrics',
      ]),
    );
    const text = await page.locator('#swagger-ui').innerText();
    expect(text).toContain('Create a strategy');
    expect(text).toContain(doc.paths['/api/v1/strategies/{id}/stats']!.get!.summary);
    expect(text).toContain('Rule-driven quota recharge daemon');

    // The top of the page as a person sees it (DOCS_SCREENSHOT=path keeps the picture).
    const screenshot = process.env.DOCS_SCREENSHOT ?? join(dir, 'docs.png');
    await page.screenshot({ path: screenshot });
    const png = readFileSync(screenshot);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect(png.length).toBeGreaterThan(20_000);

    // Open one operation: its parameters and documented error examples render.
    await page
      .locator('.opblock-summary-path[data-path="/api/v1/strategies/{id}/stats"]')
      .first()
      .click();
    const opened = page.locator('.opblock.is-open');
    await opened.locator('.parameters').waitFor();
    const openedText = await opened.innerText();
    expect(openedText).toContain('next');
    expect(openedText).toContain('404');
    expect(openedText).toContain('not_found');

    // Every request the page made stayed on this machine; the assets came from the daemon.
    const origins = new Set(
      requests.filter((url) => !/^(data|blob):/.test(url)).map((url) => new URL(url).hostname),
    );
    expect([...origins]).toEqual(['127.0.0.1']);
    for (const asset of [
      '/docs',
      '/docs/assets/swagger-ui.css',
      '/docs/assets/swagger-ui-bundle.js',
      '/docs/assets/docs-init.js',
      '/openapi.json',
    ]) {
      expect(requests).toContain(`${daemon!.url}${asset}`);
    }
    expect(failedRequests).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('is wired in the real daemon: /metrics reads the ledger, statistics answer in the configured zone', async () => {
    const metrics = await (await fetch(`${daemon!.url}/metrics`)).text();
    expect(metrics).toMatch(/^quota_manager_ledger_rows\{status="unknown"\} 0$/m);
    expect(metrics).toMatch(
      /^quota_manager_gateway_request_duration_seconds_count\{operation="ping",outcome="success",status="2xx"\} [1-9]/m,
    );
    expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
    const stats = await fetch(`${daemon!.url}/api/v1/stats`, {
      headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}` },
    });
    expect(stats.status).toBe(200);
    expect(await stats.json()).toMatchObject({
      all_time: { since: null, total: { grants: 0, amount: 0 } },
    });
  });
});
