// The statements one lot event writes, each a JSON-batched UPDATE (update-from-json.ts), so a
// page of events costs a handful of statements whatever its number of lots and users. The
// compare halves are the lot store's: the used counter as read, a lot still `active`.
import type { LotEventWrite, NewLot } from '../core/ports/lot-store.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { Prisma } from './client.ts';
import { idListSql } from './ledger-sql.ts';
import { mysqlJsonText } from './mysql-collation.ts';
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
    (col, q) => Prisma.sql`${q('state')} = ${col('state')}`,
    [['state', 'text', 'active']],
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
    (col, q) => Prisma.sql`${q('state')} = ${col('state')}`,
    [['state', 'text', 'active']],
  );
}

/**
 * The grants whose lots are written lose their marker. Only the marker: the row's `updated_at`
 * is when the grant was applied (the lot's granted-at), so no ORM update that stamps it.
 */
export function lotsMadeSql(kind: DatabaseKind, grantIds: number[]): Prisma.Sql {
  return Prisma.sql`UPDATE quota_execute SET lot_due = NULL WHERE id IN (${idListSql(kind, grantIds)})`;
}

/** A Date inside a JSON parameter, in the form each dialect stores DATETIME columns in. */
function jsonTimestamp(kind: DatabaseKind, date: Date | null): string | null {
  if (date === null) return null;
  const iso = date.toISOString();
  // The SQLite adapter writes ISO 8601 with an explicit offset; comparisons are textual.
  if (kind === 'sqlite') return iso.replace('Z', '+00:00');
  if (kind === 'mysql') return iso.replace('T', ' ').replace('Z', '');
  return iso;
}

/** JSON rows as a table `j` with typed columns, per dialect (for INSERT … SELECT). */
function jsonRows(
  kind: DatabaseKind,
  rows: unknown[][],
  columns: readonly (readonly [name: string, mysqlType: string, postgresCast: string])[],
): { from: Prisma.Sql; col: (name: string) => Prisma.Sql } {
  const json = JSON.stringify(rows);
  const index = (name: string) => columns.findIndex(([n]) => n === name);
  if (kind === 'mysql') {
    const defs = columns.map(([name, type], i) => `${name} ${type} PATH '$[${i}]'`).join(', ');
    return {
      from: Prisma.sql`JSON_TABLE(${json}, '$[*]' COLUMNS (${Prisma.raw(defs)})) AS j`,
      col: (name) => Prisma.raw(`j.${name}`),
    };
  }
  if (kind === 'sqlite')
    return {
      from: Prisma.sql`json_each(${json}) j`,
      col: (name) => Prisma.raw(`(j.value ->> ${index(name)})`),
    };
  return {
    from: Prisma.sql`json_array_elements(${json}::json) AS j(value)`,
    col: (name) => Prisma.raw(`(j.value ->> ${index(name)})::${columns[index(name)]![2]}`),
  };
}

/**
 * The first used counter of users who had none: inserted only where no row exists (another
 * writer's row wins); the caller compares the count with its rows and rolls back otherwise.
 */
export function firstUsageSql(
  kind: DatabaseKind,
  rows: { userId: string; usedSeen: number }[],
  now: Date,
): Prisma.Sql {
  const { from, col } = jsonRows(
    kind,
    rows.map((r) => [r.userId, money(r.usedSeen)]),
    [
      ['user_id', mysqlJsonText(191), 'text'],
      ['used', 'DECIMAL(24, 2)', 'numeric'],
    ],
  );
  const at = timestamp(kind, now);
  const values = Prisma.sql`SELECT ${col('user_id')}, ${kind === 'sqlite' ? Prisma.sql`CAST(${col('used')} AS DECIMAL)` : col('used')}, ${at} FROM ${from}`;
  if (kind === 'mysql')
    return Prisma.sql`INSERT IGNORE INTO credit_lot_usage (user_id, used_seen, updated_at) ${values}`;
  // (The WHERE keeps SQLite from reading ON CONFLICT as a join constraint.)
  return Prisma.sql`INSERT INTO credit_lot_usage (user_id, used_seen, updated_at) ${values} WHERE true ON CONFLICT DO NOTHING`;
}

/**
 * New lots (of grants, or rollovers), skipping any that exists (the UNIQUE keys on grant and on
 * strategy, occurrence, user and source): the caller compares the count and rolls back.
 */
export function newLotsSql(kind: DatabaseKind, lots: readonly NewLot[], now: Date): Prisma.Sql {
  const { from, col } = jsonRows(
    kind,
    lots.map((l) => [
      l.strategyId,
      l.occurrence,
      l.userId,
      l.source,
      l.grantId,
      money(l.amount),
      money(l.consumed),
      jsonTimestamp(kind, l.grantedAt),
      jsonTimestamp(kind, l.expiresAt),
      l.priority,
      l.rolloverMax === null ? null : money(l.rolloverMax),
      jsonTimestamp(kind, l.carryExpiresAt),
    ]),
    [
      ['strategy_id', 'INT', 'int'],
      ['occurrence', mysqlJsonText(191), 'text'],
      ['user_id', mysqlJsonText(191), 'text'],
      ['source', mysqlJsonText(191), 'text'],
      ['grant_id', 'INT', 'int'],
      ['amount', 'DECIMAL(14, 2)', 'numeric'],
      ['consumed', 'DECIMAL(14, 2)', 'numeric'],
      ['granted_at', 'DATETIME(3)', 'timestamp(3)'],
      ['expires_at', 'DATETIME(3)', 'timestamp(3)'],
      ['priority', 'INT', 'int'],
      ['rollover_max', 'DECIMAL(14, 2)', 'numeric'],
      ['carry_expires_at', 'DATETIME(3)', 'timestamp(3)'],
    ],
  );
  const decimal = (name: string) =>
    kind === 'sqlite' ? Prisma.sql`CAST(${col(name)} AS DECIMAL)` : col(name);
  const columns = Prisma.raw(
    'strategy_id, occurrence, user_id, source, grant_id, amount, consumed, granted_at, expires_at, priority, rollover_max, carry_expires_at, state, updated_at',
  );
  const values = Prisma.sql`SELECT ${col('strategy_id')}, ${col('occurrence')}, ${col('user_id')}, ${col('source')}, ${col('grant_id')},
    ${decimal('amount')}, ${decimal('consumed')}, ${col('granted_at')}, ${col('expires_at')}, ${col('priority')},
    ${decimal('rollover_max')}, ${col('carry_expires_at')}, 'active', ${timestamp(kind, now)} FROM ${from}`;
  if (kind === 'mysql') return Prisma.sql`INSERT IGNORE INTO credit_lot (${columns}) ${values}`;
  return Prisma.sql`INSERT INTO credit_lot (${columns}) ${values} WHERE true ON CONFLICT DO NOTHING`;
}
