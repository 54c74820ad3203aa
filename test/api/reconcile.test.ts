// AIGATEWAY_RECONCILE=query against a gateway that ignores Idempotency-Key: the user's total is
// read before each delta and kept on the ledger row; an uncertain outcome (an answer lost within
// the call, or a row a dead run left `sending`) waits out its settle time — no delta of it can
// arrive after that — and is then settled by reading the total again, compared in hundredths:
// before + amount → applied, before → sent again, anything else → unknown.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareTotals } from '../../src/core/scan/reconcile.ts';
import { reconcileBasis } from '../../src/core/scan/reconcile-basis.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, GATEWAY_KEY, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

/** The basis a run stores when the user had no other grants around its read of the total. */
const NO_OTHER_GRANTS_BASIS = reconcileBasis();

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
  /** AIGATEWAY_SETTLE_AFTER_MS here: longer than the mock holds a delta in these tests. */
  const SETTLE_MS = 1_000;
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, {
      honoursIdempotency: false,
      reconcile: 'query',
      settleAfterMs: SETTLE_MS,
      gatewayTimeoutMs: 300,
      gatewayMaxAttempts: 1,
    });
    h.mock.setFaults({ honour_idempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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
    const strategy = await createOrgStrategy(h, org, { amount });
    return { ids, strategyId: strategy.id };
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

  const run = async (strategyId: number) => {
    const response = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    expect(response.status).toBe(200);
    return response.body as { granted: number; failed: number };
  };
  const statuses = async (strategyId: number) =>
    (
      await h.database.db.quotaExecute.findMany({
        where: { strategyId },
        orderBy: { userId: 'asc' },
      })
    ).map((r) => r.status);

  it('an answer lost after the gateway applied the delta waits in doubt, then is settled as applied', async () => {
    const { ids, strategyId } = await setup(3, 0.1);
    await refresh(ids[0]!, 0.2);
    h.mock.setFaults({ drop_after_apply_rate: 1 });
    expect(await run(strategyId)).toMatchObject({ granted: 0, failed: 3 });
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    expect(await statuses(strategyId)).toEqual(['sending', 'sending', 'sending']);
    const deltas = h.mock.state().deltas;
    await sleep(SETTLE_MS + 200);
    await run(strategyId);
    expect(await statuses(strategyId)).toEqual(['applied', 'applied', 'applied']);
    const rows = await h.database.db.quotaExecute.findMany({
      where: { strategyId },
      orderBy: { userId: 'asc' },
    });
    expect(rows.map((r) => Number(r.totalBefore))).toEqual([0.2, 0, 0]);
    expect(h.mock.state().deltas).toBe(deltas);
    expect(ids.map((id) => h.mock.state().quotas[id])).toEqual([0.3, 0.1, 0.1]);
  });

  // Issue 22, reproduction 2: a proxy holds the first delta while reads pass and the client
  // times out. Reading the total at once said "not applied", the row was sent again, and the
  // held delta landed too: 10 instead of 5.
  it('a delta that is only late is never sent again: its row waits until the late delta has landed', async () => {
    const { ids, strategyId } = await setup(1, 5);
    const [user] = ids as [string];
    h.mock.setFaults({ hold_delta_rate: 1, hold_delta_ms: 700 });
    expect(await run(strategyId)).toMatchObject({ granted: 0, failed: 1 });
    h.mock.setFaults({ hold_delta_rate: 0, hold_delta_ms: 0 });
    expect(await statuses(strategyId)).toEqual(['sending']);
    // Too soon: nothing read, nothing sent.
    await run(strategyId);
    expect(await statuses(strategyId)).toEqual(['sending']);
    await sleep(SETTLE_MS + 300);
    expect(h.mock.state().quotas[user]).toBe(5);
    await run(strategyId);
    expect(await statuses(strategyId)).toEqual(['applied']);
    await run(strategyId);
    expect(h.mock.state().quotas[user]).toBe(5);
    expect(h.mock.deltaLog().items.filter((d) => d.user_id === user)).toHaveLength(1);
  });

  // Issue 22, the nemesis: a grant in doubt that never landed, and another grant of the same
  // amount to the same user during its settle wait (the next occurrence, another strategy). The
  // total moved by exactly the amount, and the lost grant was recorded applied: a silent loss.
  it("a lost grant is not taken for applied because the daemon's next grant of the same amount landed meanwhile", async () => {
    const first = await setup(1, 1);
    const [user] = first.ids as [string];
    // Sent, the connection reset, and the delta dropped for good (the mock forgets it on reset).
    h.mock.setFaults({ late_apply_rate: 1, late_apply_ms: 600_000 });
    expect(await run(first.strategyId)).toMatchObject({ granted: 0, failed: 1 });
    h.mock.setFaults({ late_apply_rate: 0, late_apply_ms: 0 });
    h.mock.reset();
    h.mock.setFaults({ honour_idempotency: false });
    // A second strategy grants the same user the same amount during the wait.
    const second = await h.call('POST', '/api/v1/strategies', {
      name: unique('s'),
      title: 't',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: `match-user("${user}")`,
    });
    expect(second.status).toBe(201);
    expect(await run(second.body.id as number)).toMatchObject({ granted: 1 });
    expect(h.mock.state().quotas[user]).toBe(1);
    await sleep(SETTLE_MS + 200);
    // Not applied: the total moved only by the second grant. Sent again (by this run's failed
    // pass or the next), and applied once.
    await run(first.strategyId);
    await run(first.strategyId);
    expect(await statuses(first.strategyId)).toEqual(['applied']);
    expect(h.mock.state().quotas[user]).toBe(2);
    const key = `qm:${first.strategyId}:once:${user}`;
    expect(h.mock.deltaLog().items.filter((d) => d.idempotency_key === key)).toHaveLength(1);
  });

  it('an answer lost as the gateway goes down stays in doubt until the total can be read', async () => {
    const { ids, strategyId } = await setup(1, 2);
    const [user] = ids as [string];
    const deltasBefore = h.mock.state().deltas;
    // Applied, the answer lost, and every request after it refused: the total cannot be read.
    h.mock.setFaults({ drop_after_apply_rate: 1, fail_after_drop: 1_000 });
    expect(await run(strategyId)).toMatchObject({ granted: 0, failed: 1 });
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    await sleep(SETTLE_MS + 200);
    await run(strategyId);
    const row = () => h.database.db.quotaExecute.findFirstOrThrow({ where: { strategyId } });
    expect(await row()).toMatchObject({ status: 'sending' });
    expect((await row()).lastError).toMatch(/^outcome not known yet: .* could not be read/);
    h.mock.setFaults({ fail_after_drop: 0 });
    // Its settle time had passed already: the next run reads the total at once.
    await run(strategyId);
    expect(await row()).toMatchObject({ status: 'applied', lastError: null });
    expect(h.mock.state().deltas - deltasBefore).toBe(1);
    expect(h.mock.state().quotas[user]).toBe(2);
  });

  it('rows a dead run left sending: stamped with a settle time, then applied, sent again, or unknown by the user total', async () => {
    const { ids, strategyId } = await setup(4, 2);
    const [arrived, lost, moved, never] = ids as [string, string, string, string];
    // What a killed run left: three rows marked `sending` with the totals read before sending
    // (the first delta reached the gateway, the second did not, the third user's total was
    // changed by someone else since), one `pending` row it never sent. Nobody stamped a settle
    // time on them: the process died mid-call.
    await refresh(arrived, 12);
    await refresh(lost, 10);
    await refresh(moved, 15);
    const row = (userId: string, status: string, totalBefore: number | null) => ({
      strategyId,
      occurrence: 'once',
      userId,
      amount: 2,
      status,
      idempotencyKey: `qm:${strategyId}:once:${userId}`,
      totalBefore,
      // No other grant to the user was in flight when the dead run read the total.
      reconcileBasis: totalBefore === null ? null : NO_OTHER_GRANTS_BASIS,
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
    // The first run sends the never-sent row and stamps the others: their deltas may be late.
    await run(strategyId);
    const stamped = await h.database.db.quotaExecute.findMany({
      where: { strategyId, status: 'sending' },
    });
    expect(stamped.map((r) => r.settleAfter !== null)).toEqual([true, true, true]);
    expect(h.mock.state().deltas - before).toBe(1);
    await sleep(SETTLE_MS + 200);
    await run(strategyId);
    const settled = Object.fromEntries(
      (await h.database.db.quotaExecute.findMany({ where: { strategyId } })).map((r) => [
        r.userId,
        r.status,
      ]),
    );
    expect(settled).toEqual({
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
        reconcileBasis: NO_OTHER_GRANTS_BASIS,
      },
    });
    const deltasBefore = h.mock.state().deltas;
    await run(strategyId);
    expect(await statuses(strategyId)).toEqual(['sending']);
    expect(h.mock.state().deltas - deltasBefore).toBe(0);
    expect(h.logger.lines.some((l) => l.message.startsWith('grants in doubt wait'))).toBe(true);

    // The late delta lands; after the settle time the row is read by its total, found applied,
    // and nothing is sent again.
    await fetch(`${h.mock.url}/v1/chat/completions/quota/delta`, {
      method: 'POST',
      headers: { 'x-admin-key': GATEWAY_KEY },
      body: new URLSearchParams({ user_id: late, value: '2' }),
    });
    await sleep(SETTLE_MS + 200);
    await run(strategyId);
    expect(await statuses(strategyId)).toEqual(['applied']);
    expect(h.mock.state().deltas - deltasBefore).toBe(1);
    expect(h.mock.state().quotas[late]).toBe(12);
  });
});
