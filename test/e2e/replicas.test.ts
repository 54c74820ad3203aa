// Two daemon processes on one PostgreSQL, scanning at the same moment, against a mock gateway
// that does NOT de-duplicate by idempotency key (so any double send would show as a double
// grant): every user is granted exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import { E2E_ADMIN_TOKEN, MOCK_KEY, startDaemon, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';

const USERS = 400;
const headers = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('two daemons on one PostgreSQL', () => {
  let database: DisposableDatabaseUrl;
  let mock: RunningProcess;
  let replicas: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createDatabaseUrl('postgresql');
    mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' });
    // Small pages so the two scans interleave many times.
    const env = { SCAN_PAGE_SIZE: '25', SCAN_CRON: '*/2 * * * * *' };
    replicas = await Promise.all([startDaemon(database.url, mock.url, env), startDaemon(database.url, mock.url, env)]);
  });
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.stop()));
    await mock?.stop();
    await database?.drop();
  });

  it('grant each (strategy, occurrence, user) exactly once', async () => {
    const [a, b] = replicas as [RunningProcess, RunningProcess];
    const users = Array.from({ length: USERS }, (_, i) => ({ id: `replica-${String(i).padStart(4, '0')}`, org: 'replicas', vip: i % 3 }));
    expect((await fetch(`${a.url}/api/v1/users/bulk`, { method: 'POST', headers, body: JSON.stringify(users) })).status).toBe(200);
    const strategy = await fetch(`${b.url}/api/v1/strategies`, {
      method: 'POST', headers, body: JSON.stringify({ name: 'replicas', title: 'replicas', type: 'single', amount: 1, condition: 'belong-to("replicas")' }),
    });
    expect(strategy.status).toBe(201);

    // Both replicas scan at once, twice, while their own cron ticks every 2 s as well.
    for (let round = 0; round < 2; round++) {
      const scans = await Promise.all([a, b].map((r) => fetch(`${r.url}/api/v1/strategies/scan`, { method: 'POST', headers })));
      expect(scans.map((s) => s.status)).toEqual([200, 200]);
    }
    const state = (await (await fetch(`${mock.url}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } })).json()) as {
      quotas: Record<string, number>; deltas: number;
    };
    expect(state.deltas).toBe(USERS);
    expect(users.every((u) => state.quotas[u.id] === 1)).toBe(true);

    const ledger = await (await fetch(`${a.url}/api/v1/strategies/${(await strategy.json()).id}/executions?limit=1000`, { headers })).json();
    expect(ledger.total).toBe(USERS);
    expect(ledger.items.every((row: { status: string; attempts: number }) => row.status === 'applied' && row.attempts === 1)).toBe(true);
  });
});
