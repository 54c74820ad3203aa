// kill -9 during a top_up scan and during a reset scan, against a gateway that ignores
// Idempotency-Key (daemon and mock both set so), on SQLite and PostgreSQL, with the daemon and the
// mock as separate processes. Grants in these modes are re-sent after a crash rather than made
// `unknown`: a top-up re-reads the balance before re-sending, a reset re-sends an absolute value.
// So after every kill no user is above the target, and once a daemon settles the ledger there
// is no `unknown` row and every user is at the target (less what they spent afterwards).
import { describe, expect, it } from 'vitest';
import { useCrashHarness } from '../support/crash-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import {
  apiHeaders,
  balanceOf,
  consume,
  countByStatus,
  ledgerRows,
  mockState,
  refreshQuota,
  scanUntil,
  scanUntilSettled,
  SHORT_RETRY_BUDGET,
  SHORT_RETRY_BUDGET_MS,
  setFaults,
  sleep,
} from '../support/fault-helpers.ts';
import type { RunningProcess } from '../support/processes.ts';

const USERS = 400;
const KILLS = 3;
const TOP_UP_TARGET = 100;
const RESET_TO = 50;

describe.each(DATABASE_KINDS)(
  'kill -9 during top_up and reset scans with a key-ignoring gateway, on %s',
  { timeout: 300_000 },
  (kind) => {
    const crash = useCrashHarness(kind, {
      mockEnv: { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' },
      daemonEnv: {
        AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
        AIGATEWAY_BALANCE: 'total_minus_used',
        AIGATEWAY_CONCURRENCY: '8',
        ...SHORT_RETRY_BUDGET,
        SCAN_PAGE_SIZE: '50',
        SCAN_LEASE_MS: '3000', // the shortest lease the configuration accepts
        API_REQUEST_TIMEOUT_MS: '120000',
        API_RATE_LIMIT_PER_MINUTE: '0',
      },
    });

    /** `USERS` users of a fresh org with totals and spending of their own, and a strategy. */
    async function seed(running: RunningProcess, org: string, mode: string, amount: number) {
      const ids = Array.from({ length: USERS }, (_, i) => `${org}-${String(i).padStart(4, '0')}`);
      const bulk = await fetch(`${running.url}/api/v1/users/bulk`, {
        method: 'POST',
        headers: apiHeaders,
        body: JSON.stringify(ids.map((id) => ({ id, org }))),
      });
      expect(bulk.status).toBe(200);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(
          ids.slice(i, i + 50).map(async (id, j) => {
            // Balances 0, 30, 70 or 100 (total − used), some of it spent already.
            const total = [0, 40, 90, 130][(i + j) % 4]!;
            if (total === 0) return;
            await refreshQuota(crash.mock, id, total);
            await consume(crash.mock, id, [0, 10, 20, 30][(i + j) % 4]!);
          }),
        );
      }
      const created = await fetch(`${running.url}/api/v1/strategies`, {
        method: 'POST',
        headers: apiHeaders,
        body: JSON.stringify({
          name: org,
          title: org,
          type: 'single',
          mode,
          amount,
          enabled: true,
          condition: `belong-to("${org}")`,
        }),
      });
      expect(created.status).toBe(201);
      return { ids, strategyId: ((await created.json()) as { id: number }).id };
    }

    /**
     * Kills the daemon mid-scan `KILLS` times; after each kill checks `invariant` on every user,
     * and lets some users spend a little (consumption between a crash and the retry).
     */
    async function killRepeatedly(
      first: RunningProcess,
      strategyId: number,
      ids: string[],
      atTarget: (balance: number) => boolean,
      invariant: (id: string, balance: number) => boolean,
      spent: Map<string, number>,
    ): Promise<{ current: RunningProcess; kills: string[] }> {
      const kills: string[] = [];
      const { current } = await crash.killRepeatedly(first, {
        kills: KILLS,
        startWork: async (running) => {
          const before = await mockState(crash.mock);
          const done = ids.filter((id) => atTarget(balanceOf(before, id))).length;
          await scanUntil(running, async () => {
            const now = await mockState(crash.mock);
            return ids.filter((id) => atTarget(balanceOf(now, id))).length > done;
          });
        },
        delay: { minMs: 20, spreadMs: 300 },
        afterKill: async ({ round, delayMs }) => {
          const state = await mockState(crash.mock);
          // Rows the dead daemon left unsettled: the next daemon re-sends them (none become unknown).
          const left = countByStatus(await ledgerRows(crash.database.url, strategyId));
          kills.push(
            `${delayMs} ms (${left.pending ?? 0} pending, ${left.failed ?? 0} failed left)`,
          );
          expect(ids.filter((id) => !invariant(id, balanceOf(state, id)))).toEqual([]);
          // A few users spend between the crash and the next daemon's retry.
          for (const id of ids.slice(round * 7, round * 7 + 5)) {
            await consume(crash.mock, id, 5);
            spent.set(id, (spent.get(id) ?? 0) + 5);
          }
        },
      });
      return { current, kills };
    }

    it(`${KILLS} kills during a top_up scan and ${KILLS} during a reset scan of ${USERS} users each: nobody above the target, no unknown rows`, async () => {
      await setFaults(crash.mock, { latency_ms: 15 });
      let current = await crash.daemon();

      // top_up to 100: a user is never above 100 (minus what they spent), whatever was killed.
      const topUp = await seed(current, `tu-${kind}`, 'top_up', TOP_UP_TARGET);
      const topUpSpent = new Map<string, number>();
      const topUpKills = await killRepeatedly(
        current,
        topUp.strategyId,
        topUp.ids,
        (balance) => balance === TOP_UP_TARGET,
        (_id, balance) => balance <= TOP_UP_TARGET,
        topUpSpent,
      );
      current = topUpKills.current;
      await setFaults(crash.mock, { latency_ms: 0 });
      // Rows the last kill left `sending` are re-sent once no delta of theirs can still arrive.
      await sleep(SHORT_RETRY_BUDGET_MS + 500);
      await scanUntilSettled(current);
      await expectSettled(topUp.strategyId, topUp.ids, (id, balance) => {
        // Users who spent after their grant landed are below the target by exactly that; users
        // who spent before their (re-)read were topped up to the target again.
        const spent = topUpSpent.get(id) ?? 0;
        return balance === TOP_UP_TARGET || (spent > 0 && balance === TOP_UP_TARGET - spent);
      });
      // Disabled now, so that the reset scan below is the only work.
      await fetch(`${current.url}/api/v1/strategies/${topUp.strategyId}/disable`, {
        method: 'POST',
        headers: apiHeaders,
      });

      // reset to 50: every balance is either untouched or 50 (less what was spent afterwards).
      await setFaults(crash.mock, { latency_ms: 15 });
      const reset = await seed(current, `rs-${kind}`, 'reset', RESET_TO);
      const initial = await mockState(crash.mock);
      const resetSpent = new Map<string, number>();
      const resetKills = await killRepeatedly(
        current,
        reset.strategyId,
        reset.ids,
        (balance) => balance === RESET_TO,
        (id, balance) =>
          balance === RESET_TO ||
          balance === balanceOf(initial, id) - (resetSpent.get(id) ?? 0) ||
          balance === RESET_TO - (resetSpent.get(id) ?? 0),
        resetSpent,
      );
      current = resetKills.current;
      await setFaults(crash.mock, { latency_ms: 0 });
      // Rows the last kill left `sending` are re-sent once no delta of theirs can still arrive.
      await sleep(SHORT_RETRY_BUDGET_MS + 500);
      await scanUntilSettled(current);
      await expectSettled(reset.strategyId, reset.ids, (id, balance) => {
        const spent = resetSpent.get(id) ?? 0;
        return balance === RESET_TO || (spent > 0 && balance === RESET_TO - spent);
      });
      console.info(
        `${kind}: top_up kills after ${topUpKills.kills.join(', ')}; reset kills after ${resetKills.kills.join(', ')}`,
      );
      expect(current.child.exitCode).toBeNull();
    });

    async function expectSettled(
      strategyId: number,
      ids: string[],
      acceptable: (id: string, balance: number) => boolean,
    ): Promise<void> {
      const rows = await ledgerRows(crash.database.url, strategyId);
      expect(countByStatus(rows)).toEqual({ applied: USERS });
      const state = await mockState(crash.mock);
      expect(
        ids
          .filter((id) => !acceptable(id, balanceOf(state, id)))
          .map((id) => `${id}: ${balanceOf(state, id)}`),
      ).toEqual([]);
    }
  },
);
