// The grant modes' arithmetic (src/core/grant-mode.ts): pure, no gateway.
import { describe, expect, it } from 'vitest';
import {
  balanceChange,
  balanceFrom,
  planGrant,
  readsBalance,
  resendableWhenUncertain,
  type BalanceReading,
  type GrantMode,
} from '../../src/core/grant-mode.ts';

const reading = (balance: number, used = 0): BalanceReading => ({ balance, used });

describe('balanceFrom', () => {
  it.each([
    ['total_minus_used', 100, 30, { balance: 70, used: 30 }],
    ['total_minus_used', 0.3, 0.1, { balance: 0.2, used: 0.1 }],
    ['total_minus_used', 10, 25, { balance: -15, used: 25 }],
    ['quota', 70, 999, { balance: 70, used: 0 }],
  ] as const)('%s: quota %d, used %d → %j', (protocol, quota, used, expected) => {
    expect(balanceFrom(protocol, quota, used)).toEqual(expected);
  });
});

describe('planGrant', () => {
  it('add sends amount as a delta and reads nothing', () => {
    expect(planGrant('add', 5, null)).toEqual({ kind: 'delta', value: 5 });
    expect(readsBalance('add')).toBe(false);
  });

  it.each([
    [100, 30, { kind: 'delta', value: 70 }],
    [100, 0, { kind: 'delta', value: 100 }],
    [100, -20, { kind: 'delta', value: 120 }],
    [100, 100, { kind: 'nothing' }],
    [100, 150, { kind: 'nothing' }],
    [0.3, 0.1, { kind: 'delta', value: 0.2 }],
    [0, 5, { kind: 'nothing' }],
  ] as const)('top_up to %d from a balance of %d → %j', (target, balance, expected) => {
    expect(planGrant('top_up', target, reading(balance))).toEqual(expected);
  });

  it.each([
    // total-and-used: total = used + amount, so the balance ends at amount
    [500, 70, 30, { kind: 'refresh', value: 530 }],
    [500, 800, 200, { kind: 'refresh', value: 700 }],
    [0, 70, 30, { kind: 'refresh', value: 30 }],
    [0.1, 0, 0.2, { kind: 'refresh', value: 0.3 }],
    // single counter (used 0): refresh to amount
    [500, 70, 0, { kind: 'refresh', value: 500 }],
  ] as const)(
    'reset to %d from balance %d with used %d → %j',
    (amount, balance, used, expected) => {
      expect(planGrant('reset', amount, reading(balance, used))).toEqual(expected);
    },
  );

  it.each(['top_up', 'reset'] as const)('%s without a balance is a programming error', (mode) => {
    expect(() => planGrant(mode, 1, null)).toThrow(/needs the user's balance/);
  });
});

describe('balanceChange (delta_sent)', () => {
  it.each([
    ['add', 5, null, 5],
    ['top_up', 100, reading(30), 70],
    ['top_up', 100, reading(130), 0],
    ['reset', 500, reading(70, 30), 430],
    ['reset', 500, reading(800, 200), -300],
    ['reset', 0, reading(70, 30), -70],
  ] as [GrantMode, number, BalanceReading | null, number][])(
    '%s of %d from %j changes the balance by %d',
    (mode, amount, seen, expected) => {
      expect(balanceChange(planGrant(mode, amount, seen), amount, seen)).toBe(expected);
    },
  );
});

describe('resendableWhenUncertain', () => {
  it('only add would add twice when re-sent blindly', () => {
    expect(resendableWhenUncertain('add')).toBe(false);
    expect(resendableWhenUncertain('top_up')).toBe(true);
    expect(resendableWhenUncertain('reset')).toBe(true);
  });
});

describe('a retried top-up never tops up twice', () => {
  it('the first delta arrived: the re-read finds the target, nothing more is sent', () => {
    const first = planGrant('top_up', 100, reading(40));
    expect(first).toEqual({ kind: 'delta', value: 60 });
    // The answer was lost but the delta arrived: the retry reads 100.
    expect(planGrant('top_up', 100, reading(100))).toEqual({ kind: 'nothing' });
  });

  it('the user spent 15 in between: the retry adds only those 15 (the documented caveat)', () => {
    expect(planGrant('top_up', 100, reading(85))).toEqual({ kind: 'delta', value: 15 });
  });
});
