// What the console's browser tests share: Debian's Chromium driven by playwright-core (never
// skipped: without the browser the tests fail and say how to install it), a real daemon and mock
// gateway as processes, the demo data written through the public API, and screenshots written
// to test-artifacts/console (gitignored) for a person to look at.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_STRATEGIES, seedDemo } from '../../../scripts/demo-data.ts';
import {
  MOCK_KEY,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../../support/processes.ts';

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

export const ARTIFACTS = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../test-artifacts/console',
);

/** Scans only when asked: a cron tick in the middle of a test would grant behind its back. */
export const NO_SCHEDULED_SCANS = { SCAN_CRON: '0 0 1 1 *' };

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(
      `${CHROMIUM} is missing: install Debian's browser with \`apt-get install -y chromium\` (.ci/run does this); this test never skips`,
    );
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

// The caller names the answer's shape, as it would cast fetch().json().
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export async function api<T>(
  base: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** The demo's users and strategies, every demo strategy enabled, and one scan. */
export async function seedAndScan(base: string, token: string): Promise<void> {
  await seedDemo(base, token);
  const list = await api<{ items: { id: number; name: string }[] }>(
    base,
    token,
    'GET',
    '/api/v1/strategies?limit=100',
  );
  const demo = new Set<string>(DEMO_STRATEGIES.map((s) => s.name));
  for (const s of list.body.items)
    if (demo.has(s.name)) await api(base, token, 'POST', `/api/v1/strategies/${s.id}/enable`);
  const scan = await api(base, token, 'POST', '/api/v1/strategies/scan');
  if (scan.status !== 200) throw new Error(`the demo scan failed: ${scan.status}`);
}

export async function mockFaults(mockUrl: string, faults: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${mockUrl}/__mock/faults`, {
    method: 'POST',
    headers: { 'x-admin-key': MOCK_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  if (!response.ok) throw new Error(`mock faults: ${response.status}`);
}

/** Signs in, in whichever language the page is in (the form is found by its field, not words). */
export async function signIn(page: Page, base: string, token: string): Promise<void> {
  await page.goto(`${base}/ui`);
  await page.locator('#token').fill(token);
  await page.locator('form.card button[type="submit"]').click();
  await page.waitForURL(`${base}/ui`);
}

/** Chromium, a mock gateway process and a daemon on a throwaway SQLite file, stopped together. */
export interface ConsoleStack {
  browser: Browser;
  mock: RunningProcess;
  daemon: RunningProcess;
  /** The daemon's origin, e.g. http://127.0.0.1:40123. */
  base: string;
  /** The stack's temporary folder (its database files, config and whatever `prepare` wrote). */
  dir: string;
  /**
   * Another daemon with the stack's environment plus `env`, on the file `databaseFile` of the
   * stack's folder (by default the first daemon's database: a restart or a second replica).
   * Stopped with the stack.
   */
  startDaemon(env?: Record<string, string>, databaseFile?: string): Promise<RunningProcess>;
  stop(): Promise<void>;
}

export interface ConsoleStackOptions {
  /** A token with the viewer role (config `admin_tokens`), beside the admin's E2E_ADMIN_TOKEN. */
  viewerToken?: string;
  /**
   * Runs before the daemon starts: writes what the daemon reads into the stack's folder and
   * answers the environment that points the daemon at it.
   */
  prepare?: (dir: string) => Record<string, string>;
}

const DATABASE_FILE = 'daemon.db';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** A config file granting `viewerToken` the viewer role; the daemon reads it through QM_CONFIG. */
function writeViewerConfig(dir: string, viewerToken: string): Record<string, string> {
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    `admin_tokens:\n  - name: auditor\n    role: viewer\n    token_sha256: ${sha256(viewerToken)}\n`,
  );
  return { QM_CONFIG: config };
}

/**
 * Starts what most console browser tests need. `name` names the temporary folder; `env` is the
 * daemon's (scheduled scans off by default). Whatever started is stopped if a later part fails.
 */
export async function startConsoleStack(
  name: string,
  env: Record<string, string> = NO_SCHEDULED_SCANS,
  options: ConsoleStackOptions = {},
): Promise<ConsoleStack> {
  const dir = mkdtempSync(join(tmpdir(), `qm-${name}-`));
  let browser: Browser | undefined;
  let mock: RunningProcess | undefined;
  const daemons: RunningProcess[] = [];
  const stop = async () => {
    await browser?.close();
    await Promise.all(daemons.map((d) => d.stop()));
    await mock?.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const stackEnv = {
      ...env,
      ...(options.viewerToken === undefined ? {} : writeViewerConfig(dir, options.viewerToken)),
      ...options.prepare?.(dir),
    };
    browser = await launchChromium();
    const gateway = await startMockGatewayProcess();
    mock = gateway;
    const startAnother = async (
      extra: Record<string, string> = {},
      databaseFile = DATABASE_FILE,
    ) => {
      const daemon = await startDaemon(`file:${join(dir, databaseFile)}`, gateway.url, {
        ...stackEnv,
        ...extra,
      });
      daemons.push(daemon);
      return daemon;
    };
    const daemon = await startAnother();
    return { browser, mock, daemon, base: daemon.url, dir, startDaemon: startAnother, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
