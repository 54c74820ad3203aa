// The scanner's ledger statements, one JSON parameter each (see claimSql).
import type { DeliveryOutcome, NewLedgerEntry } from '../core/model/ledger-entry.ts';
import { Prisma } from './client.ts';
import type { DatabaseKind } from './driver.ts';

const COLUMNS = Prisma.sql`(strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, catch_up, strategy_version, created_at, updated_at, mode, target)`;

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
): Prisma.Sql {
  const conflict = Prisma.sql`ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING RETURNING id, user_id`;
  const json = rowsJson(rows, (value) => value);
  if (kind === 'sqlite') {
    // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint.
    return Prisma.sql`INSERT INTO quota_execute ${COLUMNS}
      SELECT j.value ->> 0, j.value ->> 1, j.value ->> 2, j.value ->> 3, 'pending', 0, j.value ->> 4, j.value ->> 5, j.value ->> 6, ${now}, ${now},
        j.value ->> 7, CAST(j.value ->> 8 AS DECIMAL)
      FROM json_each(${json}) j WHERE true ${conflict}`;
  }
  return Prisma.sql`INSERT INTO quota_execute ${COLUMNS}
    SELECT (j.value ->> 0)::int, j.value ->> 1, j.value ->> 2, (j.value ->> 3)::numeric, 'pending', 0, j.value ->> 4,
      (j.value ->> 5)::boolean, (j.value ->> 6)::int, ${now}::timestamp(3), ${now}::timestamp(3), j.value ->> 7, (j.value ->> 8)::numeric
    FROM json_array_elements(${json}::json) AS j(value) ${conflict}`;
}

/**
 * MySQL's claim: INSERT IGNORE skips the rows whose (strategy, occurrence, user) key exists.
 * It reports only how many it inserted; mysql-claim.ts finds which. The JSON_TABLE column
 * types are the ledger's own, so a value that would not fit cannot be silently cut to fit.
 */
export function mysqlClaimSql(rows: NewLedgerEntry[], now: Date): Prisma.Sql {
  const json = rowsJson(rows, (value) => (value ? 1 : 0));
  return Prisma.sql`INSERT IGNORE INTO quota_execute ${COLUMNS}
    SELECT j.strategy_id, j.occurrence, j.user_id, j.amount, 'pending', 0, j.idempotency_key, j.catch_up, j.strategy_version, ${now}, ${now},
      j.mode, CAST(j.target AS DECIMAL(14, 2))
    FROM JSON_TABLE(${json}, '$[*]' COLUMNS (
      strategy_id INT PATH '$[0]', occurrence VARCHAR(64) PATH '$[1]', user_id VARCHAR(191) PATH '$[2]',
      amount DECIMAL(14, 2) PATH '$[3]', idempotency_key VARCHAR(255) PATH '$[4]', catch_up TINYINT PATH '$[5]',
      strategy_version INT PATH '$[6]', mode VARCHAR(16) PATH '$[7]', target VARCHAR(40) PATH '$[8]')) AS j`;
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
  // Two decimals as strings, like markSendingSql: no binary fraction reaches a DECIMAL column.
  const fixed = (value: number | null | undefined) =>
    value === null || value === undefined ? null : value.toFixed(2);
  const json = JSON.stringify(
    outcomes.map((o) => [o.id, fixed(o.balanceBefore), fixed(o.deltaSent)]),
  );
  if (kind === 'sqlite') {
    return Prisma.sql`UPDATE quota_execute SET status = 'applied', last_error = NULL, attempts = attempts + 1, updated_at = ${now},
        balance_before = CAST(j.value ->> 1 AS DECIMAL), delta_sent = CAST(j.value ->> 2 AS DECIMAL)
      FROM json_each(${json}) j WHERE quota_execute.id = j.value ->> 0`;
  }
  if (kind === 'mysql') {
    return Prisma.sql`UPDATE quota_execute q
      JOIN JSON_TABLE(${json}, '$[*]' COLUMNS (id INT PATH '$[0]', balance VARCHAR(40) PATH '$[1]', delta VARCHAR(40) PATH '$[2]')) j ON q.id = j.id
      SET q.status = 'applied', q.last_error = NULL, q.attempts = q.attempts + 1, q.updated_at = ${now},
        q.balance_before = CAST(j.balance AS DECIMAL(14, 2)), q.delta_sent = CAST(j.delta AS DECIMAL(14, 2))`;
  }
  return Prisma.sql`UPDATE quota_execute AS q SET status = 'applied', last_error = NULL, attempts = q.attempts + 1,
      updated_at = ${now}::timestamp(3), balance_before = (j.value ->> 1)::numeric, delta_sent = (j.value ->> 2)::numeric
    FROM json_array_elements(${json}::json) AS j(value) WHERE q.id = (j.value ->> 0)::int`;
}

/** A list of ledger ids for `id IN (…)`, as one JSON parameter. */
export function idListSql(kind: DatabaseKind, ids: number[]): Prisma.Sql {
  const json = JSON.stringify(ids);
  if (kind === 'sqlite') return Prisma.sql`SELECT value FROM json_each(${json})`;
  if (kind === 'mysql')
    return Prisma.sql`SELECT j.id FROM JSON_TABLE(${json}, '$[*]' COLUMNS (id INT PATH '$')) AS j`;
  return Prisma.sql`SELECT json_array_elements_text(${json}::json)::int`;
}

/**
 * Marks rows `sending` and keeps the total read before sending, one JSON parameter of
 * [id, total] pairs. Totals travel as strings with two decimals so no binary fraction reaches
 * the DECIMAL column.
 */
export function markSendingSql(
  kind: DatabaseKind,
  strategy: { id: number; version: number },
  entries: { id: number; totalBefore: number | null }[],
  now: Date,
): Prisma.Sql {
  // In the statement itself, so no change committed before it can slip between check and mark.
  const current = Prisma.sql`EXISTS (SELECT 1 FROM quota_strategy s WHERE s.id = ${strategy.id} AND s.version = ${strategy.version} AND s.enabled = ${true})`;
  const json = JSON.stringify(
    entries.map((e) => [e.id, e.totalBefore === null ? null : e.totalBefore.toFixed(2)]),
  );
  if (kind === 'sqlite') {
    return Prisma.sql`UPDATE quota_execute SET status = 'sending', total_before = CAST(j.value ->> 1 AS DECIMAL), updated_at = ${now}
      FROM json_each(${json}) j WHERE quota_execute.id = j.value ->> 0 AND ${current}`;
  }
  if (kind === 'mysql') {
    return Prisma.sql`UPDATE quota_execute q
      JOIN JSON_TABLE(${json}, '$[*]' COLUMNS (id INT PATH '$[0]', total VARCHAR(40) PATH '$[1]')) j ON q.id = j.id
      SET q.status = 'sending', q.total_before = CAST(j.total AS DECIMAL(14, 2)), q.updated_at = ${now}
      WHERE ${current}`;
  }
  return Prisma.sql`UPDATE quota_execute q SET status = 'sending', total_before = (j.value ->> 1)::numeric, updated_at = ${now}::timestamp(3)
    FROM json_array_elements(${json}::json) AS j(value) WHERE q.id = (j.value ->> 0)::int AND ${current}`;
}
