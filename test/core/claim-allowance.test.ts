// The claim allowance a run spends page by page under its budget caps: users and amount, each
// claim counted as docs/api.md (Budgets) says: `add` at its amount, `top_up` and `reset` at the
// raise a balance read shows (a drain counts 0), or at the target when the balance is unread.
// The gateway is a fake of the core's port holding balances in memory.
import { describe, expect, it } from 'vitest';
import type { GrantMode } from '../../src/core/grant-mode.ts';
import type { Strategy } from '../../src/core/model/strategy.ts';
import type { GrantGateway } from '../../src/core/ports/gateway.ts';
import type { CoreLogger } from '../../src/core/ports/runtime-services.ts';
import { ClaimAllowance } from '../../src/core/scan/claim-allowance.ts';

const silent: CoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

/** Balances by user (single counter); a user with none cannot be read. */
function gatewayWith(balances: Record<string, number>) {
  const reads: string[] = [];
  const gateway: GrantGateway = {
    deltaQuota: () => Promise.reject(new Error('no sends here')),
    getQuota: (userId) => {
      reads.push(userId);
      const balance = balances[userId];
      return balance === undefined
        ? Promise.reject(new Error('unreadable'))
        : Promise.resolve(balance);
    },
    getUsed: () => Promise.resolve(0),
    refreshQuota: () => Promise.reject(new Error('no sends here')),
  };
  return { gateway, reads };
}

const strategy = (mode: GrantMode, amount: number) => ({ mode, amount }) as Strategy;

function allowance(
  mode: GrantMode,
  amount: number,
  left: { users: number | null; amount: number | null },
  balances: Record<string, number> = {},
) {
  const { gateway, reads } = gatewayWith(balances);
  const deps = { gateway, logger: silent, delivery: { balance: 'quota' as const } };
  const remaining = {
    users: left.users,
    amountCents: left.amount === null ? null : Math.round(left.amount * 100),
  };
  return { allowance: new ClaimAllowance(strategy(mode, amount), remaining, deps), reads };
}

describe('ClaimAllowance', () => {
  it('unlimited takes everyone and never cuts', async () => {
    const all = ClaimAllowance.unlimited();
    expect(await all.take(['a', 'b', 'c'])).toEqual(['a', 'b', 'c']);
    expect(all.cut).toBe(false);
  });

  it('a user cap is spent across pages, then leaves everyone out', async () => {
    const { allowance: users } = allowance('add', 10, { users: 3, amount: null });
    expect(await users.take(['a', 'b'])).toEqual(['a', 'b']);
    expect(users.cut).toBe(false);
    expect(await users.take(['c', 'd'])).toEqual(['c']);
    expect(users.cut).toBe(true);
    expect(await users.take(['e'])).toEqual([]);
  });

  it('add: each claim counts its amount against the amount cap', async () => {
    const { allowance: amount } = allowance('add', 2.5, { users: null, amount: 7.5 });
    expect(await amount.take(['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'c']);
    expect(amount.cut).toBe(true);
  });

  it('nothing left (a hold): no claim, and no balance read', async () => {
    const { allowance: none, reads } = allowance('top_up', 100, { users: 0, amount: 0 }, { a: 0 });
    expect(await none.take(['a'])).toEqual([]);
    expect(none.cut).toBe(true);
    expect(reads).toEqual([]);
  });

  it('reset: a drain counts 0, a raise what it raises; a larger raise left out does not stop a smaller one', async () => {
    // Target 500: a at 0 raises 500, b at 9 000 is drained (0), c at 100 raises 400, d at 450 raises 50.
    const { allowance: reset } = allowance(
      'reset',
      500,
      { users: null, amount: 600 },
      { a: 0, b: 9000, c: 100, d: 450 },
    );
    expect(await reset.take(['a', 'b', 'c', 'd'])).toEqual(['a', 'b', 'd']);
    expect(reset.cut).toBe(true);
  });

  it('top_up: an unreadable balance counts the whole target', async () => {
    const { allowance: topUp } = allowance(
      'top_up',
      100,
      { users: null, amount: 150 },
      { a: 40 }, // b cannot be read
    );
    expect(await topUp.take(['a', 'b'])).toEqual(['a']);
    expect(topUp.cut).toBe(true);
    const { allowance: roomy } = allowance('top_up', 100, { users: null, amount: 160 }, { a: 40 });
    expect(await roomy.take(['a', 'b'])).toEqual(['a', 'b']);
    expect(roomy.cut).toBe(false);
  });
});
