// A replica stopped (SIGSTOP) in the middle of a scan for longer than its lease, while a second
// replica takes the lease over and delivers, then woken up (SIGCONT): the woken one must send
// nothing more. Against a gateway that ignores idempotency keys, before the fenced protocol this
// history gave 564 deltas for 300 users; every user must now have exactly one delta, whose key
// belongs to exactly one applied ledger row.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import { appliedDeltasByKey, readDeltaLog } from '../support/delta-log.ts';
import {
  apiHeaders,
  countByStatus,
  ledgerRows,
  mockState,
  seedUsersAndStrategy,
  setFaults,
  sleep,
  type LedgerRow,
} from '../support/fault-helpers.ts';
import { startDaemon, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';

const USERS = 300;
const LEASE_MS = 3000;
const STOPPED_MS = 5000;

describe.each(['postgresql', 'mysql'] as const)(
  'a replica stalled past its lease on %s',
  { timeout: 180_000 },
  (kind) => {
    let database: DisposableDatabaseUrl;
    let mock: RunningProcess;
    let a: RunningProcess;
    let b: RunningProcess;

    beforeAll(async () => {
      database = await createDatabaseUrl(kind);
      mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' });
      const env = {
        SCAN_LEASE_MS: String(LEASE_MS),
        // Two calls in flight, 40 ms each (and a total read before each): a scan of 300 users
        // takes several seconds, so the stop lands in the middle of it.
        AIGATEWAY_CONCURRENCY: '2',
        AIGATEWAY_HONOURS_IDEMPOTENCY: 'false',
        AIGATEWAY_TIMEOUT_MS: '1000',
        AIGATEWAY_MAX_ATTEMPTS: '2',
        AIGATEWAY_RETRY_MAX_DELAY_MS: '200',
        AIGATEWAY_SETTLE_AFTER_MS: '1000',
        SCAN_PAGE_SIZE: '50',
      };
      [a, b] = await Promise.all([
        startDaemon(database.url, mock.url, env),
        startDaemon(database.url, mock.url, env),
      ]);
    });
    afterAll(async () => {
      for (const replica of [a, b]) {
        if (replica?.child.pid) process.kill(replica.child.pid, 'SIGCONT');
        await replica?.stop('SIGKILL');
      }
      await mock?.stop();
      await database?.drop();
    });

    const run = (replica: RunningProcess, strategyId: number) =>
      fetch(`${replica.url}/api/v1/strategies/${strategyId}/run`, {
        method: 'POST',
        headers: apiHeaders,
      });

    it(`the woken replica sends nothing; ${USERS} users, ${USERS} deltas, one per key`, async () => {
      await setFaults(mock, { latency_ms: 40 });
      const { strategyId } = await seedUsersAndStrategy(a, `stalled-${kind}`, USERS);
      // A's run is answered only after A is woken up; its answer does not matter.
      const runOnA = run(a, strategyId).then(
        (r) => r.body?.cancel(),
        () => undefined,
      );
      const deadline = Date.now() + 30_000;
      while ((await mockState(mock)).deltas < 30 && Date.now() < deadline) await sleep(20);
      const deltasAtStop = (await mockState(mock)).deltas;
      expect(deltasAtStop).toBeGreaterThanOrEqual(30);
      expect(deltasAtStop).toBeLessThan(USERS);

      process.kill(a.child.pid!, 'SIGSTOP');
      await sleep(STOPPED_MS);
      const answerB = await run(b, strategyId);
      expect(answerB.status).toBe(200);
      process.kill(a.child.pid!, 'SIGCONT');
      await runOnA;

      // Rows A left in doubt wait out the settle time; B's later runs read them.
      let rows: LedgerRow[] = [];
      const settleDeadline = Date.now() + 60_000;
      while (Date.now() < settleDeadline) {
        rows = await ledgerRows(database.url, strategyId);
        const counts = countByStatus(rows);
        if (counts.applied === USERS && rows.length === USERS) break;
        await sleep(500);
        await (await run(b, strategyId)).body?.cancel();
      }
      // Anything A still had in flight or could still send has landed by now.
      await sleep(1500);
      const log = await readDeltaLog(mock.url);
      const perKey = appliedDeltasByKey(log);
      const applied = rows.filter((r) => r.status === 'applied');
      const outputA = a.output();
      console.info(
        `stalled replica on ${kind}: stopped A after ${deltasAtStop} deltas for ${STOPPED_MS} ms; ` +
          `ledger ${JSON.stringify(countByStatus(rows))}; ${log.length} deltas, ${perKey.size} keys; ` +
          `A lost its lease: ${outputA.includes('scan lease lost')}`,
      );

      expect(countByStatus(rows)).toEqual({ applied: USERS });
      expect(log).toHaveLength(USERS);
      expect([...perKey.values()].filter((n) => n !== 1)).toEqual([]);
      expect(perKey.size).toBe(USERS);
      // Every delta's key is the key of one applied row.
      const keys = new Set(applied.map((r) => `qm:${strategyId}:once:${r.userId}`));
      expect([...perKey.keys()].filter((k) => !keys.has(k))).toEqual([]);
      // A noticed that it had lost the lease, or at least sent nothing past its deadline.
      expect(outputA.includes('scan lease lost') || outputA.includes('"reason":"fenced"')).toBe(
        true,
      );
      expect(a.child.exitCode).toBeNull();
    });
  },
);
