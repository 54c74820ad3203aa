// A real scan with gateway.worker_thread on (AIGATEWAY_WORKER_THREAD=true): the runtime wires
// the worker-thread gateway, and grants stay exactly-once through pages, repeated scans, a
// failing gateway and a lost answer — the same guarantees as test/api/scan.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('scanning with the gateway in a worker thread on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 3, workerThread: true, honoursIdempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function usersInOrg(org: string, count: number): Promise<string[]> {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, vip: 1 }));
    const response = await h.call('POST', '/api/v1/users/bulk', users);
    expect(response).toMatchObject({ status: 200, body: { upserted: count } });
    return users.map((u) => u.id);
  }

  async function createStrategy(condition: string, amount: number) {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: unique('s'),
      title: 'test',
      type: 'single',
      enabled: true,
      amount,
      condition,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number };
  }

  const quotaOf = (userId: string) => h.mock.state().quotas[userId] ?? 0;
  const ledger = (strategyId: number) =>
    h.database.db.quotaExecute.findMany({ where: { strategyId }, orderBy: { id: 'asc' } });

  it('the runtime sends grants through the worker thread', () => {
    expect(h.runtime.config.gateway.workerThread).toBe(true);
  });

  it('grants each matching user once, across pages and repeated scans', async () => {
    const org = unique('org');
    const ids = await usersInOrg(org, 20);
    await usersInOrg(unique('other'), 3);
    const strategy = await createStrategy(`belong-to("${org}")`, 2.5);
    const deltasBefore = h.mock.state().deltas;

    const first = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(first.body).toMatchObject({ matched: 20, granted: 20, failed: 0 });
    const scan = await h.call('POST', '/api/v1/strategies/scan');
    expect(scan.body).toMatchObject({ failed: 0 });
    const again = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(again.body).toMatchObject({ matched: 0, granted: 0 });

    expect(h.mock.state().deltas - deltasBefore).toBe(20);
    for (const id of ids) expect(quotaOf(id)).toBe(2.5);
    const rows = await ledger(strategy.id);
    expect(rows).toHaveLength(20);
    expect(rows.every((r) => r.status === 'applied' && r.attempts === 1)).toBe(true);
  });

  it('a failing gateway leaves failed rows that a later scan completes exactly once', async () => {
    const org = unique('fail');
    const ids = await usersInOrg(org, 4);
    const strategy = await createStrategy(`belong-to("${org}")`, 3);
    h.mock.setFaults({ failure_rate: 1, status: 503 });
    try {
      const failed = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(failed.body).toMatchObject({ matched: 4, granted: 0, failed: 4 });
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    const rows = await ledger(strategy.id);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(rows[0]!.lastError).toMatch(/HTTP 503/);
    expect(rows[0]!.attempts).toBe(3); // the worker's retries, counted on the row
    // The worker's retry warnings reached the daemon's logger.
    expect(
      h.logger.lines.some(
        (l) => l.message === 'gateway request failed, retrying' && l.fields?.status === 503,
      ),
    ).toBe(true);

    const recovered = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(recovered.body).toMatchObject({ granted: 4, failed: 0 });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(0);
    for (const id of ids) expect(quotaOf(id)).toBe(3);
  });

  it('a lost answer to a delta leaves the grant unknown, applied once, never re-sent', async () => {
    const org = unique('lost');
    const [id] = await usersInOrg(org, 1);
    const strategy = await createStrategy(`belong-to("${org}")`, 4);
    h.mock.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    try {
      const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(run.body).toMatchObject({ matched: 1, granted: 0 });
    } finally {
      h.mock.setFaults({ drop_after_apply_rate: 0 });
    }
    const [row] = await ledger(strategy.id);
    expect(row).toMatchObject({ status: 'unknown', attempts: 1 });
    await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(quotaOf(id!)).toBe(4);
    expect((await ledger(strategy.id))[0]!.status).toBe('unknown');
  });
});
