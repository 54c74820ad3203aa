// Webhook → gateway delta, end to end (issue 25 §4): a real daemon process (SQLite) with a
// `github-star` single strategy and the webhook configured, the mock gateway as its own
// process. Each run adds a user with a GitHub login, sends a signed `star` delivery for it, and
// times until the mock gateway has the user's delta (polling its state every 10 ms). The
// daemon's scan tick (SCAN_CRON) decides most of it; run once per tick setting.
// Run: npx tsx bench/webhook-to-gateway.bench.ts [runs, default 5] [SCAN_CRON, default '* * * * * *']
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { sign } from '@octokit/webhooks-methods';
import {
  E2E_ADMIN_TOKEN,
  MOCK_KEY,
  startDaemon,
  startMockGatewayProcess,
} from '../test/support/processes.ts';

const SECRET = 'bench-webhook-secret-0123456789';
const REPO = 'bench/widget';

async function call(base: string, method: string, path: string, body?: unknown): Promise<number> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await response.text();
  return response.status;
}

async function quotaOf(mockUrl: string, user: string): Promise<number | undefined> {
  const response = await fetch(`${mockUrl}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } });
  const state = (await response.json()) as { quotas: Record<string, number> };
  return state.quotas[user];
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 5);
  const scanCron = process.argv[3] ?? '* * * * * *';
  const dir = mkdtempSync(join(tmpdir(), 'qm-webhook-bench-'));
  const mock = await startMockGatewayProcess();
  const daemon = await startDaemon(`file:${join(dir, 'bench.db')}`, mock.url, {
    SCAN_CRON: scanCron,
    GITHUB_WEBHOOK_SECRET: SECRET,
    GITHUB_SYNC_CRON: 'off',
    LOG_LEVEL: 'error',
  });
  try {
    const created = await call(daemon.url, 'POST', '/api/v1/strategies', {
      name: 'star-bench',
      title: 'Thanks for the star',
      type: 'single',
      amount: 5,
      condition: `github-star("${REPO}")`,
      enabled: true,
    });
    if (created !== 201) throw new Error(`strategy: HTTP ${created}`);
    const totals: number[] = [];
    const answers: number[] = [];
    console.log(`SCAN_CRON '${scanCron}', ${runs} runs, load ${loadavg()[0]!.toFixed(2)}`);
    for (let i = 0; i < runs; i++) {
      const user = `fan-${i}-${Date.now()}`;
      await call(daemon.url, 'PUT', `/api/v1/users/${user}`, { github_username: user });
      // A tick that reads the new user (not starred yet) first: the star must be what changes.
      await new Promise((resolve) => setTimeout(resolve, 1200 + Math.random() * 800));
      const body = JSON.stringify({
        action: 'created',
        starred_at: new Date().toISOString(),
        repository: { full_name: REPO, id: 1 },
        sender: { login: user, id: 1 },
      });
      const started = performance.now();
      const response = await fetch(`${daemon.url}/api/v1/hooks/github`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-github-event': 'star',
          'x-github-delivery': crypto.randomUUID(),
          'x-hub-signature-256': await sign(SECRET, body),
        },
        body,
      });
      await response.text();
      const answered = performance.now() - started;
      if (response.status !== 200) throw new Error(`webhook: HTTP ${response.status}`);
      while ((await quotaOf(mock.url, user)) === undefined)
        await new Promise((resolve) => setTimeout(resolve, 10));
      const total = performance.now() - started;
      totals.push(total);
      answers.push(answered);
      console.log(
        `run ${i + 1}: webhook answered ${answered.toFixed(0)} ms, delta at the gateway ${total.toFixed(0)} ms`,
      );
    }
    const spread = (xs: number[]) =>
      `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    console.log(`webhook answer: ${spread(answers)}`);
    console.log(`webhook → gateway delta: ${spread(totals)}`);
  } finally {
    await daemon.stop();
    await mock.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
