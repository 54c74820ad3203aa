// The judgement of a nemesis history. It reads only what was observed: the gateway's delta log
// (every grant the mock applied, with its Idempotency-Key) and the ledger read straight from
// the database once the cluster was quiet, plus each capped strategy's cap and the grants that
// must exist (users matching a single strategy's final condition). Pure: no I/O.
import type { DeltaLogEntry } from '../support/delta-log.ts';

export interface LedgerRecord {
  strategyId: number;
  occurrence: string;
  userId: string;
  status: string;
  /** add | top_up | reset: a top-up may send more than once under one key, by design. */
  mode: string;
  idempotencyKey: string;
  /** What the row sends, in hundredths (add: its amount; top_up, reset: `delta_sent`). */
  amountCents: number;
  /** The whole row as read, for the evidence of a failure. */
  detail?: Record<string, unknown>;
}

export interface CheckInput {
  deltas: readonly DeltaLogEntry[];
  ledger: readonly LedgerRecord[];
  /** max_users_per_occurrence per capped strategy (never changed during a history). */
  caps: ReadonlyMap<number, number>;
  /** Keys that must have a ledger row: grants due by the end of the history. */
  required: readonly string[];
  /** Users only a top-up strategy grants, and the highest target it ever had. */
  topUp?: { users: readonly string[]; highestTarget: number };
}

export interface CheckReport {
  deltas: number;
  rows: Record<string, number>;
  /** (1) keys with more than one applied delta: a user granted twice. */
  doubleGrants: string[];
  /** (2) `applied` rows with no delta: the ledger says granted, the gateway never saw it. */
  appliedWithoutDelta: string[];
  /** (2) a delta whose value is not the amount of its row. */
  wrongValue: string[];
  /** (3) deltas whose key has no ledger row at all. */
  orphanDeltas: string[];
  /** (3) deltas on `failed`, `pending` or `sending` rows: a double grant in waiting. */
  deltasOnOpenRows: string[];
  /** Rows left for a person; visible, so not a loss, but counted. */
  unknownWithDelta: number;
  unknownWithoutDelta: number;
  /** (4) grants due by the end that have no row at all. */
  missingGrants: string[];
  /** (5) occurrences that granted more users than their strategy's cap. */
  capOverruns: string[];
  /** Deltas without an Idempotency-Key (refreshes, or a client that lost the header). */
  unkeyedDeltas: number;
  /** Deltas to the top-up-only users: how much the top-up judgement had to judge. */
  topUpDeltas: number;
  /** (6) deltas that left a top-up-only user above the highest target: a top-up granted twice. */
  topUpOvershoots: string[];
}

/** The key as the ledger stores it: the header is percent-encoded UTF-8 (docs/gateway.md). */
export function decodeKey(header: string): string {
  return header.replace(/(%[0-9A-F]{2})+/g, (run) => decodeURIComponent(run));
}

const toCents = (value: string) => Math.round(Number(value) * 100);

function deltasByKey(deltas: readonly DeltaLogEntry[]) {
  const byKey = new Map<string, DeltaLogEntry[]>();
  let unkeyed = 0;
  for (const entry of deltas) {
    if (entry.kind !== 'delta' || entry.replay) continue;
    if (entry.idempotency_key === null) {
      unkeyed += 1;
      continue;
    }
    const key = decodeKey(entry.idempotency_key);
    byKey.set(key, [...(byKey.get(key) ?? []), entry]);
  }
  return { byKey, unkeyed };
}

/**
 * A top-up sends `target − balance read`, and spending only lowers a balance, so a user no other
 * strategy grants can never be above the target after a top-up delta — unless a second delta
 * landed on a balance the first one's read did not see (a late delta overtaken, a blind re-send).
 */
function topUpOvershoots(input: CheckInput): string[] {
  if (!input.topUp) return [];
  const users = new Set(input.topUp.users);
  const limit = Math.round(input.topUp.highestTarget * 100);
  return input.deltas
    .filter((e) => e.kind === 'delta' && users.has(e.user_id) && toCents(e.remaining_after) > limit)
    .map(
      (e) =>
        `${e.idempotency_key === null ? '(no key)' : decodeKey(e.idempotency_key)}: ` +
        `#${e.seq} ${e.value} left ${e.user_id} at ${e.remaining_after}, target at most ${limit / 100}`,
    );
}

function capOverruns(input: CheckInput, byKey: Map<string, DeltaLogEntry[]>): string[] {
  const granted = new Map<string, { strategyId: number; users: number }>();
  for (const row of input.ledger) {
    if (!input.caps.has(row.strategyId) || !byKey.has(row.idempotencyKey)) continue;
    const id = `${row.strategyId}:${row.occurrence}`;
    const entry = granted.get(id) ?? { strategyId: row.strategyId, users: 0 };
    entry.users += 1;
    granted.set(id, entry);
  }
  return [...granted]
    .filter(([, { strategyId, users }]) => users > input.caps.get(strategyId)!)
    .map(
      ([id, { strategyId, users }]) =>
        `${id}: ${users} users granted, cap ${input.caps.get(strategyId)}`,
    );
}

export function check(input: CheckInput): CheckReport {
  const { byKey, unkeyed } = deltasByKey(input.deltas);
  const rowsByKey = new Map(input.ledger.map((row) => [row.idempotencyKey, row]));
  const rows: Record<string, number> = {};
  for (const row of input.ledger) rows[row.status] = (rows[row.status] ?? 0) + 1;
  const report: CheckReport = {
    deltas: input.deltas.length,
    rows,
    doubleGrants: [],
    appliedWithoutDelta: [],
    wrongValue: [],
    orphanDeltas: [],
    deltasOnOpenRows: [],
    unknownWithDelta: 0,
    unknownWithoutDelta: 0,
    missingGrants: input.required.filter((key) => !rowsByKey.has(key)),
    capOverruns: capOverruns(input, byKey),
    unkeyedDeltas: unkeyed,
    topUpDeltas: input.deltas.filter(
      (e) => e.kind === 'delta' && input.topUp?.users.includes(e.user_id) === true,
    ).length,
    topUpOvershoots: topUpOvershoots(input),
  };
  for (const [key, entries] of byKey) {
    const seqs = entries.map((e) => `#${e.seq} ${e.value} at ${e.applied_at}`).join(', ');
    const row = rowsByKey.get(key);
    // A top-up re-reads the balance before each send, so one key may carry a first delta and a
    // retry's (what was spent meanwhile), and `delta_sent` is the last attempt's: its double
    // grant or wrong value shows as an overshoot, judged above.
    const repeatable = row !== undefined && row.mode !== 'add';
    if (entries.length > 1 && !repeatable)
      report.doubleGrants.push(`${key}: ${entries.length} deltas (${seqs})`);
    if (!row) report.orphanDeltas.push(`${key}: ${seqs}`);
    else if (['failed', 'pending', 'sending'].includes(row.status))
      report.deltasOnOpenRows.push(`${key}: row ${row.status}, ${seqs}`);
    if (row && !repeatable && entries.some((e) => toCents(e.value) !== row.amountCents))
      report.wrongValue.push(`${key}: row ${row.amountCents / 100}, ${seqs}`);
  }
  for (const row of input.ledger) {
    const delivered = byKey.has(row.idempotencyKey);
    // A top-up that found the user at the target sent nothing: applied, with no delta.
    const sendsNothing = row.mode !== 'add' && row.amountCents === 0;
    if (row.status === 'applied' && !delivered && !sendsNothing)
      report.appliedWithoutDelta.push(row.idempotencyKey);
    if (row.status === 'unknown') {
      if (delivered) report.unknownWithDelta += 1;
      else report.unknownWithoutDelta += 1;
    }
  }
  return report;
}

/** Why a history failed; empty when it passed. Cap overruns count only when `caps` is on. */
export function failures(report: CheckReport, options: { caps: boolean }): string[] {
  const found: string[] = [];
  const add = (what: string, items: readonly string[]) => {
    if (items.length > 0) found.push(`${items.length} ${what}: ${items.slice(0, 5).join('; ')}`);
  };
  add('double grants', report.doubleGrants);
  add('applied rows without a delta (silent loss)', report.appliedWithoutDelta);
  add('grants due with no ledger row (silent loss)', report.missingGrants);
  add('deltas without a ledger row', report.orphanDeltas);
  add('deltas on failed/pending/sending rows', report.deltasOnOpenRows);
  add('deltas of the wrong value', report.wrongValue);
  add('top-up deltas above the target', report.topUpOvershoots);
  if (options.caps) add('cap overruns', report.capOverruns);
  const open = (report.rows.pending ?? 0) + (report.rows.sending ?? 0);
  if (open > 0) found.push(`${open} rows still pending/sending: the cluster never went quiet`);
  return found;
}

/** Silent losses: the ledger or the plan says granted, the gateway never saw it. */
export function silentLosses(report: CheckReport): number {
  return report.appliedWithoutDelta.length + report.missingGrants.length;
}
