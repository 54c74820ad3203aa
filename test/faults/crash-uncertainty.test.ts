// How much a kill -9 leaves uncertain, with the default delivery settings (gateway concurrency
// 16, pages of 1000; a short retry budget, so rows left `sending` are settled seconds later) against a gateway that ignores Idempotency-Key, on SQLite and PostgreSQL,
// daemon and mock as separate processes. Only rows marked `sending` (at most 2 × concurrency at
// any time) can have an unknown outcome after a crash; rows claimed but never sent stay
// `pending` and are simply sent by the next daemon. With AIGATEWAY_RECONCILE=query the next
// daemon settles even the `sending` ones by reading each user's total: nothing is left unknown.
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { useCrashHarness } from '../support/crash-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import {
  countByStatus,
  ledgerRows,
  mockState,
  scanUntilSettled,
  seedUsersAndStrategy,
  SHORT_RETRY_BUDGET,
  SHORT_RETRY_BUDGET_MS,
  setFaults,
  sleep,
} from '../support/fault-helpers.ts';

const USERS = 2000;
const KILLS = 5;
/** Default AIGATEWAY_CONCURRENCY. */
const CONCURRENCY = 16;

const scenarios = DATABASE_KINDS.flatMap((kind) =>
  (['off', 'query'] as const).map((reconcile) => ({ kind, reconcile })),
);

describe.each(scenarios)(
  'kill -9 with default concurrency, key-ignoring gateway, on $kind, AIGATEWAY_RECONCILE=$reconcile',
  { timeout: 240_000 },
  ({ kind, reconcile }) => {
    const crash = useCrashHarness(kind, {
      mockEnv: { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' },
      daemonEnv: {
        AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
        AIGATEWAY_RECONCILE: reconcile,
        ...SHORT_RETRY_BUDGET,
        // A killed daemon's lease blocks the strategy until it expires; keep that wait short.
        SCAN_LEASE_MS: '3000',
      },
    });

    /**
     * Rows by status, of those last written since `since`: rows an earlier daemon left
     * `sending` wait out the retry budget, so a count of this daemon's own needs the time.
     */
    async function statusCounts(strategyId: number, since: Date): Promise<Record<string, number>> {
      const opened = await openDatabase(crash.database.url);
      try {
        const groups = await opened.db.quotaExecute.groupBy({
          by: ['status'],
          where: { strategyId, updatedAt: { gte: since } },
          _count: { _all: true },
        });
        return Object.fromEntries(groups.map((g) => [g.status, g._count._all]));
      } finally {
        await opened.close();
      }
    }

    it(`${KILLS} kills mid-scan of ${USERS} users leave at most 2 × concurrency uncertain rows each`, async () => {
      // 16 calls in flight, 40 ms each: a whole scan takes ~5 s, so every kill lands mid-scan.
      await setFaults(crash.mock, { latency_ms: 40 });
      let since = new Date();
      const first = await crash.daemon();
      const { userIds, strategyId } = await seedUsersAndStrategy(
        first,
        `uncertain-${kind}-${reconcile}`,
        USERS,
      );
      const perKill: { delayMs: number; deltas: number; sending: number; pending: number }[] = [];
      const { current } = await crash.killRepeatedly(first, {
        kills: KILLS,
        startWork: crash.scanUntilDelivering,
        delay: { minMs: 100, spreadMs: 600 },
        afterKill: async ({ delayMs, started: before }) => {
          const counts = await statusCounts(strategyId, since);
          perKill.push({
            delayMs,
            deltas: (await mockState(crash.mock)).deltas - before,
            sending: counts.sending ?? 0,
            pending: counts.pending ?? 0,
          });
          since = new Date();
        },
      });

      await setFaults(crash.mock, { latency_ms: 0 });
      // The last kill's `sending` rows are settled once no delta of theirs can still arrive.
      await sleep(SHORT_RETRY_BUDGET_MS + 500);
      await scanUntilSettled(current);
      const rows = await ledgerRows(crash.database.url, strategyId);
      const settled = countByStatus(rows);
      const state = await mockState(crash.mock);
      console.info(
        `${kind}, reconcile=${reconcile}: per kill ${JSON.stringify(perKill)}; ` +
          `after restart ${JSON.stringify(settled)}, deltas ${state.deltas}`,
      );

      // Only rows in flight were uncertain at each kill: at most 2 × concurrency.
      for (const k of perKill) expect(k.sending).toBeLessThanOrEqual(2 * CONCURRENCY);
      // Nobody was granted twice, and every applied row is real at the gateway.
      expect(userIds.filter((id) => (state.quotas[id] ?? 0) > 1)).toEqual([]);
      expect(rows.filter((r) => r.status === 'applied' && state.quotas[r.userId] !== 1)).toEqual(
        [],
      );
      expect(state.idempotent_replays).toBe(0);
      expect(settled.pending ?? 0).toBe(0);
      expect(settled.sending ?? 0).toBe(0);
      expect(settled.failed ?? 0).toBe(0);
      const unknown = settled.unknown ?? 0;
      expect((settled.applied ?? 0) + unknown).toBe(USERS);
      if (reconcile === 'query') {
        // Every uncertain row was settled by the user's total: all granted exactly once.
        expect(unknown).toBe(0);
        expect(state.deltas).toBe(USERS);
      } else {
        // Each kill's `sending` rows, and only those, became unknown.
        expect(unknown).toBe(perKill.reduce((sum, k) => sum + k.sending, 0));
        expect(unknown).toBeLessThanOrEqual(KILLS * 2 * CONCURRENCY);
      }
      expect(current.child.exitCode).toBeNull();
    });
  },
);
