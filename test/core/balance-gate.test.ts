// Which top-up and reset grants a batch may send (core/scan/balance-gate.ts): not one whose user
// has another delta of the strategy that may still land, and one per user per batch. The store
// is a fake of the port that answers from a fixed set of users with rows in flight.
import { describe, expect, it } from 'vitest';
import type { GrantMode } from '../../src/core/grant-mode.ts';
import type { ClaimedEntry } from '../../src/core/model/ledger-entry.ts';
import { gateBalanceReads } from '../../src/core/scan/balance-gate.ts';

let nextId = 1;
const grant = (userId: string, mode: GrantMode, occurrence = 'o1'): ClaimedEntry => ({
  id: nextId++,
  strategyId: 4,
  occurrence,
  userId,
  amount: 5,
  attempts: 0,
  idempotencyKey: `qm:4:${occurrence}:${userId}`,
  mode,
});

function storeWithInFlight(users: string[]) {
  const asked: { strategyId: number; userIds: string[]; excludingIds: number[] }[] = [];
  return {
    asked,
    usersWithGrantsInFlight: async (
      strategyId: number,
      userIds: string[],
      excludingIds: number[],
    ) => {
      asked.push({ strategyId, userIds, excludingIds });
      return new Set(userIds.filter((u) => users.includes(u)));
    },
  };
}

describe('the balance gate', () => {
  it('holds back a top-up or reset whose user has another delta of the strategy in flight', async () => {
    const store = storeWithInFlight(['late']);
    const batch = [grant('late', 'top_up'), grant('fresh', 'top_up'), grant('late', 'reset', 'o2')];
    const gated = await gateBalanceReads(4, batch, store);
    expect(gated.send.map((g) => g.userId)).toEqual(['fresh']);
    expect(gated.waiting.map((g) => g.id)).toEqual([batch[0]!.id, batch[2]!.id]);
    // One question for the batch, about the strategy's reading users, leaving the batch out.
    expect(store.asked).toEqual([
      { strategyId: 4, userIds: ['late', 'fresh'], excludingIds: batch.map((g) => g.id) },
    ]);
  });

  it('sends one grant per user per batch: two occurrences caught up together read one balance', async () => {
    const batch = [grant('u', 'top_up', 'o1'), grant('u', 'top_up', 'o2'), grant('v', 'top_up')];
    const gated = await gateBalanceReads(4, batch, storeWithInFlight([]));
    expect(gated.send.map((g) => g.id)).toEqual([batch[0]!.id, batch[2]!.id]);
    expect(gated.waiting.map((g) => g.id)).toEqual([batch[1]!.id]);
  });

  it('lets add grants through without asking: what they send does not depend on a read', async () => {
    const store = storeWithInFlight(['u']);
    const batch = [grant('u', 'add', 'o1'), grant('u', 'add', 'o2')];
    expect(await gateBalanceReads(4, batch, store)).toEqual({ send: batch, waiting: [] });
    expect(store.asked).toEqual([]);
  });
});
