// Three daemon processes on one PostgreSQL (then MariaDB), each ticking every second, with a periodic
// strategy firing every 10 seconds and a single strategy, against a mock gateway that does NOT
// de-duplicate by idempotency key (so any double send would show as a double grant): every
// (strategy, occurrence, user) is granted exactly once. The database URL carries a password,
// which must never reach the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import {
  createDatabaseUrl,
  mysqlUrlWithPassword,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import {
  E2E_ADMIN_TOKEN,
  MOCK_KEY,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';

const USERS = 300;
const RUN_MS = 60_000;
const PERIOD_MS = 10_000;
const PASSWORD = 'pg-secret-9f8e7d';
const headers = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe.each(['postgresql', 'mysql'] as const)(
  'three daemons on one %s',
  { timeout: 300_000 },
  (kind) => {
    let database: DisposableDatabaseUrl;
    let mock: RunningProcess;
    let replicas: RunningProcess[] = [];
    let urlWithPassword: string;

    beforeAll(async () => {
      database = await createDatabaseUrl(kind);
      // The throwaway PostgreSQL cluster trusts loopback, so any password works; it only has to be
      // in the URL. MariaDB checks it: a user with that password is created for the database.
      urlWithPassword =
        kind === 'postgresql'
          ? database.url.replace('postgresql://postgres@', `postgresql://postgres:${PASSWORD}@`)
          : await mysqlUrlWithPassword(database.url, PASSWORD);
      mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' });
      const env = {
        SCAN_PAGE_SIZE: '25',
        SCAN_CRON: '* * * * * *',
        SCAN_LEASE_MS: '5000',
        LOG_LEVEL: 'debug',
      };
      replicas = [];
      for (let i = 0; i < 3; i++) replicas.push(await startDaemon(urlWithPassword, mock.url, env));
    });
    afterAll(async () => {
      await Promise.all(replicas.map((r) => r.stop()));
      await mock?.stop();
      await database?.drop();
    });

    it('grant each (strategy, occurrence, user) exactly once while all three tick every second', async () => {
      const [a, b, c] = replicas as [RunningProcess, RunningProcess, RunningProcess];
      const users = Array.from({ length: USERS }, (_, i) => ({
        id: `replica-${String(i).padStart(4, '0')}`,
        org: 'replicas',
        vip: i % 3,
      }));
      expect(
        (
          await fetch(`${a.url}/api/v1/users/bulk`, {
            method: 'POST',
            headers,
            body: JSON.stringify(users),
          })
        ).status,
      ).toBe(200);
      const create = async (replica: RunningProcess, body: object) => {
        const response = await fetch(`${replica.url}/api/v1/strategies`, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
        });
        expect(response.status).toBe(201);
        return ((await response.json()) as { id: number }).id;
      };
      const single = await create(b, {
        name: 'replicas-once',
        title: 'once',
        type: 'single',
        enabled: true,
        amount: 1,
        condition: 'belong-to("replicas")',
      });
      // The periodic strategy's window closes 9.5 s after its last fire time inside the run, and
      // the run goes on past it: the daemons are stopped only once nothing is left to grant. A
      // stop cuts the calls in flight short (runtime.ts); what that leaves is the subject of
      // crash-and-shutdown.test.ts, not of this one, which then sees every occurrence complete.
      const lastFire = Math.floor((Date.now() + RUN_MS - PERIOD_MS) / PERIOD_MS) * PERIOD_MS;
      const windowEnd = lastFire + PERIOD_MS - 500;
      const periodic = await create(c, {
        name: 'replicas-10s',
        title: 'every 10 s',
        type: 'periodic',
        enabled: true,
        periodic_expr: '*/10 * * * * *',
        end_at: new Date(windowEnd).toISOString(),
        amount: 0.5,
        condition: 'belong-to("replicas") and is-vip(1)',
      });

      // Manual scans on top of the ticks, to make collisions likelier.
      const deadline = windowEnd + 1_000;
      while (Date.now() < deadline) {
        await Promise.all(
          replicas.map((r) =>
            fetch(`${r.url}/api/v1/strategies/scan`, { method: 'POST', headers }).then((res) =>
              expect(res.status).toBe(200),
            ),
          ),
        );
        await new Promise((r) => setTimeout(r, 700));
      }
      // The window has closed: no tick grants any more. Compare the gateway with the ledger.
      await Promise.all(replicas.map((r) => r.stop()));
      const state = (await (
        await fetch(`${mock.url}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } })
      ).json()) as { quotas: Record<string, number>; deltas: number };
      const db = await openDatabase(database.url);
      try {
        const rows = await db.db.quotaExecute.findMany({
          where: { strategyId: { in: [single, periodic] } },
        });
        const applied = rows.filter((r) => r.status === 'applied');
        expect(rows.filter((r) => r.status !== 'applied')).toEqual([]);
        const occurrences = new Set(
          rows.filter((r) => r.strategyId === periodic).map((r) => r.occurrence),
        );
        expect(occurrences.size).toBeGreaterThanOrEqual(2);
        // Every delta the gateway received corresponds to exactly one applied ledger row…
        expect(state.deltas).toBe(applied.length);
        // Every occurrence, the last one inside the window included, is granted to every VIP user.
        const vipUsers = users.filter((u) => u.vip >= 1).length;
        expect(rows.filter((r) => r.strategyId === single)).toHaveLength(USERS);
        const perOccurrence = new Map<string, number>();
        for (const row of rows.filter((r) => r.strategyId === periodic))
          perOccurrence.set(row.occurrence, (perOccurrence.get(row.occurrence) ?? 0) + 1);
        expect([...perOccurrence.keys()].sort().at(-1)).toBe(new Date(lastFire).toISOString());
        for (const [occurrence, granted] of perOccurrence)
          expect(granted, occurrence).toBe(vipUsers);
        // …and each user's quota is exactly what the ledger says it was given.
        for (const user of users) {
          const periodicGrants = rows.filter(
            (r) => r.strategyId === periodic && r.userId === user.id,
          ).length;
          expect(user.vip >= 1 || periodicGrants === 0).toBe(true);
          expect(state.quotas[user.id]).toBe(1 + 0.5 * periodicGrants);
        }
        console.info(
          `replicas: ${occurrences.size} periodic occurrences, ${applied.length} grants, ${state.deltas} deltas`,
        );
      } finally {
        await db.close();
      }
      for (const replica of replicas) {
        expect(replica.output()).not.toContain(PASSWORD);
        expect(replica.output()).not.toContain(E2E_ADMIN_TOKEN);
      }
    });
  },
);
