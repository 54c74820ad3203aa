// Which balance-reading sends a batch may send (core/scan/balance-gate.ts): not one whose user
// has another delta — of any strategy, or a lot expiry — that may still land, and one per user
// per batch. The store is a fake of the port that answers from a fixed set of users with rows
// in flight; the port's SQL and in-memory versions are tested in test/db/ledger-writes.test.ts.
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
  const asked: { userIds: string[]; excludingIds: number[] }[] = [];
  return {
    asked,
    usersWithDeltasInFlight: async (userIds: string[], excludingIds: number[]) => {
      asked.push({ userIds, excludingIds });
      return new Set(userIds.filter((u) => users.includes(u)));
    },
  };
}

describe('the balance gate', () => {
  it('holds back a top-up or reset whose user has another delta in flight', async () => {
    const store = storeWithInFlight(['late']);
    const batch = [grant('late', 'top_up'), grant('fresh', 'top_up'), grant('late', 'reset', 'o2')];
    const gated = await gateBalanceReads(batch, store);
    expect(gated.send.map((g) => g.userId)).toEqual(['fresh']);
    expect(gated.waiting.map((g) => g.id)).toEqual([batch[0]!.id, batch[2]!.id]);
    // One question for the batch, about its reading users (any strategy's rows), leaving the
    // batch out.
    expect(store.asked).toEqual([
      { userIds: ['late', 'fresh'], excludingIds: batch.map((g) => g.id) },
    ]);
  });

  it('sends one grant per user per batch: two occurrences caught up together read one balance', async () => {
    const batch = [grant('u', 'top_up', 'o1'), grant('u', 'top_up', 'o2'), grant('v', 'top_up')];
    const gated = await gateBalanceReads(batch, storeWithInFlight([]));
    expect(gated.send.map((g) => g.id)).toEqual([batch[0]!.id, batch[2]!.id]);
    expect(gated.waiting.map((g) => g.id)).toEqual([batch[1]!.id]);
  });

  it('lets add grants through without asking: what they send does not depend on a read', async () => {
    const store = storeWithInFlight(['u']);
    const batch = [grant('u', 'add', 'o1'), grant('u', 'add', 'o2')];
    expect(await gateBalanceReads(batch, store)).toEqual({ send: batch, waiting: [] });
    expect(store.asked).toEqual([]);
  });

  it('gates whatever the caller says depends on the balance: lot expiries, one per user', async () => {
    const store = storeWithInFlight(['busy']);
    const expiry = (userId: string, amount: number) => ({ ...grant(userId, 'add'), amount });
    const batch = [expiry('u', -70), expiry('u', -50), expiry('busy', -10), expiry('u', 0)];
    const gated = await gateBalanceReads(batch, store, (g) => g.amount !== 0);
    // The zero take-back sends nothing, so it waits for nothing.
    expect(gated.send.map((g) => g.id)).toEqual([batch[0]!.id, batch[3]!.id]);
    expect(gated.waiting.map((g) => g.id)).toEqual([batch[1]!.id, batch[2]!.id]);
  });
});
