// The daemon as a real process under faults, on SQLite and PostgreSQL, against the mock
// gateway as a separate process: kill -9 at random points of a 2 000-user scan, graceful
// SIGTERM in the middle of a scan (the gateway calls in flight are aborted, not waited for), and a
// slow gateway that must not block the API.
import { describe, expect, it } from 'vitest';
import { useCrashHarness } from '../support/crash-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import {
  apiHeaders,
  countByStatus,
  ledgerRows,
  mockState,
  seedUsersAndStrategy,
  setFaults,
  sleep,
} from '../support/fault-helpers.ts';
import type { RunningProcess } from '../support/processes.ts';

const USERS = 2000;
const KILLS = 5;
const LEASE_MS = 3000;
const seed = (daemon: RunningProcess, name: string) => seedUsersAndStrategy(daemon, name, USERS);
const ledgerByStatus = async (url: string, strategyId: number) =>
  countByStatus(await ledgerRows(url, strategyId));

describe.each(DATABASE_KINDS)('faults with real processes on %s', { timeout: 300_000 }, (kind) => {
  const crash = useCrashHarness(kind, {
    // Interrupted grants are re-sent with their key: a key-honouring gateway, said on both sides.
    mockEnv: { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'true' },
    daemonEnv: {
      SCAN_PAGE_SIZE: '100',
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'true',
      SCAN_LEASE_MS: String(LEASE_MS),
      // A generous request timeout: these runs share two cores with the rest of the suite.
      API_REQUEST_TIMEOUT_MS: '120000',
    },
  });

  it(`survives ${KILLS} kill -9 at random points of a ${USERS}-user scan and grants each user exactly once`, async () => {
    await setFaults(crash.mock, { latency_ms: 2 });
    const first = await crash.daemon();
    const { userIds, strategyId } = await seed(first, `crash-${kind}`);
    const { current, delaysMs: killTimes } = await crash.killRepeatedly(first, {
      kills: KILLS,
      startWork: async (running) => {
        void fetch(`${running.url}/api/v1/strategies/scan`, {
          method: 'POST',
          headers: apiHeaders,
        }).catch(() => undefined);
      },
      delay: { minMs: 150, spreadMs: 1200 },
    });
    await setFaults(crash.mock, { latency_ms: 0 });
    // The killed daemon's lease stays until it expires (SCAN_LEASE_MS); until then the new
    // daemon's scans rightly leave the strategy alone.
    await sleep(LEASE_MS + 500);
    // The restarted daemon's scan finishes orphaned rows (re-sent with their key) and the rest.
    for (let round = 0; round < 3; round++) {
      const scan = await fetch(`${current.url}/api/v1/strategies/scan`, {
        method: 'POST',
        headers: apiHeaders,
      });
      expect(scan.status).toBe(200);
    }
    const state = await mockState(crash.mock);
    const ledger = await ledgerByStatus(crash.database.url, strategyId);
    console.info(
      `kill -9 after ${killTimes.join(', ')} ms; ledger ${JSON.stringify(ledger)}; deltas ${state.deltas}, replays ${state.idempotent_replays}`,
    );
    expect(userIds.filter((id) => state.quotas[id] !== 1)).toEqual([]);
    expect(ledger).toEqual({ applied: USERS });
    await current.stop();
  });

  it('SIGTERM during a scan aborts the calls in flight, releases unsent claims, exits 0, and leaves nothing pending', async () => {
    await setFaults(crash.mock, { latency_ms: 40 });
    const running = await crash.daemon({ AIGATEWAY_CONCURRENCY: '4' });
    const { userIds, strategyId } = await seed(running, `term-${kind}`);
    void fetch(`${running.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    }).catch(() => undefined);
    await sleep(1500);
    const started = Date.now();
    const code = await running.stop('SIGTERM');
    expect(code).toBe(0);
    expect(Date.now() - started).toBeLessThan(25_000);
    const ledger = await ledgerByStatus(crash.database.url, strategyId);
    expect(ledger.pending ?? 0).toBe(0);
    const applied = ledger.applied ?? 0;
    expect(applied).toBeGreaterThan(0);
    expect(applied).toBeLessThan(USERS); // it really stopped in the middle
    const state = await mockState(crash.mock);
    expect(userIds.filter((id) => (state.quotas[id] ?? 0) > 1)).toEqual([]);
    await setFaults(crash.mock, { latency_ms: 0 });
  });

  it('SIGTERM with a gateway that ignores idempotency keys leaves no unknown grant: a restart completes each user once', async () => {
    await setFaults(crash.mock, { latency_ms: 40, honour_idempotency: false });
    const env = { AIGATEWAY_CONCURRENCY: '4', AIGATEWAY_HONOURS_IDEMPOTENCY: 'false' };
    const running = await crash.daemon(env);
    const { userIds, strategyId } = await seed(running, `term-strict-${kind}`);
    void fetch(`${running.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    }).catch(() => undefined);
    await sleep(1500);
    expect(await running.stop('SIGTERM')).toBe(0);
    const stopped = await ledgerByStatus(crash.database.url, strategyId);
    // Calls cut off in flight stay `sending` (settled by the next run); claims never sent were
    // deleted, not left to become unknown.
    expect(stopped.pending ?? 0).toBe(0);
    expect(stopped.unknown ?? 0).toBe(0);
    expect(stopped.applied ?? 0).toBeLessThan(USERS);
    expect(running.output()).toContain('unsent grants released');

    await setFaults(crash.mock, { latency_ms: 0 });
    const restarted = await crash.daemon(env);
    expect(
      (
        await fetch(`${restarted.url}/api/v1/strategies/scan`, {
          method: 'POST',
          headers: apiHeaders,
        })
      ).status,
    ).toBe(200);
    const state = await mockState(crash.mock);
    expect(userIds.filter((id) => state.quotas[id] !== 1)).toEqual([]);
    expect(await ledgerByStatus(crash.database.url, strategyId)).toEqual({ applied: USERS });
    await setFaults(crash.mock, { honour_idempotency: true });
    await restarted.stop();
  });

  it('SIGTERM during slow gateway calls exits at once; the deltas cut off stay sending, and a restart settles them by the total (AIGATEWAY_RECONCILE=query) only after the retry budget, each user once', async () => {
    const LATENCY_MS = 4000;
    const BUDGET_MS = 6000;
    await setFaults(crash.mock, { honour_idempotency: false });
    const env = {
      AIGATEWAY_CONCURRENCY: '4',
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
      AIGATEWAY_RECONCILE: 'query',
      // Longer than the gateway's latency: only the shutdown can end these calls early. One
      // attempt: the daemon settles a row left `sending` once this budget has passed.
      AIGATEWAY_TIMEOUT_MS: String(BUDGET_MS),
      AIGATEWAY_MAX_ATTEMPTS: '1',
    };
    const running = await crash.daemon(env);
    const { userIds, strategyId } = await seedUsersAndStrategy(running, `abort-${kind}`, 40);
    // Slow only now: /readyz asks the gateway too, and the daemon must first be ready.
    await setFaults(crash.mock, { latency_ms: LATENCY_MS });
    void fetch(`${running.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    }).catch(() => undefined);
    // Rows are marked `sending` just before their deltas go out (after the totals are read).
    const deadline = Date.now() + 60_000;
    while (((await ledgerByStatus(crash.database.url, strategyId)).sending ?? 0) === 0) {
      if (Date.now() > deadline) throw new Error(`no delta was sent:\n${running.output()}`);
      await sleep(50);
    }
    await sleep(300);
    const started = Date.now();
    expect(await running.stop('SIGTERM')).toBe(0);
    // Waiting for the calls would take the rest of the gateway's latency.
    expect(Date.now() - started).toBeLessThan(2_500);
    const stopped = await ledgerByStatus(crash.database.url, strategyId);
    expect(stopped.sending ?? 0).toBeGreaterThan(0);
    expect(stopped.pending ?? 0).toBe(0);
    expect(stopped.unknown ?? 0).toBe(0);
    expect(running.output()).toContain('grant left in flight at shutdown');

    // The gateway handles the abandoned deltas once its latency is over. A daemon restarted
    // at once leaves the rows `sending`: a total read now could come before a delta lands.
    await setFaults(crash.mock, { latency_ms: 0 });
    const restarted = await crash.daemon(env);
    const early = await fetch(`${restarted.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    });
    expect(early.status).toBe(200);
    expect((await ledgerByStatus(crash.database.url, strategyId)).sending ?? 0).toBe(
      stopped.sending,
    );
    // Once the retry budget has passed since they were marked, reconciliation reads the totals.
    await sleep(BUDGET_MS + 500);
    const scanned = await fetch(`${restarted.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    });
    expect(scanned.status).toBe(200);
    const state = await mockState(crash.mock);
    expect(userIds.filter((id) => state.quotas[id] !== 1)).toEqual([]);
    expect(await ledgerByStatus(crash.database.url, strategyId)).toEqual({
      applied: userIds.length,
    });
    await setFaults(crash.mock, { honour_idempotency: true });
    await restarted.stop();
  });

  it('a slow gateway never blocks the API', async () => {
    await setFaults(crash.mock, { latency_ms: 1500 });
    const running = await crash.daemon();
    await seed(running, `slow-${kind}`);
    const scan = fetch(`${running.url}/api/v1/strategies/scan`, {
      method: 'POST',
      headers: apiHeaders,
    }).catch(() => undefined);
    await sleep(300);
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const response = await fetch(`${running.url}/api/v1/strategies?limit=5`, {
        headers: apiHeaders,
      });
      expect(response.status).toBe(200);
      expect(performance.now() - started).toBeLessThan(1000);
    }
    await setFaults(crash.mock, { latency_ms: 0 });
    await running.stop('SIGKILL');
    await scan;
  });
});
