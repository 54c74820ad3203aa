// A deterministic replay of the silent loss the nemesis found (`npx tsx
// test/nemesis/repro-same-amount.ts`): a grant whose delta was sent but never applied (held past
// the client's timeout, then dropped) is settled by reading the user's total; another grant of
// the same amount to the same user, made during the settle wait, moves the total by exactly that
// amount, and the lost grant is recorded `applied`. Prints the ledger and the gateway's balance.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations } from '../../src/db/migrate.ts';
import { apiHeaders, ledgerRows, mockState, setFaults, sleep } from '../support/fault-helpers.ts';
import { freePort } from '../support/pg-cluster.ts';
import { MOCK_KEY, startDaemon, type RunningProcess } from '../support/processes.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-repro-'));
const url = `file:${join(dir, 'repro.db')}`;
await applyMigrations(url);
const port = await freePort();
const mockEnv = {
  MOCK_GATEWAY_PORT: String(port),
  MOCK_GATEWAY_STATE_FILE: join(dir, 'mock.json'),
};
/** The mock on a fixed port, so the daemon finds it again after a restart. */
const startMock = async (): Promise<{ url: string; stop(): Promise<unknown> }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'mock-gateway/main.ts'], {
    env: { ...process.env, ...mockEnv, MOCK_GATEWAY_AUTH_VALUE: MOCK_KEY },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    child.stdout.on('data', (c: Buffer) => c.toString().includes('listening') && resolve()),
  );
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => (child.kill('SIGTERM'), exited) };
};
let mock = await startMock();
const daemon = await startDaemon(url, mock.url, {
  AIGATEWAY_TIMEOUT_MS: '800',
  AIGATEWAY_MAX_ATTEMPTS: '2',
  AIGATEWAY_SETTLE_AFTER_MS: '4000',
  SCAN_LEASE_MS: '3000',
});
const call = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${daemon.url}${path}`, {
    method,
    headers: apiHeaders,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await response.json()) as { id?: number };
};
const strategy = async (name: string) =>
  (
    await call('POST', '/api/v1/strategies', {
      name,
      title: name,
      type: 'single',
      enabled: true,
      amount: 1,
      condition: 'belong-to("repro")',
    })
  ).id!;
try {
  await call('POST', '/api/v1/users/bulk', [{ id: 'alice', org: 'repro' }]);
  // First grant: held 3 s at the gateway, the client gives up after 0.8 s (in doubt)…
  await setFaults(mock as RunningProcess, { hold_delta_rate: 1, hold_delta_ms: 3000 });
  const first = await strategy('first');
  await call('POST', `/api/v1/strategies/${first}/run`);
  // …and the gateway restarts before the hold ends: the delta is never applied.
  await mock.stop();
  mock = await startMock();
  // A second strategy grants alice the same amount during the first grant's settle wait.
  const second = await strategy('second');
  await call('POST', `/api/v1/strategies/${second}/run`);
  await sleep(4500);
  await call('POST', `/api/v1/strategies/${first}/run`);
  const rows = [...(await ledgerRows(url, first)), ...(await ledgerRows(url, second))];
  console.log(`ledger: ${JSON.stringify(rows)}`);
  console.log(
    `gateway balance of alice: ${(await mockState(mock as RunningProcess)).quotas.alice}`,
  );
} finally {
  await daemon.stop('SIGKILL');
  await mock.stop();
}
