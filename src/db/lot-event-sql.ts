// The statements one lot event writes, each a JSON-batched UPDATE (update-from-json.ts), so a
// page of events costs a handful of statements whatever its number of lots and users. The
// compare halves are the lot store's: the used counter as read, a lot still `active`.
import type { LotEventWrite } from '../core/ports/lot-store.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { Prisma } from './client.ts';
import { idListSql } from './ledger-sql.ts';
import { updateFromJson } from './update-from-json.ts';

const money = (value: number) => value.toFixed(2);

const timestamp = (kind: DatabaseKind, now: Date) =>
  kind === 'postgresql' ? Prisma.sql`${now}::timestamp(3)` : Prisma.sql`${now}`;

const USAGE = { table: 'credit_lot_usage', key: 'user_id' } as const;
const LOTS = { table: 'credit_lot', key: 'id' } as const;

/** Each user's used counter moves from what was read to what is seen now (compare-and-set). */
export function usageSql(
  kind: DatabaseKind,
  rows: { userId: string; usedSeen: number; expected: number }[],
  now: Date,
): Prisma.Sql {
  return updateFromJson(
    kind,
    USAGE,
    rows.map((r) => [r.userId, money(r.usedSeen), money(r.expected)]),
    [
      ['user_id', 'text'],
      ['used', 'wide-decimal'],
      ['expected', 'wide-decimal'],
    ],
    (lhs, col) =>
      Prisma.sql`${lhs('used_seen')} = ${col('used')}, ${lhs('updated_at')} = ${timestamp(kind, now)}`,
    (col, q) => Prisma.sql`${q('used_seen')} = ${col('expected')}`,
  );
}

/** The consumption attributed to active lots. */
export function consumedSql(
  kind: DatabaseKind,
  rows: LotEventWrite['consumed'],
  now: Date,
): Prisma.Sql {
  return updateFromJson(
    kind,
    LOTS,
    rows.map((r) => [r.id, money(r.consumed)]),
    [
      ['id', 'int'],
      ['consumed', 'decimal'],
    ],
    (lhs, col) =>
      Prisma.sql`${lhs('consumed')} = ${col('consumed')}, ${lhs('updated_at')} = ${timestamp(kind, now)}`,
    (_, q) => Prisma.sql`${q('state')} = 'active'`,
  );
}

/** Active lots whose expiry is decided: `expiring`, with what is taken back and carried. */
export function expiringSql(
  kind: DatabaseKind,
  rows: LotEventWrite['expiring'],
  now: Date,
): Prisma.Sql {
  return updateFromJson(
    kind,
    LOTS,
    rows.map((r) => [r.id, money(r.expiredAmount), r.carried === null ? null : money(r.carried)]),
    [
      ['id', 'int'],
      ['expired', 'decimal'],
      ['carried', 'decimal'],
    ],
    (lhs, col) =>
      Prisma.sql`${lhs('state')} = 'expiring', ${lhs('expired_amount')} = ${col('expired')}, ${lhs('carried')} = ${col('carried')},
        ${lhs('updated_at')} = ${timestamp(kind, now)}`,
    (_, q) => Prisma.sql`${q('state')} = 'active'`,
  );
}

/**
 * The grants whose lots are written lose their marker. Only the marker: the row's `updated_at`
 * is when the grant was applied (the lot's granted-at), so no ORM update that stamps it.
 */
export function lotsMadeSql(kind: DatabaseKind, grantIds: number[]): Prisma.Sql {
  return Prisma.sql`UPDATE quota_execute SET lot_due = NULL WHERE id IN (${idListSql(kind, grantIds)})`;
}
