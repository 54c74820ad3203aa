// The scanner's ledger transitions after the claim, as compare-and-set statements: each row
// changes only from the status core/model/ledger-transitions.ts allows for the event, only if it
// still carries the lease token it was read (or marked) with, and only while the writer's token
// holds the strategy's lease. Rows travel as one JSON parameter per statement (see claimSql).
// Every condition compares a ledger row with its JSON row (the strategy, the status and token
// it must still have; shared values where they are the same for every row), never with a
// constant: see `unindexed` in update-from-json.ts for why.
import type { LedgerFence, LedgerStatus } from '../core/model/ledger-entry.ts';
import { statusesFor, type LedgerEvent } from '../core/model/ledger-transitions.ts';
import { Prisma } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { leaseHeldSql } from './lease-sql.ts';
import {
  updateFromJson as updateTableFromJson,
  type Columns,
  type SetClause,
  type SharedValues,
  type WhereClause,
} from './update-from-json.ts';

/** The ledger's JSON-batched updates: rows of quota_execute found by id. */
const updateFromJson = (
  kind: DatabaseKind,
  rows: unknown[][],
  columns: Columns,
  set: SetClause,
  where: WhereClause,
  shared: SharedValues,
) => updateTableFromJson(kind, LEDGER, rows, columns, set, where, shared);

const LEDGER = { table: 'quota_execute', key: 'id' } as const;

const timestamp = (kind: DatabaseKind, now: Date) =>
  kind === 'postgresql' ? Prisma.sql`${now}::timestamp(3)` : Prisma.sql`${now}`;

const statusList = (statuses: readonly LedgerStatus[]) =>
  Prisma.join(statuses.map((status) => Prisma.sql`${status}`));

/**
 * The status a transition starts from, where the transition table allows exactly one: a shared
 * value of the statement, compared like a JSON column.
 */
function onlyStatusFor(event: LedgerEvent): LedgerStatus {
  const [status, ...others] = statusesFor(event);
  if (status === undefined || others.length > 0)
    throw new Error(`the ledger's ${event} transition does not start from exactly one status`);
  return status;
}
const OUTCOME_FROM = onlyStatusFor('applied');
const DEFER_FROM = onlyStatusFor('defer');

/** Two decimals as a string, or null. */
const fixed = (value: number | null | undefined) =>
  value === null || value === undefined ? null : value.toFixed(2);

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * Text a database column can hold: PostgreSQL refuses NUL in text, and a lone surrogate cannot
 * be encoded as UTF-8 by any of them. Error messages quote gateways and user ids.
 */
export function storableText(text: string | null): string | null {
  if (text === null) return null;
  return text.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

export interface MarkRow {
  id: number;
  totalBefore: number | null;
  reconcileBasis?: string | null;
  /** Take-backs: the balance capped by and the delta to send; absent keeps the stored ones. */
  balanceBefore?: number | null;
  deltaSent?: number | null;
  /** The status and token the run read the row with: the compare half. */
  expectedStatus: LedgerStatus;
  expectedToken: number | null;
}

/**
 * `mark`: rows go `sending` under the fence's token, just before their calls, only while the
 * strategy is enabled at `version` (a run never sends under a definition changed since it read
 * it) and the fence holds the lease. A null version (lot expiries) checks no strategy.
 */
export function markSendingSql(
  kind: DatabaseKind,
  fence: LedgerFence,
  version: number | null,
  rows: MarkRow[],
  now: Date,
): Prisma.Sql {
  const current =
    version === null
      ? Prisma.sql`1 = 1`
      : Prisma.sql`EXISTS (SELECT 1 FROM quota_strategy s WHERE s.id = ${fence.strategyId} AND s.version = ${version} AND s.enabled = ${true})`;
  const columns: Columns = [
    ['id', 'int'],
    ['total', 'decimal'],
    ['status', 'text'],
    ['token', 'bigint'],
    ['basis', 'text'],
    ['balance', 'decimal'],
    ['delta', 'decimal'],
  ];
  return updateFromJson(
    kind,
    rows.map((r) => [
      r.id,
      fixed(r.totalBefore),
      r.expectedStatus,
      r.expectedToken ?? 0,
      r.reconcileBasis ?? null,
      fixed(r.balanceBefore),
      fixed(r.deltaSent),
    ]),
    columns,
    (lhs, col) =>
      Prisma.sql`${lhs('status')} = 'sending', ${lhs('total_before')} = ${col('total')}, ${lhs('reconcile_basis')} = ${col('basis')}, ${lhs('lease_token')} = ${BigInt(fence.token)},
        ${lhs('balance_before')} = COALESCE(${col('balance')}, q.balance_before), ${lhs('delta_sent')} = COALESCE(${col('delta')}, q.delta_sent),
        ${lhs('settle_after')} = NULL, ${lhs('updated_at')} = ${timestamp(kind, now)}`,
    (col, q) =>
      Prisma.sql`${q('strategy_id')} = ${col('strategy')} AND ${col('status')} IN (${statusList(statusesFor('mark'))})
        AND ${q('status')} = ${col('status')} AND COALESCE(${q('lease_token')}, 0) = ${col('token')} AND ${current}
        AND ${leaseHeldSql(kind, fence.strategyId, fence.token)}`,
    [['strategy', 'int', fence.strategyId]],
  );
}

export interface OutcomeRow {
  id: number;
  status: Exclude<LedgerStatus, 'pending'>;
  lastError: string | null;
  balanceBefore?: number | null;
  deltaSent?: number | null;
  attempts: number;
  settleAfter: number | null;
}

/**
 * Outcomes of the fence's own sends: only rows still `sending` under its token, only while it
 * holds the lease. A balance or delta the delivery did not observe keeps the stored one.
 */
export function outcomesSql(
  kind: DatabaseKind,
  fence: LedgerFence,
  rows: OutcomeRow[],
  now: Date,
): Prisma.Sql {
  const columns: Columns = [
    ['id', 'int'],
    ['status', 'text'],
    ['last_error', 'text'],
    ['balance', 'decimal'],
    ['delta', 'decimal'],
    ['attempts', 'int'],
    ['settle_after', 'bigint'],
  ];
  return updateFromJson(
    kind,
    rows.map((r) => [
      r.id,
      r.status,
      storableText(r.lastError),
      fixed(r.balanceBefore),
      fixed(r.deltaSent),
      r.attempts,
      r.settleAfter,
    ]),
    columns,
    (lhs, col) =>
      Prisma.sql`${lhs('status')} = ${col('status')}, ${lhs('last_error')} = ${col('last_error')},
        ${lhs('balance_before')} = COALESCE(${col('balance')}, q.balance_before), ${lhs('delta_sent')} = COALESCE(${col('delta')}, q.delta_sent),
        ${lhs('attempts')} = q.attempts + ${col('attempts')}, ${lhs('settle_after')} = ${col('settle_after')},
        ${lhs('updated_at')} = ${timestamp(kind, now)}`,
    (col, q) =>
      Prisma.sql`${q('strategy_id')} = ${col('strategy')} AND ${q('status')} = ${col('expected')}
        AND ${q('lease_token')} = ${col('token')} AND ${leaseHeldSql(kind, fence.strategyId, fence.token)}`,
    [
      ['strategy', 'int', fence.strategyId],
      ['token', 'bigint', fence.token],
      ['expected', 'text', OUTCOME_FROM],
    ],
  );
}

/**
 * `defer`: a holder stamps when it may settle rows an earlier holder left in doubt without a
 * settle time (it died or stalled mid-call). Only rows still carrying the token they were read
 * with, so a stamp never lands on a row somebody settled meanwhile.
 */
export function deferSql(
  kind: DatabaseKind,
  fence: LedgerFence,
  rows: { id: number; expectedToken: number | null }[],
  settleAfter: number,
): Prisma.Sql {
  return updateFromJson(
    kind,
    rows.map((r) => [r.id, r.expectedToken ?? 0]),
    [
      ['id', 'int'],
      ['token', 'bigint'],
    ],
    (lhs) => Prisma.sql`${lhs('settle_after')} = ${BigInt(settleAfter)}`,
    (col, q) =>
      Prisma.sql`${q('strategy_id')} = ${col('strategy')} AND ${q('status')} = ${col('expected')}
        AND ${q('settle_after')} IS NULL AND COALESCE(${q('lease_token')}, 0) = ${col('token')}
        AND ${leaseHeldSql(kind, fence.strategyId, fence.token)}`,
    [
      ['strategy', 'int', fence.strategyId],
      ['expected', 'text', DEFER_FROM],
    ],
  );
}
