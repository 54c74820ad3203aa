// One scan: every enabled strategy, its due occurrences, one after another. Strategies are run
// sequentially on purpose: each one already fans out to the gateway with bounded concurrency,
// and a lease per strategy lets several replicas share the work.
import { expireLots } from '../lots/expire-lots.ts';
import type { ScanSummary, StrategyRunResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { dueForTick } from './occurrence-policy.ts';
import type { RunDeps } from './run-deps.ts';
import { runStrategy } from './run-strategy.ts';
import { isUpToDate } from './up-to-date.ts';
import { recordEvent } from './occurrence-completed.ts';

export async function runScan(
  deps: RunDeps,
  options: { shouldStop?: () => boolean } = {},
): Promise<ScanSummary> {
  const now = deps.clock.now();
  const startedAt = performance.now();
  const strategies = await deps.store.listEnabledStrategies().catch((error: unknown) => {
    deps.observer?.scanFailed(performance.now() - startedAt);
    throw error;
  });
  // Read at most once per tick, and only when a strategy asks: the value single strategies
  // with nothing to do compare their positions with (up-to-date.ts).
  let changeSequence: Promise<number> | undefined;
  const tickChangeSequence = () => (changeSequence ??= deps.store.changeSequence());
  const results: StrategyRunResult[] = [];
  for (const strategy of strategies) {
    if (options.shouldStop?.()) break;
    results.push(await runOne(strategy, deps, now, tickChangeSequence));
  }
  if (deps.lots !== undefined && options.shouldStop?.() !== true)
    await lotPass({ ...deps, lots: deps.lots });
  const summary = summarize(results, performance.now() - startedAt);
  const { durationMs, ...counts } = summary;
  deps.logger.info('scan finished', { ...counts, duration_ms: durationMs });
  deps.observer?.scanFinished(summary);
  return summary;
}

async function runOne(
  listed: Strategy,
  deps: RunDeps,
  now: Date,
  tickChangeSequence: () => Promise<number>,
): Promise<StrategyRunResult> {
  let occurrence: string | null = null;
  try {
    // The list was read when the scan started; a long scan must not run a stale definition.
    const strategy = await deps.store.currentStrategy(listed.id);
    if (strategy === null) return { ...NOT_RUN, strategyId: listed.id };
    const due = await dueForTick(strategy, deps, now);
    occurrence = due.at(-1)?.occurrence ?? null;
    if (await isUpToDate(strategy, due, deps, tickChangeSequence)) {
      // Reported like a run that found nothing: the strategy was looked at this tick.
      const result = { ...NOT_RUN, strategyId: strategy.id, occurrence, leased: true };
      deps.observer?.strategyRunFinished(result, deps.clock.now());
      return result;
    }
    return await runStrategy(strategy, due, deps);
  } catch (error) {
    // One broken strategy must not stop the others; the error is logged and counted.
    const message = error instanceof Error ? error.message : String(error);
    deps.logger.error('strategy run failed', {
      strategy_id: listed.id,
      occurrence,
      error: message,
    });
    await recordEvent(deps, 'scan.failed', { strategy_id: listed.id, occurrence, error: message });
    return { ...NOT_RUN, strategyId: listed.id, occurrence, leased: true, failed: 1 };
  }
}

/**
 * Records new lots and expires due ones after the strategies ran. A failure is logged and does
 * not fail the scan: the grants it made stand, and the next scan's pass picks the lots up.
 */
async function lotPass(deps: Parameters<typeof expireLots>[0]): Promise<void> {
  try {
    const result = await expireLots(deps);
    if (result.leased && result.lotsRecorded + result.expiries + result.failed > 0)
      deps.logger.info('lot pass finished', {
        lots_recorded: result.lotsRecorded,
        expiries: result.expiries,
        applied: result.applied,
        expired_amount: result.expiredAmount,
        failed: result.failed,
      });
  } catch (error) {
    deps.logger.error('lot pass failed', {
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

/** A strategy deleted or disabled since the scan listed it: not run. */
const NOT_RUN: StrategyRunResult = {
  strategyId: 0,
  occurrence: null,
  leased: false,
  matched: 0,
  granted: 0,
  skipped: 0,
  failed: 0,
};

export function summarize(results: StrategyRunResult[], durationMs: number): ScanSummary {
  const summary: ScanSummary = {
    strategies: 0,
    matched: 0,
    granted: 0,
    skipped: 0,
    failed: 0,
    durationMs: Math.round(durationMs),
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
