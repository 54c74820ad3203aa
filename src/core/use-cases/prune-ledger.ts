// Ledger retention: deletes old `applied` rows of quota_execute, but never one the scanner
// still relies on. A ledger row is what stops the scanner from granting a (strategy,
// occurrence, user) twice, so deleting the wrong one means granting again. The rule:
//
//   A row may be deleted only if it is `applied` (pending, failed and unknown rows are work or
//   evidence an operator still needs) and was last changed more than the age ago, and
//     - its strategy no longer exists (deleted strategies never run again; ids are never
//       reused), or
//     - its strategy is periodic, has no per-user cap (max_exec_per_user = 0), and the row's
//       occurrence is closed — `done`, or a hold that ended without a grant (`superseded`,
//       `dismissed`, `released`: partly granted before the cap held it) — and is not the
//       occurrence due now.
//   Everything else is kept, in particular every row of a single strategy that still exists
//   (enabled or not): its one occurrence would be granted again without them.
//
// Why the extra periodic conditions: max_exec_per_user counts a user's rows across all
// occurrences, so deleting any would raise the cap. A done occurrence is never scanned again,
// by ticks or by runs and backfills (POST /:id/run answers 409 occurrence_done, see
// Scanner.runNow), so its rows are no longer needed; the occurrence due now keeps them anyway,
// as a margin.
import type { Clock } from '../clock.ts';
import type { LedgerKey } from '../model/ledger-entry.ts';
import type { Strategy } from '../model/strategy.ts';
import type { LedgerStore, StrategyStore } from '../ports/stores.ts';
import { dueOccurrence } from '../scan/due-occurrence.ts';
import { allStrategies } from './all-strategies.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

export type KeepReason =
  | 'single_strategy'
  | 'per_user_cap'
  | 'due_occurrence'
  | 'occurrence_not_done'
  | 'unknown_strategy';
export type DeleteReason = 'strategy_deleted' | 'occurrence_done';

export interface PruneOptions {
  before: Date;
  dryRun: boolean;
  ledger: Pick<
    LedgerStore,
    'findAppliedBefore' | 'countAppliedBefore' | 'closedOccurrences' | 'deleteAppliedBefore'
  >;
  strategies: Pick<StrategyStore, 'list'>;
  clock: Clock;
  pageSize?: number;
  onStart?(candidates: number): void;
  onProgress?(examined: number): void;
}

export interface PruneResult {
  examined: number;
  /** Deleted, or that would be deleted in a dry run. */
  deleted: Record<DeleteReason, number>;
  kept: Record<KeepReason, number>;
  /** Rows that qualified but changed before the delete reached them (so were kept). */
  changed: number;
}

/** The rule above for one row. `occurrenceDone` matters only for periodic strategies. */
export function retentionVerdict(
  row: LedgerKey,
  strategy: Strategy | undefined,
  context: { occurrenceDone: boolean; dueOccurrence: string | null; lastKnownStrategyId: number },
): { delete: DeleteReason } | { keep: KeepReason } {
  if (strategy === undefined) {
    // Created after we listed the strategies (a row that old cannot really belong to it, but
    // when in doubt, keep).
    if (row.strategyId > context.lastKnownStrategyId) return { keep: 'unknown_strategy' };
    return { delete: 'strategy_deleted' };
  }
  if (strategy.type !== 'periodic') return { keep: 'single_strategy' };
  if (strategy.maxExecPerUser > 0) return { keep: 'per_user_cap' };
  if (row.occurrence === context.dueOccurrence) return { keep: 'due_occurrence' };
  if (!context.occurrenceDone) return { keep: 'occurrence_not_done' };
  return { delete: 'occurrence_done' };
}

/**
 * pruneLedger, and one audit row (`ledger.prune`) for every run that is not a dry run: who ran
 * it, the cut-off and the counts. Ledger rows are evidence of grants, so deleting them must
 * leave a trace; a run that fails half-way is recorded with what it had deleted by then.
 */
export async function pruneLedgerAudited(
  deps: Pick<CoreDeps, 'audit' | 'actor' | 'clock'>,
  options: PruneOptions,
): Promise<PruneResult> {
  const result = emptyResult();
  if (options.dryRun) return pruneLedger(options, result);
  let outcome: PruneResult;
  try {
    outcome = await pruneLedger(options, result);
  } catch (error) {
    // The run's own error is the one to report; a failing audit write would only hide it.
    await recordPrune(deps, options.before, result, false).catch(() => undefined);
    throw error;
  }
  await recordPrune(deps, options.before, outcome, true);
  return outcome;
}

function recordPrune(
  deps: Pick<CoreDeps, 'audit' | 'actor' | 'clock'>,
  before: Date,
  result: PruneResult,
  completed: boolean,
): Promise<void> {
  const deleted = sum(result.deleted) - result.changed;
  return deps.audit.record(
    auditFor(deps, {
      action: 'ledger.prune',
      targetType: 'ledger',
      targetId: before.toISOString(),
      changes: {
        before: before.toISOString(),
        completed,
        examined: result.examined,
        deleted,
        // Only applied rows are ever deleted (the rule above).
        deleted_by_status: { applied: deleted },
        deleted_by_reason: result.deleted,
        kept: sum(result.kept) + result.changed,
        kept_by_reason: result.kept,
        changed_meanwhile: result.changed,
      },
    }),
  );
}

const sum = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);

function emptyResult(): PruneResult {
  return {
    examined: 0,
    deleted: { strategy_deleted: 0, occurrence_done: 0 },
    kept: {
      single_strategy: 0,
      per_user_cap: 0,
      due_occurrence: 0,
      occurrence_not_done: 0,
      unknown_strategy: 0,
    },
    changed: 0,
  };
}

/** The rule over every candidate row; counts go into `result` as the run goes. */
export async function pruneLedger(
  options: PruneOptions,
  result: PruneResult = emptyResult(),
): Promise<PruneResult> {
  const pageSize = options.pageSize ?? 1000;
  const strategies = new Map<number, Strategy>();
  for await (const strategy of allStrategies(options.strategies))
    strategies.set(strategy.id, strategy);
  const lastKnownStrategyId = Math.max(0, ...strategies.keys());
  const now = options.clock.now();
  const due = new Map([...strategies.values()].map((s) => [s.id, dueOccurrence(s, now)]));
  options.onStart?.(await options.ledger.countAppliedBefore(options.before));

  let afterId = 0;
  for (;;) {
    const rows = await options.ledger.findAppliedBefore(options.before, afterId, pageSize);
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.id;
    const done = await closedOccurrencesOf(rows, strategies, options.ledger);
    const doomed: number[] = [];
    for (const row of rows) {
      const verdict = retentionVerdict(row, strategies.get(row.strategyId), {
        occurrenceDone: done.has(`${row.strategyId}\u0000${row.occurrence}`),
        dueOccurrence: due.get(row.strategyId) ?? null,
        lastKnownStrategyId,
      });
      if ('keep' in verdict) {
        result.kept[verdict.keep]++;
      } else {
        result.deleted[verdict.delete]++;
        doomed.push(row.id);
      }
    }
    if (!options.dryRun && doomed.length > 0) {
      // Rows re-checked by the statement; one that changed meanwhile is kept, not counted.
      const deleted = await options.ledger.deleteAppliedBefore(doomed, options.before);
      result.changed += doomed.length - deleted;
    }
    result.examined += rows.length;
    options.onProgress?.(result.examined);
  }
  return result;
}

/** `strategyId NUL occurrence` keys of the closed occurrences among these rows' periodic strategies. */
async function closedOccurrencesOf(
  rows: LedgerKey[],
  strategies: Map<number, Strategy>,
  ledger: Pick<LedgerStore, 'closedOccurrences'>,
): Promise<Set<string>> {
  const byStrategy = new Map<number, Set<string>>();
  for (const row of rows) {
    if (strategies.get(row.strategyId)?.type !== 'periodic') continue;
    let set = byStrategy.get(row.strategyId);
    if (!set) byStrategy.set(row.strategyId, (set = new Set()));
    set.add(row.occurrence);
  }
  const done = new Set<string>();
  for (const [strategyId, occurrences] of byStrategy) {
    for (const occurrence of await ledger.closedOccurrences(strategyId, [...occurrences]))
      done.add(`${strategyId}\u0000${occurrence}`);
  }
  return done;
}
