// The user sync's lease: one run at a time across replicas, taken in strategy_lease under a
// reserved key. Strategy ids are autoincrement values from 1, so a negative key never meets a
// strategy, and the sync gets the scan lease's statements as they are (the database's clock,
// a fencing token, taken only when free or expired) instead of a second copy of them per
// dialect. Nothing joins strategy_lease with quota_strategy for this key: the ledger's fenced
// statements only ever ask about a strategy's own id.
import type { UserSyncLease } from '../core/ports/user-source.ts';
import type { Database } from './client.ts';
import { leaseStatements } from './lease-sql.ts';

export const USER_SYNC_LEASE_KEY = -1;

export function createUserSyncLease(
  { db, kind }: Database,
  holder: string,
  ttlMs: number,
  monotonicMs: () => number = () => performance.now(),
): UserSyncLease {
  const statements = leaseStatements(db, kind);
  let token: number | null = null;
  let renewedAt = 0;
  return {
    async acquire() {
      const grant = await statements.acquireLease(USER_SYNC_LEASE_KEY, holder, ttlMs);
      token = grant?.token ?? null;
      renewedAt = monotonicMs();
      return token !== null;
    },
    async renew() {
      if (token === null) return false;
      // Renewed every third of its lifetime, not per page: a write per page would cost more
      // than the page.
      if (monotonicMs() - renewedAt < ttlMs / 3) return true;
      const renewed = await statements.renewLease(USER_SYNC_LEASE_KEY, token, ttlMs);
      renewedAt = monotonicMs();
      if (!renewed) token = null;
      return renewed;
    },
    async release() {
      if (token === null) return;
      const held = token;
      token = null;
      await statements.releaseLease(USER_SYNC_LEASE_KEY, held);
    },
  };
}
