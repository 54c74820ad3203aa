// Which occurrences a tick, a run or a preview works on, and which are closed for good. The
// rules about backfills, unfinished occurrences and done occurrences live here, so the
// scheduler, the API and the CLI all follow the same ones.
import { AppError } from '../errors.ts';
import type { DueOccurrence } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import type { ScanStore } from '../ports/scan-store.ts';
import { isOccurrence, nextOccurrences, occurrenceKey, SINGLE_OCCURRENCE } from '../schedule.ts';
import { dueOccurrence, isInsideWindow, planOccurrences } from './due-occurrence.ts';
import type { RunDeps } from './run-deps.ts';

/**
 * A periodic occurrence marked done is never scanned for users again, by ticks, runs or
 * previews: ledger retention may have deleted its rows, and the ledger is what stops a second
 * grant.
 */
export async function isOccurrenceClosed(
  strategy: Strategy,
  occurrence: string,
  store: ScanStore,
): Promise<boolean> {
  return strategy.type === 'periodic' && (await store.isOccurrenceDone(strategy.id, occurrence));
}

/** A tick's occurrences: due ones that are not done yet, oldest first; warns when max_catch_up cut some. */
export async function dueForTick(
  strategy: Strategy,
  deps: Pick<RunDeps, 'store' | 'logger'>,
  now: Date,
): Promise<DueOccurrence[]> {
  if (strategy.type !== 'periodic') return planOccurrences(strategy, now).due;
  const lastRecorded =
    strategy.missedRuns === 'catch_up'
      ? await deps.store.latestRecordedOccurrence(strategy.id)
      : null;
  const plan = planOccurrences(strategy, now, lastRecorded);
  if (plan.cut > 0) {
    deps.logger.warn('missed occurrences beyond max_catch_up were skipped', {
      strategy_id: strategy.id,
      max_catch_up: strategy.maxCatchUp,
      oldest_kept: plan.due[0]?.occurrence,
    });
  }
  const due = [...plan.due];
  // An occurrence that was opened but never finished (crash, outage) is finished first.
  if (
    lastRecorded &&
    !due.some((d) => d.occurrence === lastRecorded) &&
    !(await deps.store.isOccurrenceDone(strategy.id, lastRecorded))
  ) {
    due.unshift({ occurrence: lastRecorded, catchUp: true });
  }
  const open: DueOccurrence[] = [];
  for (const item of due) {
    if (!(await deps.store.isOccurrenceDone(strategy.id, item.occurrence))) open.push(item);
  }
  return open;
}

/**
 * The occurrence a run or preview works on: the one due now, or `requested` when it is a past
 * fire time of a periodic strategy (a backfill). Anything else is refused with a 400.
 */
export function requestedOccurrence(
  strategy: Strategy,
  requested: Date | undefined,
  now: Date,
  /** Previews may look ahead; runs never grant an occurrence before its time. */
  allowFuture = false,
): string | null {
  if (!requested) return dueOccurrence(strategy, now);
  if (strategy.type !== 'periodic' || !strategy.periodicExpr) {
    throw new AppError('validation_failed', 'occurrence is only accepted for periodic strategies', [
      { field: 'occurrence', message: 'not allowed for single strategies' },
    ]);
  }
  if (requested > now && !allowFuture) {
    throw new AppError('validation_failed', 'occurrence is in the future', [
      { field: 'occurrence', message: 'must not be in the future' },
    ]);
  }
  if (!isOccurrence(strategy.periodicExpr, strategy.timezone, requested)) {
    throw new AppError('validation_failed', 'occurrence is not a fire time of the strategy', [
      {
        field: 'occurrence',
        message: `not produced by "${strategy.periodicExpr}" in ${strategy.timezone}`,
      },
    ]);
  }
  if (!isInsideWindow(strategy, requested)) {
    throw new AppError('validation_failed', "occurrence is outside the strategy's window", [
      {
        field: 'occurrence',
        code: 'occurrence_outside_window',
        message: `must lie in [start_at, end_at) = [${strategy.startAt?.toISOString() ?? '-∞'}, ${strategy.endAt?.toISOString() ?? '∞'})`,
      },
    ]);
  }
  return occurrenceKey(requested);
}

/**
 * The occurrence a preview (or explain) looks at: the one due now (absent), the next one to come
 * (`next`: `once` for a single strategy, else the next fire time inside the window), or any
 * fire time, future ones included.
 */
export function previewedOccurrence(
  strategy: Strategy,
  requested: Date | 'next' | undefined,
  now: Date,
): string | null {
  if (requested !== 'next') return requestedOccurrence(strategy, requested, now, true);
  if (strategy.type !== 'periodic' || !strategy.periodicExpr) return SINGLE_OCCURRENCE;
  const earliest = Math.max(now.getTime(), strategy.startAt?.getTime() ?? 0) - 1;
  const [next] = nextOccurrences(strategy.periodicExpr, strategy.timezone, new Date(earliest), 1);
  if (!next || (strategy.endAt && next > strategy.endAt)) return null;
  return occurrenceKey(next);
}

/**
 * A run's occurrences. A periodic occurrence marked done is never scanned for users again:
 * ledger retention may have deleted its applied rows, and the ledger is what stops a second
 * grant. Such a run only settles what the strategy still has open (pending rows, failed rows
 * with attempts left, as every run does first); with nothing to settle it is refused (409).
 * The check is made before the lease is taken: a run that races another process's run of the
 * same occurrence finds the ledger rows that process just wrote.
 */
export async function dueForRun(
  strategy: Strategy,
  occurrence: string | null,
  deps: Pick<RunDeps, 'store' | 'ledgerMaxAttempts'>,
): Promise<DueOccurrence[]> {
  if (occurrence === null) return [];
  const { store, ledgerMaxAttempts } = deps;
  if (!(await isOccurrenceClosed(strategy, occurrence, store)))
    return [{ occurrence, catchUp: false }];
  const pending = await store.findEntries(strategy.id, ['pending', 'sending'], { limit: 1 });
  const failed = await store.findEntries(strategy.id, ['failed'], {
    limit: 1,
    maxAttempts: ledgerMaxAttempts,
  });
  if (pending.length > 0 || failed.length > 0) return [];
  throw new AppError(
    'occurrence_done',
    `occurrence ${occurrence} of strategy ${strategy.id} is already done: a done occurrence is not scanned again, and the strategy has no pending or failed grants to settle`,
  );
}
