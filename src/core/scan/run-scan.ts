// One scan: every enabled strategy, its due occurrence, one after another. Strategies are run
// sequentially on purpose: each one already fans out to the gateway with bounded concurrency,
// and a lease per strategy lets several replicas share the work.
import type { Strategy } from '../strategy.ts';
import { planOccurrences } from './due-occurrence.ts';
import {
  runStrategy,
  type DueOccurrence,
  type RunDeps,
  type StrategyRunResult,
} from './run-strategy.ts';

export interface ScanSummary {
  strategies: number;
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
  duration_ms: number;
}

export async function runScan(
  deps: RunDeps,
  options: { shouldStop?: () => boolean } = {},
): Promise<ScanSummary> {
  const started = deps.clock.now().getTime();
  const startedAt = performance.now();
  const strategies = await deps.store.listEnabledStrategies().catch((error: unknown) => {
    deps.observer?.scanFailed(performance.now() - startedAt);
    throw error;
  });
  const results: StrategyRunResult[] = [];
  for (const strategy of strategies) {
    if (options.shouldStop?.()) break;
    results.push(await runOne(strategy, deps, started));
  }
  const summary = summarize(results, performance.now() - startedAt);
  deps.logger.info('scan finished', { ...summary });
  deps.observer?.scanFinished(summary);
  return summary;
}

async function runOne(
  strategy: Strategy,
  deps: RunDeps,
  nowMs: number,
): Promise<StrategyRunResult> {
  let occurrence: string | null = null;
  try {
    const due = await dueNow(strategy, deps, nowMs);
    occurrence = due.at(-1)?.occurrence ?? null;
    return await runStrategy(strategy, due, deps);
  } catch (error) {
    // One broken strategy must not stop the others; the error is logged and counted.
    deps.logger.error('strategy run failed', {
      strategy_id: strategy.id,
      occurrence,
      error: (error as Error).message,
    });
    return {
      strategyId: strategy.id,
      occurrence,
      leased: true,
      matched: 0,
      granted: 0,
      skipped: 0,
      failed: 1,
    };
  }
}

/** Due occurrences that are not done yet, oldest first; warns when max_catch_up cut some. */
async function dueNow(strategy: Strategy, deps: RunDeps, nowMs: number): Promise<DueOccurrence[]> {
  if (strategy.type !== 'periodic') return planOccurrences(strategy, new Date(nowMs)).due;
  const lastRecorded =
    strategy.missedRuns === 'catch_up'
      ? await deps.store.latestRecordedOccurrence(strategy.id)
      : null;
  const plan = planOccurrences(strategy, new Date(nowMs), lastRecorded);
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

export function summarize(results: StrategyRunResult[], durationMs: number): ScanSummary {
  const summary: ScanSummary = {
    strategies: 0,
    matched: 0,
    granted: 0,
    skipped: 0,
    failed: 0,
    duration_ms: Math.round(durationMs),
  };
  for (const result of results) {
    if (result.leased) summary.strategies++;
    summary.matched += result.matched;
    summary.granted += result.granted;
    summary.skipped += result.skipped;
    summary.failed += result.failed;
  }
  return summary;
}
