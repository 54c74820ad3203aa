// One scan: every enabled strategy, its due occurrence, one after another. Strategies are run
// sequentially on purpose: each one already fans out to the gateway with bounded concurrency,
// and a lease per strategy lets several replicas share the work.
import type { Strategy } from '../strategy.ts';
import { dueOccurrence } from './due-occurrence.ts';
import { runStrategy, type RunDeps, type StrategyRunResult } from './run-strategy.ts';

export interface ScanSummary {
  strategies: number;
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
  duration_ms: number;
}

export async function runScan(deps: RunDeps, options: { shouldStop?: () => boolean } = {}): Promise<ScanSummary> {
  const started = deps.clock.now().getTime();
  const startedAt = performance.now();
  const strategies = await deps.store.listEnabledStrategies();
  const results: StrategyRunResult[] = [];
  for (const strategy of strategies) {
    if (options.shouldStop?.()) break;
    results.push(await runOne(strategy, deps, started));
  }
  const summary = summarize(results, performance.now() - startedAt);
  deps.logger.info('scan finished', { ...summary });
  return summary;
}

async function runOne(strategy: Strategy, deps: RunDeps, nowMs: number): Promise<StrategyRunResult> {
  let occurrence = dueOccurrence(strategy, new Date(nowMs));
  if (occurrence !== null && strategy.type === 'periodic' && (await deps.store.isOccurrenceDone(strategy.id, occurrence))) {
    occurrence = null; // done: only earlier failed rows are still worth a look
  }
  try {
    return await runStrategy(strategy, occurrence, deps);
  } catch (error) {
    // One broken strategy must not stop the others; the error is logged and counted.
    deps.logger.error('strategy run failed', { strategy_id: strategy.id, occurrence, error: (error as Error).message });
    return { strategyId: strategy.id, occurrence, leased: true, matched: 0, granted: 0, skipped: 0, failed: 1 };
  }
}

export function summarize(results: StrategyRunResult[], durationMs: number): ScanSummary {
  const summary: ScanSummary = { strategies: 0, matched: 0, granted: 0, skipped: 0, failed: 0, duration_ms: Math.round(durationMs) };
  for (const result of results) {
    if (result.leased) summary.strategies++;
    summary.matched += result.matched;
    summary.granted += result.granted;
    summary.skipped += result.skipped;
    summary.failed += result.failed;
  }
  return summary;
}
