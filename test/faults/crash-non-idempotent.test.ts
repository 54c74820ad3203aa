// kill -9 against a gateway that ignores Idempotency-Key (like the real Higress plugin), on
// SQLite and PostgreSQL, with the daemon and the mock gateway as separate processes. Rows a
// killed daemon was sending must never be re-sent blindly: the next daemon marks them `unknown`
// (AIGATEWAY_RECONCILE=off; test/faults/crash-uncertainty.test.ts has reconciliation), the API
// lists them, an operator resolves each one against the gateway's state, and after one more scan every user has exactly one grant, at the mock and in the ledger.
import { describe, expect, it } from 'vitest';
import { useCrashHarness } from '../support/crash-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import {
  apiHeaders,
  countByStatus,
  disagreements,
  ledgerRows,
  mockState,
  scanUntilSettled,
  seedUsersAndStrategy,
  setFaults,
} from '../support/fault-helpers.ts';
import type { RunningProcess } from '../support/processes.ts';

const USERS = 2000;
const KILLS = 6;

describe.each(DATABASE_KINDS)(
  'kill -9 with a gateway that ignores Idempotency-Key, on %s',
  { timeout: 360_000 },
  (kind) => {
    const crash = useCrashHarness(kind, {
      mockEnv: { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' },
      daemonEnv: {
        AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
        // This test is about the operator's path for unknown rows: no reconciliation.
        AIGATEWAY_RECONCILE: 'off',
        AIGATEWAY_CONCURRENCY: '8',
        SCAN_PAGE_SIZE: '100',
        // A killed daemon's lease blocks the strategy until it expires; keep that wait short.
        SCAN_LEASE_MS: '3000', // the shortest lease the configuration accepts
        API_REQUEST_TIMEOUT_MS: '120000',
        // The operator below resolves every unknown row one request at a time.
        API_RATE_LIMIT_PER_MINUTE: '0',
      },
    });

    it(`${KILLS} kill -9 mid-scan of ${USERS} users: orphans become unknown, nobody is granted twice, operator resolution completes it`, async () => {
      // ~8 grants in flight, 20 ms each: the scan takes seconds, so every kill lands mid-scan.
      await setFaults(crash.mock, { latency_ms: 20 });
      const first = await crash.daemon();
      const { userIds, strategyId } = await seed(first);
      const kills: string[] = [];
      const { current } = await crash.killRepeatedly(first, {
        kills: KILLS,
        startWork: crash.scanUntilDelivering,
        delay: { minMs: 20, spreadMs: 400 },
        afterKill: async ({ delayMs, started: before }) => {
          const state = await mockState(crash.mock);
          kills.push(`${delayMs} ms (${state.deltas - before} deltas)`);
          // Whatever the kill interrupted, nobody has more than one grant.
          expect(userIds.filter((id) => (state.quotas[id] ?? 0) > 1)).toEqual([]);
        },
      });
      expect(kills).toHaveLength(KILLS);

      // The next daemon settles the orphans (unknown, not re-sent) and grants everybody else.
      await setFaults(crash.mock, { latency_ms: 0 });
      await scanUntilSettled(current);
      const afterCrashes = await ledgerRows(crash.database.url, strategyId);
      const crashed = countByStatus(afterCrashes);
      const stateAfterCrashes = await mockState(crash.mock);
      expect(crashed.pending ?? 0).toBe(0);
      expect(crashed.failed ?? 0).toBe(0);
      expect(crashed.unknown ?? 0).toBeGreaterThan(0);
      expect((crashed.applied ?? 0) + crashed.unknown!).toBe(USERS);
      expect(userIds.filter((id) => (stateAfterCrashes.quotas[id] ?? 0) > 1)).toEqual([]);
      expect(stateAfterCrashes.idempotent_replays).toBe(0);
      // Every delta the mock applied went to a distinct user: nothing was sent twice.
      expect(stateAfterCrashes.deltas).toBe(
        userIds.filter((id) => stateAfterCrashes.quotas[id] === 1).length,
      );
      // Applied rows are all real at the mock.
      expect(
        afterCrashes.filter(
          (r) => r.status === 'applied' && stateAfterCrashes.quotas[r.userId] !== 1,
        ),
      ).toEqual([]);

      // The operator's view: the API lists exactly the unknown rows, and so does the metric.
      const listed = await listUnknown(current, strategyId);
      expect(listed.map((r) => r.id).sort((a, b) => a - b)).toEqual(
        afterCrashes
          .filter((r) => r.status === 'unknown')
          .map((r) => r.id)
          .sort((a, b) => a - b),
      );
      const metrics = await (await fetch(`${current.url}/metrics`)).text();
      expect(metrics).toContain(`quota_manager_ledger_rows{status="unknown"} ${crashed.unknown}`);

      // The operator checks each one at the gateway: applied if it arrived, retry if it did not.
      let resolvedApplied = 0;
      for (const row of listed) {
        const resolution = stateAfterCrashes.quotas[row.user_id] === 1 ? 'applied' : 'retry';
        if (resolution === 'applied') resolvedApplied++;
        const response = await fetch(
          `${current.url}/api/v1/strategies/${strategyId}/executions/${row.id}/resolve`,
          {
            method: 'POST',
            headers: apiHeaders,
            body: JSON.stringify({ resolution }),
          },
        );
        expect(response.status).toBe(200);
        expect(((await response.json()) as { status: string }).status).toBe(
          resolution === 'applied' ? 'applied' : 'failed',
        );
      }

      await scanUntilSettled(current);
      const finalRows = await ledgerRows(crash.database.url, strategyId);
      const finalState = await mockState(crash.mock);
      console.info(
        `${kind}: kill -9 after ${kills.join(', ')}; after restart ${JSON.stringify(crashed)}; ` +
          `operator resolved ${resolvedApplied} applied + ${listed.length - resolvedApplied} retry; ` +
          `final ledger ${JSON.stringify(countByStatus(finalRows))}, deltas ${finalState.deltas}`,
      );
      expect(countByStatus(finalRows)).toEqual({ applied: USERS });
      expect(disagreements(userIds, finalRows, finalState)).toEqual([]);
      expect(finalState.deltas).toBe(USERS);
      expect(current.child.exitCode).toBeNull();
    });

    async function seed(running: RunningProcess) {
      return seedUsersAndStrategy(running, `crash-ni-${kind}`, USERS);
    }
  },
);

async function listUnknown(
  running: RunningProcess,
  strategyId: number,
): Promise<{ id: number; user_id: string }[]> {
  const rows: { id: number; user_id: string }[] = [];
  for (let offset = 0; ; offset += 1000) {
    const response = await fetch(
      `${running.url}/api/v1/strategies/${strategyId}/executions?status=unknown&limit=1000&offset=${offset}`,
      { headers: apiHeaders },
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as {
      items: { id: number; user_id: string; status: string }[];
      total: number;
    };
    expect(page.items.every((r) => r.status === 'unknown')).toBe(true);
    rows.push(...page.items);
    if (rows.length >= page.total || page.items.length === 0) return rows;
  }
}
