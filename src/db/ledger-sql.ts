// The scanner's ledger statements, one JSON parameter each (see claimSql).
import type { LedgerFence, NewLedgerEntry } from '../core/model/ledger-entry.ts';
import { Prisma } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { leaseHeldSql } from './lease-sql.ts';
import { mysqlJsonText } from './mysql-collation.ts';

const COLUMNS = Prisma.sql`(strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, catch_up, strategy_version, created_at, updated_at, mode, target, lease_token, lot_due)`;

/**
 * A grant of an occurrence with lot terms is marked for the lot pass (`lot_due`) by the claim
 * itself: the marker exists as soon as the row does, whichever process or transaction commits
 * first, so no grant can be applied without the pass finding it (docs/expiry.md).
 */
const lotDue = (strategyId: Prisma.Sql, occurrence: Prisma.Sql) =>
  Prisma.sql`CASE WHEN EXISTS (SELECT 1 FROM credit_lot_terms t WHERE t.strategy_id = ${strategyId} AND t.occurrence = ${occurrence}) THEN TRUE END`;

function rowsJson(rows: NewLedgerEntry[], catchUp: (value: boolean) => boolean | number): string {
  return JSON.stringify(
    rows.map((r) => [
      r.strategyId,
      r.occurrence,
      r.userId,
      r.amount,
      r.idempotencyKey,
      catchUp(r.catchUp),
      r.strategyVersion,
      r.mode ?? 'add',
      // A top_up's or reset's amount is its target balance; a string, so MySQL casts it exactly.
      (r.mode ?? 'add') === 'add' ? null : r.amount.toFixed(2),
    ]),
  );
}

/**
 * Ledger rows are written with one JSON parameter per statement, expanded by the database's
 * own JSON functions, rather than with ten bind parameters per row: Prisma prepares every bound
 * value of a raw query one by one, which made a 1 000-row claim cost ~75 ms of the scanner's
 * CPU against ~8 ms this way (bench/README.md). SQLite and PostgreSQL answer with the rows the
 * statement inserted (RETURNING); MySQL has no RETURNING, see mysqlClaimSql.
 */
export function claimSql(
  kind: 'sqlite' | 'postgresql',
  rows: NewLedgerEntry[],
  now: Date,
  fence: LedgerFence,
): Prisma.Sql {
  const conflict = Prisma.sql`ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING RETURNING id, occurrence, user_id`;
  const json = rowsJson(rows, (value) => value);
  const token = BigInt(fence.token);
  // Only while the claimer holds the lease: a stalled process must not add rows behind the back
  // of the holder that counted the occurrence's budget. (The WHERE also keeps SQLite from
  // reading ON CONFLICT as a join constraint.)
  const held = leaseHeldSql(kind, fence.strategyId, fence.token);
  if (kind === 'sqlite') {
    return Prisma.sql`INSERT INTO quota_execute ${COLUMNS}
      SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, 'pending', 0, j.value ->> 4, j.value ->> 5, j.value ->> 6, ${now}, ${now},
        j.value ->> 7, CAST(j.value ->> 8 AS DECIMAL), ${token}, ${lotDue(Prisma.sql`j.value ->> 0`, Prisma.sql`j.value ->> 1`)}
      FROM json_each(${json}) j WHERE ${held} ${conflict}`;
  }
  return Prisma.sql`INSERT INTO quota_execute ${COLUMNS}
    SELECT (j.value ->> 0)::int, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::numeric, 'pending', 0, j.value ->> 4,
      (j.value ->> 5)::boolean, (j.value ->> 6)::int, ${now}::timestamp(3), ${now}::timestamp(3), j.value ->> 7, (j.value ->> 8)::numeric, ${token},
      ${lotDue(Prisma.sql`(j.value ->> 0)::int`, Prisma.sql`j.value ->> 1`)}
    FROM json_array_elements(${json}::json) AS j(value) WHERE ${held} ${conflict}`;
}

/**
 * MySQL's claim: INSERT IGNORE skips the rows whose (strategy, occurrence, user) key exists.
 * It reports only how many it inserted; mysql-claim.ts finds which. The JSON_TABLE column
 * types are the ledger's own, so a value that would not fit cannot be silently cut to fit.
 */
export function mysqlClaimSql(rows: NewLedgerEntry[], now: Date, fence: LedgerFence): Prisma.Sql {
  const json = rowsJson(rows, (value) => (value ? 1 : 0));
  const text = (length: number) => Prisma.raw(mysqlJsonText(length));
  return Prisma.sql`INSERT IGNORE INTO quota_execute ${COLUMNS}
    SELECT j.strategy_id, j.occurrence, j.user_id, j.amount, 'pending', 0, j.idempotency_key, j.catch_up, j.strategy_version, ${now}, ${now},
      j.mode, CAST(j.target AS DECIMAL(14, 2)), ${BigInt(fence.token)}, ${lotDue(Prisma.sql`j.strategy_id`, Prisma.sql`j.occurrence`)}
    FROM JSON_TABLE(${json}, '$[*]' COLUMNS (
      strategy_id INT PATH '$[0]', occurrence ${text(64)} PATH '$[1]', user_id ${text(191)} PATH '$[2]',
      amount DECIMAL(14, 2) PATH '$[3]', idempotency_key ${text(255)} PATH '$[4]', catch_up TINYINT PATH '$[5]',
      strategy_version INT PATH '$[6]', mode ${text(16)} PATH '$[7]', target VARCHAR(40) PATH '$[8]')) AS j
    WHERE ${leaseHeldSql('mysql', fence.strategyId, fence.token)}`;
}

/**
 * A list of ledger ids for `id IN (…)` of an UPDATE or DELETE: one JSON parameter, so the
 * statement's text is the same for every list. Not on MariaDB: before 11.1 it does not turn
 * `IN (subquery)` of a single-table UPDATE or DELETE into a semi-join, and reads the whole table
 * with the subquery run for every row (a 400-id list over 200 000 grants read 80 million rows,
 * 15 s). There the ids are bound one by one, and the primary key finds them.
 */
export function idListSql(kind: DatabaseKind, ids: number[]): Prisma.Sql {
  const json = JSON.stringify(ids);
  if (kind === 'sqlite') return Prisma.sql`SELECT value FROM json_each(${json})`;
  if (kind === 'mysql') return ids.length === 0 ? Prisma.sql`NULL` : Prisma.join(ids);
  return Prisma.sql`SELECT json_array_elements_text(${json}::json)::int`;
}
