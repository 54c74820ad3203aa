// A `reset` that lowers a balance grants nothing, so an amount cap counts raises only: the sum
// of max(0, change) over the users, never the net change, where one user's drain would hide
// another's raise. Through the API on every database: the run, the preview, and the ledger
// totals a later run counts (an applied reset counts what it raised, not its target).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('reset under an amount cap on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  /** Users of a fresh org, each with `balances[i]` to spend at the gateway. */
  async function usersWithBalances(org: string, balances: number[], from = 0) {
    const ids = balances.map((_, i) => `${org}-u${from + i}`);
    const bulk = await h.call(
      'POST',
      '/api/v1/users/bulk',
      ids.map((id) => ({ id, org })),
    );
    expect(bulk.status).toBe(200);
    for (const [i, id] of ids.entries())
      if (balances[i]! > 0) await h.runtime.gateway.refreshQuota(id, balances[i]!);
    return ids;
  }

  async function resetStrategy(org: string, amount: number, cap: number) {
    const created = await createOrgStrategy(h, org, {
      mode: 'reset',
      amount,
      max_amount_per_occurrence: cap,
    });
    return created.id;
  }

  it('a drain does not make room for a raise: raising 2 500 against a cap of 1 000 is held', async () => {
    const org = unique('drain');
    // One user at 0 (raised by 2 500), one at 10 000 (drained by 7 500): net −5 000.
    const [low, high] = await usersWithBalances(org, [0, 10_000]);
    const id = await resetStrategy(org, 2500, 1000);
    const held = {
      needed_users: 2,
      needed_amount: 2500,
      max_users_per_occurrence: null,
      max_amount_per_occurrence: 1000,
    };
    const preview = await h.call('POST', `/api/v1/strategies/${id}/preview`);
    expect(preview).toMatchObject({ status: 200, body: { would_grant: 0, held } });

    const run = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(run).toMatchObject({ status: 200, body: { granted: 0, held } });
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: id } })).toBe(0);
    expect(h.mock.state().quotas[low!] ?? 0).toBe(0);
    expect(h.mock.state().quotas[high!]).toBe(10_000);
  });

  it('an applied reset counts what it raised, not its target, in later runs', async () => {
    const org = unique('counted');
    // Raised by 500 and drained by 9 500: 500 of the cap of 1 000 is used.
    await usersWithBalances(org, [0, 10_000]);
    const id = await resetStrategy(org, 500, 1000);
    expect((await h.call('POST', `/api/v1/strategies/${id}/run`)).body).toMatchObject({
      granted: 2,
      held: null,
    });
    // A third user to raise by 500: 1 000 in all, exactly the cap.
    const [late] = await usersWithBalances(org, [0], 2);
    const preview = await h.call('POST', `/api/v1/strategies/${id}/preview`);
    expect(preview.body).toMatchObject({ already_granted: 2, would_grant: 1, held: null });
    const run = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(run.body).toMatchObject({ granted: 1, held: null });
    expect(h.mock.state().quotas[late!]).toBe(500);
    // A fourth would raise past it: held, with the raises counted (1 000 + 500).
    await usersWithBalances(org, [0], 3);
    const over = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(over.body).toMatchObject({
      granted: 0,
      held: { needed_users: 4, needed_amount: 1500, max_amount_per_occurrence: 1000 },
    });
  });
});
