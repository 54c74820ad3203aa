// A strategy deleted, disabled or changed while a run of it is delivering grants stops granting
// under the old definition: the `sending` mark is guarded by the strategy's version (bumped by
// every change of what is granted, to whom, when or how) and by `enabled`, so after the change
// answers only grants already marked (at most 2 × gateway concurrency) can still reach the
// gateway; the run then stops claiming at its next page and gives back what it had claimed but
// not sent. A new title is no new definition: the run goes on. On every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

const USERS = 400;
/** The harness's AIGATEWAY_CONCURRENCY. */
const CONCURRENCY = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(DATABASE_KINDS)('changing a strategy mid-run, on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 50 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function strategyFor(users: number, amount: number) {
    const org = unique('org');
    const ids = Array.from({ length: users }, (_, i) => `${org}-u${String(i).padStart(4, '0')}`);
    expect(
      (
        await h.call(
          'POST',
          '/api/v1/users/bulk',
          ids.map((id) => ({ id, org })),
        )
      ).status,
    ).toBe(200);
    const created = await createOrgStrategy(h, org, { amount });
    return { ids, id: created.id };
  }

  /**
   * Starts a run, lets it deliver some grants, applies `change`, and returns how many deltas
   * reached the gateway before the change answered and after it.
   */
  async function changeDuringRun(id: number, change: () => Promise<{ status: number }>) {
    h.mock.setFaults({ latency_ms: 15 });
    const start = h.mock.state().deltas;
    const run = h.call('POST', `/api/v1/strategies/${id}/run`);
    while (h.mock.state().deltas - start < 60) await sleep(5);
    const changed = await change();
    expect(changed.status).toBeLessThan(300);
    const atChange = h.mock.state().deltas;
    const answer = await run;
    h.mock.setFaults({ latency_ms: 0 });
    expect(answer.status).toBe(200);
    const after = h.mock.state().deltas - atChange;
    return { before: atChange - start, after };
  }

  async function ledgerOf(id: number) {
    return h.database.db.quotaExecute.findMany({ where: { strategyId: id } });
  }

  it('PATCH amount: no grant of the old amount beyond those in flight; the next run grants the new one', async () => {
    const { ids, id } = await strategyFor(USERS, 3);
    const { before, after } = await changeDuringRun(id, () =>
      h.call('PATCH', `/api/v1/strategies/${id}`, { amount: 7 }),
    );
    expect(before).toBeLessThan(USERS);
    expect(after).toBeLessThanOrEqual(2 * CONCURRENCY);
    expect((await ledgerOf(id)).filter((r) => ['pending', 'sending'].includes(r.status))).toEqual(
      [],
    );
    const quotas = h.mock.state().quotas;
    const old = ids.filter((u) => quotas[u] === 3).length;
    expect(old).toBe(before + after);

    // The next run works from the new definition (version 2) and grants everybody else 7.
    const next = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(next.body).toMatchObject({ granted: USERS - old, failed: 0 });
    const final = h.mock.state().quotas;
    expect(ids.filter((u) => final[u] === 7).length).toBe(USERS - old);
    expect(ids.filter((u) => final[u] !== 3 && final[u] !== 7)).toEqual([]);
    const rows = await ledgerOf(id);
    expect(rows.filter((r) => Number(r.amount) === 7).length).toBe(USERS - old);
  });

  it('disable: no grant beyond those in flight, nothing left claimed', async () => {
    const { ids, id } = await strategyFor(USERS, 2);
    const { before, after } = await changeDuringRun(id, () =>
      h.call('POST', `/api/v1/strategies/${id}/disable`),
    );
    expect(after).toBeLessThanOrEqual(2 * CONCURRENCY);
    const quotas = h.mock.state().quotas;
    expect(ids.filter((u) => quotas[u] === 2).length).toBe(before + after);
    expect(before + after).toBeLessThan(USERS);
    const rows = await ledgerOf(id);
    expect(rows.filter((r) => r.status !== 'applied')).toEqual([]);
    expect(rows.length).toBe(before + after);
  });

  it('PATCH title: no new version, the run goes on and grants everybody', async () => {
    const { ids, id } = await strategyFor(USERS, 5);
    const { before, after } = await changeDuringRun(id, () =>
      h.call('PATCH', `/api/v1/strategies/${id}`, { title: 'Renamed mid-run' }),
    );
    expect(before + after).toBe(USERS);
    const quotas = h.mock.state().quotas;
    expect(ids.filter((u) => quotas[u] === 5).length).toBe(USERS);
    const rows = await ledgerOf(id);
    expect(rows.filter((r) => r.status !== 'applied' || r.strategyVersion !== 1)).toEqual([]);
  });

  it('DELETE: no grant beyond those in flight, nothing left claimed', async () => {
    const { ids, id } = await strategyFor(USERS, 4);
    const { before, after } = await changeDuringRun(id, () =>
      h.call('DELETE', `/api/v1/strategies/${id}`),
    );
    expect(after).toBeLessThanOrEqual(2 * CONCURRENCY);
    const quotas = h.mock.state().quotas;
    expect(ids.filter((u) => quotas[u] === 4).length).toBe(before + after);
    expect(before + after).toBeLessThan(USERS);
    expect((await ledgerOf(id)).filter((r) => r.status !== 'applied')).toEqual([]);
  });
});
