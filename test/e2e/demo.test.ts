// A new user's path, as processes: `npm run demo` (scripts/demo.ts, which starts the mock gateway
// and the daemon itself), then the lines its banner prints: `npm run test-api` against the demo,
// and the command line on the demo's database. test-api shares the daemon with the demo's
// strategies, so it must not be granted by them, and it must leave no strategy behind, also when
// it fails.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STRATEGIES, DEMO_USERS } from '../../scripts/demo-data.ts';
import { freePort } from '../support/pg-cluster.ts';
import { runScript, startMockGatewayProcess, MOCK_KEY } from '../support/processes.ts';

const ADMIN_TOKEN = 'demo-test-admin-token-0123456789';

/** `KEY=value` words of a printed shell line (the banner prints no quoted values). */
function assignments(line: string): Record<string, string> {
  return Object.fromEntries(
    line
      .trim()
      .split(/\s+/)
      .filter((word) => /^[A-Z_]+=/.test(word))
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}

describe('npm run demo, then the lines its banner prints', () => {
  let dir: string;
  let demo: ChildProcess;
  let output = '';
  let banner: string;
  let api: string;

  let port: number;
  let mockPort: number;
  /** Starts `npm run demo` on the test's directory and ports; resolves once the banner is out. */
  const startDemo = async (): Promise<void> => {
    output = '';
    demo = spawn(process.execPath, ['--import', 'tsx', 'scripts/demo.ts'], {
      env: {
        ...process.env,
        PORT: String(port),
        MOCK_GATEWAY_PORT: String(mockPort),
        ADMIN_TOKEN,
        DATABASE_URL: `file:${join(dir, 'demo.db')}`,
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    demo.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const deadline = Date.now() + 90_000;
    while (!output.includes('Stop with Ctrl-C')) {
      if (demo.exitCode !== null) throw new Error(`the demo exited early:\n${output}`);
      if (Date.now() > deadline) throw new Error(`the demo printed no banner:\n${output}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    banner = output.slice(output.indexOf('quota-manager demo is running'));
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-demo-'));
    [port, mockPort] = [await freePort(), await freePort()];
    await startDemo();
    api = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    if (demo && demo.exitCode === null) {
      const exited = new Promise((r) => demo.on('exit', r));
      demo.kill('SIGTERM');
      await exited;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const strategyNames = async (): Promise<string[]> => {
    const response = await fetch(`${api}/api/v1/strategies?limit=100`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await response.json()) as { items: { name: string }[] };
    return body.items.map((s) => s.name);
  };
  const userIds = async (): Promise<string[]> => {
    const response = await fetch(`${api}/api/v1/users?limit=100`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const body = (await response.json()) as { items: { id: string }[] };
    return body.items.map((u) => u.id);
  };
  const lineAfter = (marker: string) =>
    banner.split('\n').find((line) => line.includes(marker)) ?? '';

  it('prints the API reference page and the OpenAPI document', async () => {
    expect(banner).toContain(`${api}/docs`);
    expect(banner).toContain(`${api}/openapi.json`);
    expect((await fetch(`${api}/docs`)).status).toBe(200);
  });

  it('prints the console URL and the token to sign in with, and the console takes that token', async () => {
    expect(lineAfter('console')).toContain(`${api}/ui`);
    expect(banner).toContain(`admin token  ${ADMIN_TOKEN}`);
    const signIn = await fetch(`${api}/ui/sign-in`, {
      method: 'POST',
      headers: { origin: api },
      body: new URLSearchParams({ token: ADMIN_TOKEN }),
      redirect: 'manual',
    });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/^qm_session=.+HttpOnly; SameSite=Strict/);
  });

  it('passes npm run test-api as the banner prints it, and leaves only the demo strategies and users', async () => {
    const line = lineAfter('npm run test-api');
    const env = assignments(line);
    expect(Object.keys(env).sort()).toEqual(['ADMIN_TOKEN', 'MOCK_KEY', 'MOCK_URL', 'QM_URL']);
    const result = await runScript('scripts/test-api.ts', [], env);
    expect(result.output).toContain('checks passed');
    expect(result.code).toBe(0);
    expect((await strategyNames()).sort()).toEqual(DEMO_STRATEGIES.map((s) => s.name).sort());
    expect(await userIds()).toEqual(DEMO_USERS.map((u) => u.id));
  });

  it('deletes its strategy when a check fails (here: MOCK_URL is a gateway the daemon does not use)', async () => {
    const elsewhere = await startMockGatewayProcess();
    try {
      const env = assignments(lineAfter('npm run test-api'));
      const result = await runScript('scripts/test-api.ts', [], {
        ...env,
        MOCK_URL: elsewhere.url,
        MOCK_KEY,
      });
      expect(result.code).toBe(1);
      expect(result.output).toContain('✗');
      expect(result.output).toMatch(/deleted its strategy \d+/);
      expect((await strategyNames()).sort()).toEqual(DEMO_STRATEGIES.map((s) => s.name).sort());
      expect(await userIds()).toEqual(DEMO_USERS.map((u) => u.id));
    } finally {
      await elsewhere.stop();
    }
  });

  it('prints how to show a gateway outage, and the mock then fails the daemon until it ends', async () => {
    const line = lineAfter('"down_for_s":60');
    expect(line).toContain(`http://127.0.0.1:${mockPort}/__mock/faults`);
    const switchTo = (seconds: number) =>
      fetch(`http://127.0.0.1:${mockPort}/__mock/faults`, {
        method: 'POST',
        headers: { 'x-admin-key': 'mock-admin-key', 'content-type': 'application/json' },
        body: JSON.stringify({ down_for_s: seconds }),
      });
    const balance = async () =>
      (await (
        await fetch(`${api}/api/v1/users/demo-user-03/balance`, {
          headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as { balance: unknown; error?: unknown };
    expect((await switchTo(60)).status).toBe(200);
    try {
      expect(await balance()).toMatchObject({ balance: null, error: expect.anything() });
    } finally {
      // Ended early; the daemon's circuit breaker may keep it away for its cool-down still.
      const ended = await switchTo(0);
      expect(await ended.json()).toMatchObject({ down_until: null });
    }
  });

  it("runs the printed command line on the demo's database and gateway", async () => {
    const exported = assignments(lineAfter('export DATABASE_URL='));
    expect(exported.DATABASE_URL).toBe(`file:${join(dir, 'demo.db')}`);
    const command = lineAfter('npx quota-manager').trim();
    expect(command).toBe('npx quota-manager scan --dry-run');
    const result = await runScript('src/cli/main.ts', ['scan', '--dry-run'], exported);
    expect(result.output).not.toMatch(/migrate/);
    expect(result.code).toBe(0);
    // The dry run sees the demo's strategies, so it ran against the demo's database.
    for (const strategy of DEMO_STRATEGIES) expect(result.output).toContain(strategy.name);
  });

  const gatewayQuotas = async (): Promise<Record<string, number>> => {
    const response = await fetch(`http://127.0.0.1:${mockPort}/__mock/state`, {
      headers: { 'x-admin-key': 'mock-admin-key' },
    });
    return ((await response.json()) as { quotas: Record<string, number> }).quotas;
  };
  let before: Record<string, number>;

  it('stops the mock gateway and the daemon on SIGTERM', async () => {
    before = await gatewayQuotas();
    expect(Object.keys(before).length).toBeGreaterThan(0);
    const exited = new Promise<number | null>((r) => demo.on('exit', (code) => r(code)));
    demo.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('run again, continues with the same ledger and the same gateway balances', async () => {
    await startDemo();
    expect(banner).toContain('kept between runs');
    const after = await gatewayQuotas();
    // Every balance the first run left is still there (this run's scan may only add to them).
    for (const [user, quota] of Object.entries(before))
      expect(after[user], user).toBeGreaterThanOrEqual(quota);
    expect(lineAfter('Quotas at the gateway now')).toMatch(
      new RegExp(`now: ${Object.keys(after).length} users, e\\.g\\. demo-user-\\d+=`),
    );
  });
});
