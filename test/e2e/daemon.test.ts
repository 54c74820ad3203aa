// The daemon as a real process: start-up (migrations, generated token), the README's
// end-to-end script against it, clean shutdown on SIGTERM, and refusal of invalid config.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  E2E_ADMIN_TOKEN,
  MOCK_KEY,
  runScript,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';

describe('the daemon process on SQLite', () => {
  let dir: string;
  let mock: RunningProcess;
  let daemon: RunningProcess;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-e2e-'));
    mock = await startMockGatewayProcess();
    // A brand-new database file: the daemon must migrate it itself.
    daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url);
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await mock?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('passes scripts/test-api (create → scan → check quota → disable → scan → delete)', async () => {
    const result = await runScript('scripts/test-api.ts', [], {
      QM_URL: daemon.url,
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
      MOCK_URL: mock.url,
      MOCK_KEY,
    });
    expect(result.output).toContain('checks passed');
    expect(result.code).toBe(0);
  });

  it('logs JSON lines and never the admin token or gateway key', () => {
    const lines = daemon
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    const listening = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'listening');
    expect(listening).toBeDefined();
    // The heap limit governs how much garbage the daemon keeps (docs/operations.md, "Memory").
    expect(listening.heap_limit_mb).toBeGreaterThan(0);
    expect(daemon.output()).not.toContain(E2E_ADMIN_TOKEN);
    expect(daemon.output()).not.toContain(MOCK_KEY);
  });

  it('serves /metrics without a token when METRICS_TOKEN is unset', async () => {
    const response = await fetch(`${daemon.url}/metrics`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('quota_manager_scans_total');
  });

  it('stops cleanly on SIGTERM with exit code 0', async () => {
    const code = await daemon.stop('SIGTERM');
    expect(code).toBe(0);
    expect(daemon.output()).toContain('stopped');
  });
});

describe('start-up checks', () => {
  it('prints a generated admin token once when ADMIN_TOKEN is unset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-e2e-'));
    const mock = await startMockGatewayProcess();
    const daemon = await startDaemon(`file:${join(dir, 'd.db')}`, mock.url, { ADMIN_TOKEN: '' });
    try {
      const match = /ADMIN_TOKEN was not set[^\n]*\n\s*\n\s*(\S+)/.exec(daemon.output());
      expect(match).not.toBeNull();
      const token = match![1]!;
      expect(token.length).toBeGreaterThanOrEqual(32);
      const authorized = await fetch(`${daemon.url}/api/v1/strategies`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(authorized.status).toBe(200);
      expect(daemon.output().split(token).length - 1).toBe(1);
    } finally {
      await daemon.stop();
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('requires METRICS_TOKEN on /metrics when it is set, and redacts it from the log', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qm-e2e-'));
    const mock = await startMockGatewayProcess();
    const token = 'e2e-metrics-token-0123456789abcdef';
    const daemon = await startDaemon(`file:${join(dir, 'm.db')}`, mock.url, {
      METRICS_TOKEN: token,
    });
    try {
      const scrape = (authorization?: string) =>
        fetch(`${daemon.url}/metrics`, { headers: authorization ? { authorization } : {} });
      const denied = await scrape();
      expect(denied.status).toBe(401);
      expect(denied.headers.get('www-authenticate')).toBe('Bearer');
      expect(await denied.json()).toMatchObject({ code: 'unauthorized', status: 401 });
      expect((await scrape(`Bearer ${E2E_ADMIN_TOKEN}`)).status).toBe(401);
      const allowed = await scrape(`Bearer ${token}`);
      expect(allowed.status).toBe(200);
      expect(await allowed.text()).toContain('quota_manager_scans_total');
      // A path the access log writes down: the token must come out redacted.
      expect((await fetch(`${daemon.url}/${token}`)).status).toBe(404);
      await expect.poll(() => daemon.output()).toContain('[REDACTED]');
      expect(daemon.output()).not.toContain(token);
    } finally {
      await daemon.stop();
      await mock.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['PORT', 'not-a-port'],
    ['QM_TIMEZONE', 'Mars/Olympus'],
    // A name Intl knows but people read differently: the daemon refuses to start on it.
    ['QM_TIMEZONE', 'PST8PDT'],
    ['SCAN_CRON', 'every minute'],
    ['DATABASE_URL', 'mongodb://x'],
  ])('exits 1 naming %s when it is invalid', async (setting, value) => {
    const result = await runScript('src/main.ts', [], {
      [setting]: value,
      QM_CONFIG: 'config.yaml',
      ADMIN_TOKEN: E2E_ADMIN_TOKEN,
    });
    expect(result.code).toBe(1);
    expect(result.output).toContain(setting);
    expect(result.output).not.toMatch(/at .*\.ts:\d+/); // one clear line, no stack trace
  });
});
