// The per-strategy scan lease in SQL: take it (a new fencing token each time), renew it for the
// token that holds it, give it back. Every time in these statements is the database's own clock
// (database-clock.ts), so replicas whose clocks disagree still agree on when a lease ends.
import type { LeaseGrant, LeaseStore } from '../core/ports/lease-store.ts';
import { Prisma, type Db } from './client.ts';
import { databaseNowSql } from './database-clock.ts';
import type { DatabaseKind } from '../config/database-url.ts';

interface LeaseRow {
  token: number | bigint;
  expires_at: number | bigint;
}

export function leaseStatements(db: Db, kind: DatabaseKind): LeaseStore {
  const now = databaseNowSql(kind);
  return {
    async acquireLease(strategyId, holder, ttlMs): Promise<LeaseGrant | null> {
      const ttl = BigInt(ttlMs);
      if (kind === 'mysql') return acquireOnMysql(db, now, { strategyId, holder, ttl });
      // The lease is taken when it is free (released leases are expired) or expired, never
      // "renewed" by an acquisition: a holder that lost it must learn so (renewLease).
      const rows = await db.$queryRaw<LeaseRow[]>`
        INSERT INTO strategy_lease (strategy_id, holder, expires_at, token) VALUES (${strategyId}, ${holder}, ${now} + ${ttl}, 1)
        ON CONFLICT (strategy_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at, token = strategy_lease.token + 1
        WHERE strategy_lease.expires_at <= ${now}
        RETURNING token, expires_at`;
      const row = rows[0];
      return row === undefined ? null : grantOf(row, ttlMs);
    },

    async renewLease(strategyId, token, ttlMs): Promise<boolean> {
      const renewed = await db.$executeRaw`
        UPDATE strategy_lease SET expires_at = ${now} + ${BigInt(ttlMs)}
        WHERE strategy_id = ${strategyId} AND token = ${BigInt(token)} AND expires_at > ${now}`;
      return renewed === 1;
    },

    async releaseLease(strategyId, token): Promise<void> {
      // Expired at once rather than deleted: the next acquisition continues the token sequence.
      await db.$executeRaw`
        UPDATE strategy_lease SET expires_at = ${now}
        WHERE strategy_id = ${strategyId} AND token = ${BigInt(token)} AND expires_at > ${now}`;
    },
  };
}

function grantOf(row: LeaseRow, ttlMs: number): LeaseGrant {
  return { token: Number(row.token), databaseNowMs: Number(row.expires_at) - ttlMs };
}

/**
 * MySQL has neither a WHERE on the upsert nor RETURNING. Its assignments run left to right and
 * later ones see earlier results, so `expires_at` is assigned last: every condition before it
 * reads the old expiry. Whether this call took the lease is read back by its holder value, which
 * is unique per acquisition (the caller's id plus a nonce).
 */
async function acquireOnMysql(
  db: Db,
  now: Prisma.Sql,
  lease: { strategyId: number; holder: string; ttl: bigint },
): Promise<LeaseGrant | null> {
  const { strategyId, ttl } = lease;
  const holder = `${lease.holder}#${Math.random().toString(36).slice(2, 10)}`;
  await db.$executeRaw`
    INSERT INTO strategy_lease (strategy_id, holder, expires_at, token) VALUES (${strategyId}, ${holder}, ${now} + ${ttl}, 1)
    ON DUPLICATE KEY UPDATE
      holder = IF(expires_at <= ${now}, VALUES(holder), holder),
      token = IF(expires_at <= ${now}, token + 1, token),
      expires_at = IF(expires_at <= ${now}, VALUES(expires_at), expires_at)`;
  const rows = await db.$queryRaw<(LeaseRow & { holder: string })[]>`
    SELECT holder, token, expires_at FROM strategy_lease WHERE strategy_id = ${strategyId}`;
  const row = rows[0];
  return row?.holder === holder ? grantOf(row, Number(ttl)) : null;
}

/**
 * `held`: a condition for ledger statements, true while `token` is the strategy's current,
 * unexpired lease. A deleted strategy's lease is deleted with it and no run of it can start
 * again, so its last holder may still write its own rows' outcomes.
 */
export function leaseHeldSql(kind: DatabaseKind, strategyId: number, token: number): Prisma.Sql {
  const now = databaseNowSql(kind);
  return Prisma.sql`(EXISTS (SELECT 1 FROM strategy_lease l WHERE l.strategy_id = ${strategyId} AND l.token = ${BigInt(token)} AND l.expires_at > ${now})
    OR NOT EXISTS (SELECT 1 FROM quota_strategy s WHERE s.id = ${strategyId}))`;
}
