// The scanner's ledger statements, one JSON parameter each (see claimSql).
import type { DeliveryOutcome, NewLedgerEntry } from '../core/model/ledger-entry.ts';
import { Prisma } from './client.ts';
import type { DatabaseKind } from './driver.ts';

/**
 * Ledger rows are written with one JSON parameter per statement, expanded by the database's
 * own JSON functions, rather than with ten bind parameters per row: Prisma prepares every bound
 * value of a raw query one by one, which made a 1 000-row claim cost ~75 ms of the scanner's
 * CPU against ~8 ms this way (bench/README.md).
 */
export function claimSql(kind: DatabaseKind, rows: NewLedgerEntry[], now: Date): Prisma.Sql {
  const columns = Prisma.sql`(strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, catch_up, created_at, updated_at, mode, target)`;
  const conflict = Prisma.sql`ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING RETURNING id, user_id`;
  const json = JSON.stringify(
    rows.map((r) => [
      r.strategyId,
      r.occurrence,
      r.userId,
      r.amount,
      r.idempotencyKey,
      r.catchUp,
      r.mode ?? 'add',
      // A top_up's or reset's amount is its target balance.
      (r.mode ?? 'add') === 'add' ? null : r.amount,
    ]),
  );
  if (kind === 'sqlite') {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    return Prisma.sql`INSERT INTO quota_execute ${columns}
      SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, 'pending', 0, j.value ->> 4, j.value ->> 5, ${now}, ${now},
        j.value ->> 6, j.value ->> 7
      FROM json_each(${json}) j WHERE true ${conflict}`;
  }
  return Prisma.sql`INSERT INTO quota_execute ${columns}
    SELECT (j.value ->> 0)::int, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::numeric, 'pending', 0, j.value ->> 4,
      (j.value ->> 5)::boolean, ${now}::timestamp(3), ${now}::timestamp(3), j.value ->> 6, (j.value ->> 7)::numeric
    FROM json_array_elements(${json}::json) AS j(value) ${conflict}`;
}

/**
 * Marks rows applied with what each delivery read and sent (balance_before, delta_sent), one
 * JSON parameter of `[id, balance_before, delta_sent]` triples, like claimSql.
 */
export function appliedSql(
  kind: DatabaseKind,
  outcomes: Pick<DeliveryOutcome, 'id' | 'balanceBefore' | 'deltaSent'>[],
  now: Date,
): Prisma.Sql {
  const json = JSON.stringify(
    outcomes.map((o) => [o.id, o.balanceBefore ?? null, o.deltaSent ?? null]),
  );
  if (kind === 'sqlite') {
    return Prisma.sql`UPDATE quota_execute SET status = 'applied', last_error = NULL, attempts = attempts + 1, updated_at = ${now},
        balance_before = j.value ->> 1, delta_sent = j.value ->> 2
      FROM json_each(${json}) j WHERE quota_execute.id = j.value ->> 0`;
  }
  return Prisma.sql`UPDATE quota_execute AS q SET status = 'applied', last_error = NULL, attempts = q.attempts + 1,
      updated_at = ${now}::timestamp(3), balance_before = (j.value ->> 1)::numeric, delta_sent = (j.value ->> 2)::numeric
    FROM json_array_elements(${json}::json) AS j(value) WHERE q.id = (j.value ->> 0)::int`;
}

/** A list of ledger ids for `id IN (…)`, as one JSON parameter. */
export function idListSql(kind: DatabaseKind, ids: number[]): Prisma.Sql {
  if (kind === 'sqlite') return Prisma.sql`SELECT value FROM json_each(${JSON.stringify(ids)})`;
  return Prisma.sql`SELECT json_array_elements_text(${JSON.stringify(ids)}::json)::int`;
}
