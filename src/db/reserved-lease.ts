// Leases of jobs that must run once at a time across replicas, taken in strategy_lease under
// reserved keys. Strategy ids are autoincrement values from 1, so a negative key never meets a
// strategy, and these jobs get the scan lease's statements as they are (the database's clock,
// a fencing token, taken only when free or expired) instead of a second copy of them per
// dialect. Nothing joins strategy_lease with quota_strategy for these keys: the ledger's fenced
// statements only ever ask about a strategy's own id.
import type { ExclusiveLease } from '../core/ports/exclusive-lease.ts';
import type { Database } from './client.ts';
import { databaseNowSql } from './database-clock.ts';
import { leaseStatements } from './lease-sql.ts';

export const RESERVED_LEASE_KEYS = {
  userSync: -1,
  githubStarPoll: -2,
} as const;

export type ReservedLeaseKey = (typeof RESERVED_LEASE_KEYS)[keyof typeof RESERVED_LEASE_KEYS];

export function createReservedLease(
  { db, kind }: Database,
  key: ReservedLeaseKey,
  holder: string,
  ttlMs: number,
  monotonicMs: () => number = () => performance.now(),
): ExclusiveLease {
  const statements = leaseStatements(db, kind);
  let token: number | null = null;
  let acquiring = false;
  let renewedAt = 0;
  return {
    async acquire() {
      // Held (or being taken) by this process already: a second caller here must neither wait
      // for the database nor overwrite the holder's token with its refusal.
      if (token !== null || acquiring) return false;
      acquiring = true;
      try {
        const grant = await statements.acquireLease(key, holder, ttlMs);
        if (grant === null) return false;
        token = grant.token;
        renewedAt = monotonicMs();
        return true;
      } finally {
        acquiring = false;
      }
    },
    async renew() {
      if (token === null) return false;
      // Renewed every third of its lifetime, not per step: a write per page would cost more
      // than the page. Between renewals the holder's own monotonic clock vouches for it.
      if (monotonicMs() - renewedAt < ttlMs / 3) return true;
      const renewed = await statements.renewLease(key, token, ttlMs);
      renewedAt = monotonicMs();
      if (!renewed) token = null;
      return renewed;
    },
    async release() {
      if (token === null) return;
      const held = token;
      token = null;
      await statements.releaseLease(key, held);
    },
    async heldByAnyone() {
      const rows = await db.$queryRaw<unknown[]>`
        SELECT 1 AS held FROM strategy_lease WHERE strategy_id = ${key} AND expires_at > ${databaseNowSql(kind)}`;
      return rows.length > 0;
    },
  };
}
