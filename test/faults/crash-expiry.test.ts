// kill -9 during a lot expiry run of 400 users, against a gateway that ignores Idempotency-Key
// (daemon and mock both set so), reconciliation on, on every database, with the daemon and the
// mock as separate processes. Every lot must expire exactly once: after each kill no balance is
// below what the user's other quota justifies, and once a daemon has settled the ledger every
// expiry row is applied (no `unknown`), each balance is exactly what is left when the lot's
// unconsumed remainder is gone, and the mock applied exactly one delta per non-zero expiry.
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

const USERS = 400;
const KILLS = 3;
const LOT = 100;
/** The reserved strategy id of expiry rows (core/lots/lot.ts). */
const EXPIRIES = 0;

/** User i: quota from elsewhere and what they spend after their lot is recorded. */
const unmanaged = (i: number) => (i % 2 === 1 ? 40 : 0);
const spends = (i: number) => [0, 30, LOT, 130][i % 4]!;
/** What is left once the lot's unconsumed remainder is taken back (unmanaged quota is spent last). */
const finalBalance = (i: number) => unmanaged(i) - Math.max(0, spends(i) - LOT);
const takesBack = (i: number) => Math.max(0, LOT - spends(i));

describe.each(DATABASE_KINDS)(
  'kill -9 during a lot expiry run with a key-ignoring gateway, on %s',
  { timeout: 300_000 },
  (kind) => {
    const crash = useCrashHarness(kind, {
      mockEnv: { MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' },
      daemonEnv: {
        AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
        AIGATEWAY_BALANCE: 'total_minus_used',
        AIGATEWAY_RECONCILE: 'query',
        AIGATEWAY_CONCURRENCY: '8',
        ...SHORT_RETRY_BUDGET,
        SCAN_PAGE_SIZE: '50',
        SCAN_LEASE_MS: '3000',
        API_REQUEST_TIMEOUT_MS: '120000',
        API_RATE_LIMIT_PER_MINUTE: '0',
      },
    });
    const balances = async () => {
      const state = await mockState(crash.mock);
      return (id: string) => balanceOf(state, id);
    };

    it(`${KILLS} kills while ${USERS} lots expire: each expires exactly once, none below what the rest justifies`, async () => {
      const first = await crash.daemon();
      const org = `exp-${kind}`;
      const ids = Array.from({ length: USERS }, (_, i) => `${org}-${String(i).padStart(4, '0')}`);
      const bulk = await fetch(`${first.url}/api/v1/users/bulk`, {
        method: 'POST',
        headers: apiHeaders,
        body: JSON.stringify(ids.map((id) => ({ id, org }))),
      });
      expect(bulk.status).toBe(200);
      for (const [i, id] of ids.entries())
        if (unmanaged(i) > 0) await refreshQuota(crash.mock, id, unmanaged(i));
      // The lots must not expire before they are granted and partly spent: a loaded machine
      // has needed more than 20 s for that (the expiries then ran inside the grant scans).
      const expiresAt = new Date(Date.now() + 30_000);
      const created = await fetch(`${first.url}/api/v1/strategies`, {
        method: 'POST',
        headers: apiHeaders,
        body: JSON.stringify({
          name: org,
          title: org,
          type: 'single',
          amount: LOT,
          enabled: true,
          condition: `belong-to("${org}")`,
          expires_at: expiresAt.toISOString(),
        }),
      });
      expect(created.status).toBe(201);
      // Grants, and the lot pass at the end of the same scans records the lots.
      await scanUntilSettled(first);
      const deltasAfterGrants = (await mockState(crash.mock)).deltas;
      expect(deltasAfterGrants).toBe(USERS);
      for (const [i, id] of ids.entries())
        if (spends(i) > 0) await consume(crash.mock, id, spends(i));
      expect(
        Date.now(),
        'granting and spending took longer than the lots live: no expiry run is left to test',
      ).toBeLessThan(expiresAt.getTime());
      const before = await balances();
      const preExpiry = new Map(ids.map((id) => [id, before(id)]));
      await sleep(Math.max(0, expiresAt.getTime() - Date.now()) + 200);

      await setFaults(crash.mock, { latency_ms: 15 });
      const kills: string[] = [];
      const { current } = await crash.killRepeatedly(first, {
        kills: KILLS,
        startWork: async (running) => {
          const seen = await balances();
          const done = ids.filter((id, i) => seen(id) === finalBalance(i)).length;
          await scanUntil(running, async () => {
            const now = await balances();
            return ids.filter((id, i) => now(id) === finalBalance(i)).length > done;
          });
        },
        delay: { minMs: 20, spreadMs: 300 },
        afterKill: async ({ delayMs }) => {
          const now = await balances();
          // Either not expired yet or expired once: never below what the other quota justifies.
          expect(
            ids
              .map((id, i) => ({ id, balance: now(id), i }))
              .filter(
                ({ id, balance, i }) =>
                  balance !== preExpiry.get(id) && balance !== finalBalance(i),
              )
              .map(({ id, balance }) => `${id}: ${balance}`),
          ).toEqual([]);
          const left = countByStatus(await ledgerRows(crash.database.url, EXPIRIES));
          kills.push(`${delayMs} ms (${JSON.stringify(left)})`);
        },
      });
      await setFaults(crash.mock, { latency_ms: 0 });
      // Rows the last kill left `sending` are read by total once no delta of theirs can arrive.
      await sleep(SHORT_RETRY_BUDGET_MS + 500);
      await scanUntilSettled(current);
      await sleep(SHORT_RETRY_BUDGET_MS + 500);
      await scanUntilSettled(current);

      const rows = await ledgerRows(crash.database.url, EXPIRIES);
      expect(countByStatus(rows)).toEqual({ applied: USERS });
      const after = await balances();
      expect(
        ids.filter((id, i) => after(id) !== finalBalance(i)).map((id) => `${id}: ${after(id)}`),
      ).toEqual([]);
      const nonZero = ids.filter((_, i) => takesBack(i) > 0).length;
      expect((await mockState(crash.mock)).deltas).toBe(deltasAfterGrants + nonZero);
      console.info(`${kind}: expiry kills after ${kills.join(', ')}`);
      expect(current.child.exitCode).toBeNull();
    });
  },
);
