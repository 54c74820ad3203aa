// A strategy change on PostgreSQL as one statement: the quota_strategy write, its outbox event,
// the event's webhook deliveries and its audit row, chained by data-modifying CTEs from the
// strategy row's RETURNING. One statement is one round trip and needs no BEGIN/COMMIT: it is a
// transaction by itself, so it commits all of its rows or none (a duplicate name, a lost
// If-Match race or a missing row writes nothing). The interactive transaction it replaces sent
// six statements for a create (bench/README.md §21).
//
// The rows are the ones the transactional path writes (audit-store.ts, event-outbox.ts): the
// same builders make them, so the audit row and the event body are the same bytes. Only a
// create does not know its strategy id before the statement; its event body is split around
// the id (bodyAroundId) and the database puts the new id in between.
import { randomInt } from 'node:crypto';
import type { AuditDraft } from '../core/model/audit.ts';
import { eventsForAudit } from '../core/model/audit-events.ts';
import { strategyFieldEntries } from '../core/model/strategy-fields.ts';
import type { StrategyRevision } from '../core/model/strategy-tag.ts';
import { auditRow } from './audit-store.ts';
import { Prisma } from './client.ts';
import { outboxRow, subscribedTo } from './event-outbox.ts';
import type { StrategyRow } from './row-mappers.ts';

/** Column values by the field names the row mappers use (camelCase, as Prisma's data). */
export type StrategyColumnValues = Record<string, unknown>;

export type StrategyChange =
  | { kind: 'create'; values: StrategyColumnValues }
  | {
      kind: 'update';
      id: number;
      values: StrategyColumnValues;
      bumpVersion: boolean;
      /** Only if the row is still at this revision (If-Match); otherwise any existing row. */
      expected?: StrategyRevision;
    }
  | { kind: 'delete'; id: number };

/** quota_strategy's column for a field: the schema maps each camelCase field to snake_case. */
export const strategyColumn = (field: string) =>
  field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

const column = (field: string) => Prisma.raw(`"${strategyColumn(field)}"`);

/** The strategy write, as the CTE `changed` whose RETURNING the rest of the statement reads. */
function changedSql(change: StrategyChange): Prisma.Sql {
  if (change.kind === 'create') {
    const fields = Object.keys(change.values);
    return Prisma.sql`INSERT INTO quota_strategy (${Prisma.join(fields.map(column))})
      VALUES (${Prisma.join(fields.map((field) => change.values[field]))}) RETURNING *`;
  }
  if (change.kind === 'delete')
    return Prisma.sql`DELETE FROM quota_strategy WHERE id = ${change.id} RETURNING *`;
  const set = Object.entries(change.values).map(
    ([field, value]) => Prisma.sql`${column(field)} = ${value}`,
  );
  if (change.bumpVersion) set.push(Prisma.sql`version = version + 1`);
  const expected = change.expected
    ? Prisma.sql` AND version = ${change.expected.version} AND updated_at = ${change.expected.updatedAt}`
    : Prisma.empty;
  return Prisma.sql`UPDATE quota_strategy SET ${Prisma.join(set)}
    WHERE id = ${change.id}${expected} RETURNING *`;
}

/**
 * A strategy's bookkeeping goes with it (strategy-store.ts delete), and only when the strategy
 * row itself was deleted by this statement: reading `changed` also makes PostgreSQL delete the
 * strategy first, so the statement takes its row locks in one order.
 */
const BOOKKEEPING_TABLES = ['strategy_lease', 'strategy_occurrence', 'strategy_scan_position'];
const bookkeepingSql = (change: StrategyChange) =>
  change.kind !== 'delete'
    ? []
    : BOOKKEEPING_TABLES.map(
        (table, i) =>
          Prisma.sql`, gone_${Prisma.raw(String(i))} AS (DELETE FROM ${Prisma.raw(table)} WHERE strategy_id IN (SELECT id FROM changed))`,
      );

/** Text that the new id's digits cannot be confused with: 16 random digits, negative. */
const idPlaceholder = () => -(2 ** 52 + randomInt(2 ** 47));

/**
 * The event body with the strategy id left out: the text before and after it. The placeholder
 * is random, so user text in the body (a condition, a title) matches it only by a chance of
 * 2^-47; should it occur more than once anyway, another is drawn.
 */
function bodyAroundId(
  draft: AuditDraft,
  eventIndex: number,
): { head: string; tail: string | null; row: ReturnType<typeof outboxRow> } {
  for (;;) {
    const placeholder = idPlaceholder();
    const event = eventsForAudit({ ...draft, targetId: String(placeholder) })[eventIndex]!;
    const row = outboxRow(event);
    const parts = row.body.split(String(placeholder));
    if (parts.length === 1) return { head: row.body, tail: null, row };
    if (parts.length === 2) return { head: parts[0]!, tail: parts[1]!, row };
  }
}

/** The outbox rows, their deliveries and the audit row, read from `changed`. */
function recordSql(change: StrategyChange, audit: AuditDraft): Prisma.Sql[] {
  const fillsId = change.kind === 'create';
  const events = eventsForAudit(audit).map((event, i) => {
    if (fillsId) return bodyAroundId(audit, i);
    const row = outboxRow(event);
    return { row, head: row.body, tail: null };
  });
  const parts: Prisma.Sql[] = [];
  if (events.length > 0) {
    const values = events.map(
      ({ row, head, tail }) =>
        Prisma.sql`(${row.eventId}::text, ${row.type}::text, ${row.occurredAt}::timestamp(3), ${head}::text, ${tail}::text, ${subscribedTo(row.type)}::text)`,
    );
    const now = new Date();
    parts.push(
      Prisma.sql`, new_event (event_id, type, occurred_at, body_head, body_tail, subscribers) AS (VALUES ${Prisma.join(values)})`,
      Prisma.sql`, outbox AS (
        INSERT INTO event_outbox (event_id, type, occurred_at, body)
        SELECT n.event_id, n.type, n.occurred_at,
          CASE WHEN n.body_tail IS NULL THEN n.body_head ELSE n.body_head || changed.id::text || n.body_tail END
        FROM changed, new_event n
        RETURNING id, event_id)`,
      Prisma.sql`, delivery AS (
        INSERT INTO webhook_delivery (endpoint_id, event_id, status, attempts, next_attempt_at, lease_until, created_at, updated_at)
        SELECT e.id, o.id, 'pending', 0, 0, 0, ${now}::timestamp(3), ${now}::timestamp(3)
        FROM outbox o JOIN new_event n ON n.event_id = o.event_id
          JOIN webhook_endpoint e ON e.enabled = TRUE AND e.event_types LIKE n.subscribers ESCAPE '!')`,
    );
  }
  const row = auditRow(audit);
  const targetId = fillsId ? Prisma.sql`changed.id::text` : Prisma.sql`${row.targetId}::text`;
  parts.push(Prisma.sql`, audit AS (
    INSERT INTO audit_event (at, actor, action, target_type, target_id, changes, request_id)
    SELECT ${row.at}::timestamp(3), ${row.actor}::text, ${row.action}::text, ${row.targetType}::text,
      ${targetId}, ${row.changes}::text, ${row.requestId}::text
    FROM changed)`);
  return parts;
}

/**
 * The one statement of `change` with its audit row and events (none without an audit draft).
 * It answers the changed row, or no row when nothing matched (missing, or not at `expected`).
 */
export function strategyChangeSql(change: StrategyChange, audit?: AuditDraft): Prisma.Sql {
  const more = [...bookkeepingSql(change), ...(audit ? recordSql(change, audit) : [])];
  return Prisma.sql`WITH changed AS (${changedSql(change)})${more.length > 0 ? Prisma.join(more, '') : Prisma.empty}
    SELECT * FROM changed`;
}

/**
 * A quota_strategy row as a statement answers it (snake_case columns), as Prisma reads it. SQLite
 * and MySQL answer a boolean column as 0 or 1; Prisma reads it as a boolean, and so does this.
 */
export function toStrategyRow(row: Record<string, unknown>): StrategyRow {
  const mapped: Record<string, unknown> = {};
  for (const field of ['id', 'version', 'createdAt', 'updatedAt'])
    mapped[field] = row[strategyColumn(field)];
  for (const [field, spec] of strategyFieldEntries()) {
    const value = row[strategyColumn(field)];
    mapped[field] = spec.kind === 'boolean' ? asBoolean(value) : value;
  }
  return mapped as StrategyRow;
}

function asBoolean(value: unknown): unknown {
  if (value === 0 || value === 0n) return false;
  if (value === 1 || value === 1n) return true;
  return value;
}
