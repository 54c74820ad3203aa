// Random grant / consume / expire sequences against a simulated total-and-used gateway: the
// daemon's lazy attribution (consumption assigned at lot events only) must agree with the
// truth (every spend assigned at once in spending order), the lots' remainders never exceed the
// balance, and an expiry never takes back what belongs to another lot or to unmanaged quota.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planExpiry } from '../../../src/core/lots/expiry-plan.ts';
import {
  attributeConsumption,
  capToBalance,
  type SpendableLot,
} from '../../../src/core/lots/spending-order.ts';

type Op =
  | {
      kind: 'grant';
      amount: number;
      priority: number;
      lifetime: number;
      rolloverMax: number | null;
    }
  | { kind: 'consume'; amount: number }
  | { kind: 'elsewhere'; amount: number }
  | { kind: 'advance'; by: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('grant' as const),
    amount: fc.integer({ min: 1, max: 50_000 }),
    priority: fc.integer({ min: 0, max: 2 }),
    lifetime: fc.integer({ min: 1, max: 20 }),
    rolloverMax: fc.option(fc.integer({ min: 0, max: 20_000 }), { nil: null }),
  }),
  fc.record({ kind: fc.constant('consume' as const), amount: fc.integer({ min: 1, max: 40_000 }) }),
  fc.record({
    kind: fc.constant('elsewhere' as const),
    amount: fc.integer({ min: 1, max: 10_000 }),
  }),
  fc.record({ kind: fc.constant('advance' as const), by: fc.integer({ min: 1, max: 6 }) }),
);

interface ModelLot extends SpendableLot {
  rolloverMax: number | null;
  rollsOver: boolean;
}

function simulate(ops: Op[]) {
  let now = 0;
  let nextId = 1;
  const gateway = { total: 0, used: 0 };
  const balance = () => gateway.total - gateway.used;
  // The daemon's view: lots with attributed consumption, and `used` at its last lot event.
  const lots: ModelLot[] = [];
  let usedSeen = 0;
  // The truth: every spend assigned at once, in spending order, to the lots active then.
  const truth = new Map<number, number>();
  let unmanagedTruth = 0;

  const lotEvent = () => {
    const spent = attributeConsumption(lots, gateway.used - usedSeen);
    for (const [id, consumed] of spent.consumed)
      lots.find((l) => l.id === id)!.consumedCents = consumed;
    usedSeen = gateway.used;
    for (const [id, consumed] of capToBalance(lots, balance()))
      lots.find((l) => l.id === id)!.consumedCents = consumed;
  };
  const remaining = (l: SpendableLot) => l.amountCents - l.consumedCents;
  const addLot = (lot: ModelLot) => {
    lots.push(lot);
    truth.set(lot.id, lot.amountCents);
  };

  const expireDue = () => {
    lotEvent();
    const due = lots
      .filter((l) => l.expiresAt.getTime() <= now)
      .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || a.id - b.id);
    for (const lot of due) {
      expect(remaining(lot)).toBe(truth.get(lot.id));
      const plan = planExpiry(
        {
          remainingCents: remaining(lot),
          rolloverMaxCents: lot.rolloverMax,
          rollsOver: lot.rollsOver,
        },
        balance(),
      );
      // Never more than this lot's own untouched part: not another lot's, not unmanaged quota.
      expect(plan.takeBackCents + plan.carryCents).toBeLessThanOrEqual(truth.get(lot.id)!);
      gateway.total -= plan.takeBackCents;
      lots.splice(lots.indexOf(lot), 1);
      truth.delete(lot.id);
      if (plan.carryCents > 0)
        addLot({
          id: nextId++,
          priority: lot.priority,
          expiresAt: new Date(now + 5),
          grantedAt: new Date(now),
          amountCents: plan.carryCents,
          consumedCents: 0,
          rolloverMax: null,
          rollsOver: false,
        });
      // Everything the other lots and the unmanaged quota hold is still there.
      const held = [...truth.values()].reduce((a, b) => a + b, 0);
      expect(balance()).toBeGreaterThanOrEqual(held + unmanagedTruth);
    }
  };

  for (const o of ops) {
    if (o.kind === 'grant') {
      lotEvent();
      addLot({
        id: nextId++,
        priority: o.priority,
        expiresAt: new Date(now + o.lifetime),
        grantedAt: new Date(now),
        amountCents: o.amount,
        consumedCents: 0,
        rolloverMax: o.rolloverMax,
        rollsOver: true,
      });
      gateway.total += o.amount;
    } else if (o.kind === 'elsewhere') {
      gateway.total += o.amount;
      unmanagedTruth += o.amount;
    } else if (o.kind === 'consume') {
      const spend = Math.min(o.amount, balance());
      gateway.used += spend;
      const order = [...lots].sort((a, b) => {
        const x = { ...a, consumedCents: a.amountCents - truth.get(a.id)! };
        const y = { ...b, consumedCents: b.amountCents - truth.get(b.id)! };
        return attributeOrder(x, y);
      });
      let left = spend;
      for (const lot of order) {
        const take = Math.min(left, truth.get(lot.id)!);
        truth.set(lot.id, truth.get(lot.id)! - take);
        left -= take;
      }
      unmanagedTruth -= left;
    } else {
      now += o.by;
      expireDue();
    }
    // What the daemon would see at a lot event now (the stored view is brought up to date first).
    const seen = attributeConsumption(lots, gateway.used - usedSeen).consumed;
    const view = lots.map((l) => ({ ...l, consumedCents: seen.get(l.id) ?? l.consumedCents }));
    expect(view.reduce((s, l) => s + remaining(l), 0)).toBeLessThanOrEqual(balance());
    for (const l of view) expect(remaining(l)).toBe(truth.get(l.id));
    expect(unmanagedTruth).toBeGreaterThanOrEqual(0);
  }
}

const attributeOrder = (a: SpendableLot, b: SpendableLot) =>
  a.priority - b.priority ||
  a.expiresAt.getTime() - b.expiresAt.getTime() ||
  a.grantedAt.getTime() - b.grantedAt.getTime() ||
  a.id - b.id;

describe('lot attribution (property)', () => {
  it('matches per-spend attribution, stays within the balance, and takes back only its own', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        simulate(ops);
      }),
      { numRuns: 2000 },
    );
  });

  it('the examples of the issue', () => {
    // lot A 100 (expires first), lot B 100; consumes 30 → A takes back 70, balance 100.
    const a: SpendableLot = {
      id: 1,
      priority: 0,
      expiresAt: new Date(10),
      grantedAt: new Date(0),
      amountCents: 10_000,
      consumedCents: 0,
    };
    const b: SpendableLot = { ...a, id: 2, expiresAt: new Date(20) };
    const thirty = attributeConsumption([a, b], 3_000);
    expect([...thirty.consumed]).toEqual([[1, 3_000]]);
    expect(
      planExpiry({ remainingCents: 7_000, rolloverMaxCents: null, rollsOver: false }, 17_000),
    ).toEqual({ takeBackCents: 7_000, carryCents: 0 });
    // consumes 150 → A all, B 50.
    const more = attributeConsumption([a, b], 15_000);
    expect([...more.consumed]).toEqual([
      [1, 10_000],
      [2, 5_000],
    ]);
    // 40 from elsewhere, lot A 100, consumes 30: unmanaged is spent last.
    expect(attributeConsumption([a], 3_000)).toEqual({
      consumed: new Map([[1, 3_000]]),
      unmanagedCents: 0,
    });
    // rollover: lot 100, rollover_max 50, 20 consumed → 50 carried, 30 expired.
    expect(
      planExpiry({ remainingCents: 8_000, rolloverMaxCents: 5_000, rollsOver: true }, 8_000),
    ).toEqual({ takeBackCents: 3_000, carryCents: 5_000 });
  });
});
