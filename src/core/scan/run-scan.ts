// One scan: every enabled strategy, its due occurrences, one after another. Strategies are run
// sequentially on purpose: each one already fans out to the gateway with bounded concurrency,
// and a lease per strategy lets several replicas share the work.
import type { ScanSummary, StrategyRunResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { dueForTick } from './occurrence-policy.ts';
import type { RunDeps } from './run-deps.ts';
import { runStrategy } from './run-strategy.ts';

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
  const results: StrategyRunResult[] = [];
  for (const strategy of strategies) {
    if (options.shouldStop?.()) break;
    results.push(await runOne(strategy, deps, now));
  }
  const summary = summarize(results, performance.now() - startedAt);
  const { durationMs, ...counts } = summary;
  deps.logger.info('scan finished', { ...counts, duration_ms: durationMs });
  deps.observer?.scanFinished(summary);
  return summary;
}

async function runOne(strategy: Strategy, deps: RunDeps, now: Date): Promise<StrategyRunResult> {
  let occurrence: string | null = null;
  try {
    const due = await dueForTick(strategy, deps, now);
    occurrence = due.at(-1)?.occurrence ?? null;
    return await runStrategy(strategy, due, deps);
  } catch (error) {
    // One broken strategy must not stop the others; the error is logged and counted.
    deps.logger.error('strategy run failed', {
      strategy_id: strategy.id,
      occurrence,
      error: error instanceof Error ? error.message : String(error),
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
