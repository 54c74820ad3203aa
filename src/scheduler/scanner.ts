// The scanner service: serializes scans inside this process (a tick never overlaps itself or
// an API-triggered scan), offers "run one strategy now" and "preview", and drives ticks from
// node-cron. Cross-process exclusion is the database lease in runStrategy.
import cron, { type ScheduledTask } from 'node-cron';
import { AppError } from '../core/errors.ts';
import { isOccurrence, occurrenceKey } from '../core/schedule.ts';
import { dueOccurrence, isInsideWindow } from '../core/scan/due-occurrence.ts';
import { previewStrategy, type PreviewResult } from '../core/scan/preview-strategy.ts';
import { runScan, summarize, type ScanSummary } from '../core/scan/run-scan.ts';
import {
  isOccurrenceClosed,
  runStrategy,
  type DueOccurrence,
  type RunDeps,
} from '../core/scan/run-strategy.ts';
import type { Strategy } from '../core/strategy.ts';

export interface RunNowResult extends ScanSummary {
  occurrence: string | null;
}

export class Scanner {
  private queue: Promise<unknown> = Promise.resolve();
  private task: ScheduledTask | undefined;
  private stopping = false;
  private tickInFlight = false;

  private readonly deps: RunDeps;

  constructor(deps: RunDeps) {
    this.deps = { ...deps, isStopping: () => this.stopping };
  }

  /** Runs `work` after everything already queued; errors don't poison the queue. */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }

  scanNow(): Promise<ScanSummary> {
    return this.serialize(() => runScan(this.deps, { shouldStop: () => this.stopping }));
  }

  /**
   * Runs one strategy now. Periodic: its latest occurrence, or `requested` when it is a real
   * fire time of the expression (backfill). An occurrence already done is not scanned again
   * (see dueForRun).
   */
  runNow(strategy: Strategy, requested?: Date): Promise<RunNowResult> {
    const occurrence = this.occurrenceFor(strategy, requested);
    return this.serialize(async () => {
      const started = performance.now();
      const result = await runStrategy(
        strategy,
        await this.dueForRun(strategy, occurrence),
        this.deps,
      );
      if (!result.leased)
        throw new AppError(
          'conflict',
          `strategy ${strategy.id} is being scanned by another process; try again`,
        );
      return { ...summarize([result], performance.now() - started), occurrence };
    });
  }

  /**
   * A periodic occurrence marked done is never scanned for users again, by ticks or by a run:
   * ledger retention may have deleted its applied rows, and the ledger is what stops a second
   * grant. Such a run only settles what the strategy still has open (pending rows, failed rows
   * with attempts left, as every run does first); with nothing to settle it is refused.
   * The check is made before the lease is taken: a run that races another process's run of
   * the same occurrence finds the ledger rows that process just wrote.
   */
  private async dueForRun(strategy: Strategy, occurrence: string | null): Promise<DueOccurrence[]> {
    if (occurrence === null) return [];
    const { store, ledgerMaxAttempts } = this.deps;
    if (!(await isOccurrenceClosed(strategy, occurrence, store)))
      return [{ occurrence, catchUp: false }];
    const pending = await store.findGrants(strategy.id, ['pending'], { limit: 1 });
    const failed = await store.findGrants(strategy.id, ['failed'], {
      limit: 1,
      maxAttempts: ledgerMaxAttempts,
    });
    if (pending.length > 0 || failed.length > 0) return [];
    throw new AppError(
      'occurrence_done',
      `occurrence ${occurrence} of strategy ${strategy.id} is already done: a done occurrence is not scanned again, and the strategy has no pending or failed grants to settle`,
    );
  }

  preview(strategy: Strategy, requested?: Date): Promise<PreviewResult> {
    // A preview is itself an API request: it must not wait for API requests to finish.
    return previewStrategy(strategy, this.occurrenceFor(strategy, requested), {
      ...this.deps,
      interactive: undefined,
    });
  }

  private occurrenceFor(strategy: Strategy, requested?: Date): string | null {
    if (!requested) return dueOccurrence(strategy, this.deps.clock.now());
    if (strategy.type !== 'periodic' || !strategy.periodicExpr) {
      throw new AppError(
        'validation_failed',
        'occurrence is only accepted for periodic strategies',
        [{ field: 'occurrence', message: 'not allowed for single strategies' }],
      );
    }
    if (requested > this.deps.clock.now()) {
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

  /** Starts ticking on `expression`; a tick that finds the previous one running is skipped. */
  start(expression: string, timeZone: string): void {
    this.task = cron.schedule(
      expression,
      async () => {
        if (this.tickInFlight || this.stopping) return;
        this.tickInFlight = true;
        try {
          await this.scanNow();
        } catch (error) {
          this.deps.logger.error('scan tick failed', { error: (error as Error).message });
        } finally {
          this.tickInFlight = false;
        }
      },
      { timezone: timeZone, noOverlap: true, name: 'quota-scan' },
    );
  }

  /** Stops ticking, lets the running scan finish its in-flight page, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.task?.stop();
    await this.task?.destroy();
    await this.queue;
  }
}
