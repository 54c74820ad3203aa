// AIGATEWAY_RECONCILE=query against a gateway that ignores Idempotency-Key: the user's total is
// read before each delta and kept on the ledger row; an uncertain outcome (an answer lost within
// the call, or a row a dead run left `sending`) is settled by reading the total again, compared
// in hundredths: before + amount → applied, before → sent again, anything else → unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTotals } from '../../src/core/scan/reconcile.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, GATEWAY_KEY, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe('compareTotals', () => {
  it.each([
    [0.2, 0.1, 0.3, 'applied'], // 0.2 + 0.1 !== 0.3 in binary fractions
    [0.2, 0.1, 0.2, 'not_applied'],
    [0.2, 0.1, 0.4, 'unknown'],
    [999999999999.99, 0.01, 1000000000000, 'applied'],
    [10, 5, 14.99, 'unknown'],
  ] as const)('before %d, amount %d, now %d → %s', (before, amount, now, expected) => {
    expect(compareTotals(before, amount, now)).toBe(expected);
  });
});

describe.each(DATABASE_KINDS)('reconciliation on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { honoursIdempotency: false, reconcile: 'query' });
    h.mock.setFaults({ honour_idempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function setup(users: number, amount: number) {
    const org = unique('org');
    const ids = Array.from({ length: users }, (_, i) => `${org}-u${i}`);
    expect(
      (
        await h.call(
          'POST',
          '/api/v1/users/bulk',
          ids.map((id) => ({ id, org })),
        )
      ).status,
    ).toBe(200);
    const strategy = await h.call('POST', '/api/v1/strategies', {
      name: unique('s'),
      title: 't',
      type: 'single',
      enabled: true,
      amount,
      condition: `belong-to("${org}")`,
    });
    expect(strategy.status).toBe(201);
    return { ids, strategyId: strategy.body.id as number };
  }

  /** Sets a user's total at the gateway, as another admin client would. */
  async function refresh(userId: string, quota: number) {
    const response = await fetch(`${h.mock.url}/v1/chat/completions/quota/refresh`, {
      method: 'POST',
      headers: { 'x-admin-key': GATEWAY_KEY },
      body: new URLSearchParams({ user_id: userId, quota: quota.toFixed(2) }),
    });
    expect(response.status).toBe(200);
  }

  it('an answer lost after the gateway applied the delta is settled as applied, not unknown', async () => {
    const { ids, strategyId } = await setup(3, 0.1);
    await refresh(ids[0]!, 0.2);
    h.mock.setFaults({ drop_after_apply_rate: 1 });
    const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    expect(run.body).toMatchObject({ granted: 3, failed: 0 });
    const rows = await h.database.db.quotaExecute.findMany({
      where: { strategyId },
      orderBy: { userId: 'asc' },
    });
    expect(rows.map((r) => r.status)).toEqual(['applied', 'applied', 'applied']);
    expect(rows.map((r) => Number(r.totalBefore))).toEqual([0.2, 0, 0]);
    expect(ids.map((id) => h.mock.state().quotas[id])).toEqual([0.3, 0.1, 0.1]);
  });

  it('an answer lost as the gateway goes down stays sending, and a later run settles it by the total', async () => {
    const { ids, strategyId } = await setup(1, 2);
    const [user] = ids as [string];
    const deltasBefore = h.mock.state().deltas;
    // Applied, the answer lost, and every request after it refused: the total cannot be read.
    h.mock.setFaults({ drop_after_apply_rate: 1, fail_after_drop: 1_000 });
    const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    h.mock.setFaults({ drop_after_apply_rate: 0, fail_after_drop: 0 });
    expect(run.body).toMatchObject({ granted: 0, failed: 1 });
    const row = () => h.database.db.quotaExecute.findFirstOrThrow({ where: { strategyId } });
    expect(await row()).toMatchObject({ status: 'sending' });
    expect((await row()).lastError).toMatch(/^outcome not known yet: .* could not be read/);
    expect(h.mock.state().quotas[user]).toBe(2);

    // Once no delta of that run can still arrive (the client's retry budget, counted from when
    // the row was last written), the total says the grant was applied: nothing is sent again.
    h.clock.set(new Date((await row()).updatedAt.getTime() + 6_010));
    const settled = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    expect(settled.status).toBe(200);
    expect(await row()).toMatchObject({ status: 'applied', lastError: null });
    expect(h.mock.state().deltas - deltasBefore).toBe(1);
    expect(h.mock.state().quotas[user]).toBe(2);
  });

  it('rows a dead run left sending: applied, sent again, or unknown, by the user total', async () => {
    const { ids, strategyId } = await setup(4, 2);
    const [arrived, lost, moved, never] = ids as [string, string, string, string];
    // What a killed run left: three rows marked `sending` with the totals read before sending
    // (the first delta reached the gateway, the second did not, the third user's total was
    // changed by someone else since), one `pending` row it never sent.
    await refresh(arrived, 12);
    await refresh(lost, 10);
    await refresh(moved, 15);
    // Marked a minute ago: longer than the client's whole retry budget (6 s here), so no
    // delta of the dead run can still arrive.
    const markedAt = new Date(h.clock.now().getTime() - 60_000);
    const row = (userId: string, status: string, totalBefore: number | null) => ({
      strategyId,
      occurrence: 'once',
      userId,
      amount: 2,
      status,
      idempotencyKey: `qm:${strategyId}:once:${userId}`,
      totalBefore,
      updatedAt: markedAt,
    });
    await h.database.db.quotaExecute.createMany({
      data: [
        row(arrived, 'sending', 10),
        row(lost, 'sending', 10),
        row(moved, 'sending', 10),
        row(never, 'pending', null),
      ],
    });
    const before = h.mock.state().deltas;
    const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    expect(run.status).toBe(200);
    const statuses = Object.fromEntries(
      (await h.database.db.quotaExecute.findMany({ where: { strategyId } })).map((r) => [
        r.userId,
        r.status,
      ]),
    );
    expect(statuses).toEqual({
      [arrived]: 'applied',
      [lost]: 'applied',
      [moved]: 'unknown',
      [never]: 'applied',
    });
    // Only the lost delta and the never-sent one went out.
    expect(h.mock.state().deltas - before).toBe(2);
    const quotas = h.mock.state().quotas;
    expect([quotas[arrived], quotas[lost], quotas[moved], quotas[never]]).toEqual([12, 12, 15, 2]);
  });
  it('a row marked sending moments ago waits until its delta can no longer arrive, then is settled once', async () => {
    const { ids, strategyId } = await setup(1, 2);
    const [late] = ids as [string];
    await refresh(late, 10);
    // A run died just after marking this row and sending its delta; the gateway has not applied
    // it yet (slow, or the request still queued). Reading the total now would say "not applied"
    // and the re-send would grant twice once the first delta lands.
    await h.database.db.quotaExecute.create({
      data: {
        strategyId,
        occurrence: 'once',
        userId: late,
        amount: 2,
        status: 'sending',
        idempotencyKey: `qm:${strategyId}:once:${late}`,
        totalBefore: 10,
        updatedAt: h.clock.now(),
      },
    });
    const deltasBefore = h.mock.state().deltas;
    const statusOf = async () =>
      (await h.database.db.quotaExecute.findFirstOrThrow({ where: { strategyId } })).status;

    h.clock.advance(1_000);
    expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).status).toBe(200);
    expect(await statusOf()).toBe('sending');
    expect(h.mock.state().deltas - deltasBefore).toBe(0);
    expect(h.logger.lines.some((l) => l.message.startsWith('uncertain grants wait'))).toBe(true);

    // The late delta lands; after the client's retry budget (3 × 2 s + 2 × 5 ms) the row is
    // read by its total, found applied, and nothing is sent again.
    await fetch(`${h.mock.url}/v1/chat/completions/quota/delta`, {
      method: 'POST',
      headers: { 'x-admin-key': GATEWAY_KEY },
      body: new URLSearchParams({ user_id: late, value: '2' }),
    });
    h.clock.advance(6_010);
    expect((await h.call('POST', `/api/v1/strategies/${strategyId}/run`)).status).toBe(200);
    expect(await statusOf()).toBe('applied');
    expect(h.mock.state().deltas - deltasBefore).toBe(1);
    expect(h.mock.state().quotas[late]).toBe(12);
  });
});
