// Scan now, run one strategy now, preview one: the scan core driven on request, one scan or run
// at a time in this process (the serializer).
import { AppError } from '../errors.ts';
import type { PreviewResult, RunNowResult, ScanSummary } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { dueForRun, requestedOccurrence } from '../scan/occurrence-policy.ts';
import { previewOccurrence } from '../scan/preview-occurrence.ts';
import { runScan, summarize } from '../scan/run-scan.ts';
import { runStrategy } from '../scan/run-strategy.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'serializer' | 'audit' | 'actor' | 'clock'>;

const counts = (r: ScanSummary) => ({
  strategies: r.strategies,
  matched: r.matched,
  granted: r.granted,
  skipped: r.skipped,
  failed: r.failed,
});

/**
 * Every enabled strategy, as a tick does. A scan someone asked for is always audited; the
 * daemon's own ticks only when they granted or failed something (else the trail would gain a
 * row a minute that says nothing).
 */
export async function scanNow(core: Deps): Promise<ScanSummary> {
  const { scan, serializer } = core;
  const deps = { ...scan, isStopping: () => serializer.isStopping() };
  const started = core.clock.now();
  const summary = await serializer.serialize(() => runScan(deps, { shouldStop: deps.isStopping }));
  if (core.actor.name !== 'system' || summary.granted + summary.failed > 0) {
    await core.audit.record(
      auditFor(core, {
        action: 'scan.run',
        targetType: 'scan',
        targetId: started.toISOString(),
        changes: counts(summary),
      }),
    );
  }
  return summary;
}

const NOTHING_RUN: RunNowResult = {
  strategies: 0,
  matched: 0,
  granted: 0,
  skipped: 0,
  failed: 0,
  durationMs: 0,
  occurrence: null,
};

/**
 * Runs one strategy now: its due occurrence, or `requested` when it is a real past fire time
 * (backfill). A disabled strategy runs nothing. An occurrence already done is not scanned again
 * (see dueForRun).
 */
export async function runStrategyNow(
  core: Deps,
  strategy: Strategy,
  requested?: Date,
): Promise<RunNowResult> {
  const { scan, serializer } = core;
  if (!strategy.enabled) return NOTHING_RUN;
  requestedOccurrence(strategy, requested, scan.clock.now()); // a bad occurrence fails at once
  const deps = { ...scan, isStopping: () => serializer.isStopping() };
  const result = await serializer.serialize(async () => {
    const started = performance.now();
    // Read again: the strategy may have changed (or gone) while this run waited its turn.
    const current = await scan.store.currentStrategy(strategy.id);
    if (current === null) return NOTHING_RUN;
    const occurrence = requestedOccurrence(current, requested, scan.clock.now());
    const result = await runStrategy(current, await dueForRun(current, occurrence, deps), deps);
    if (!result.leased)
      throw new AppError(
        'conflict',
        `strategy ${current.id} is being scanned by another process; try again`,
      );
    return { ...summarize([result], performance.now() - started), occurrence };
  });
  await core.audit.record(
    auditFor(core, {
      action: 'strategy.run',
      targetType: 'strategy',
      targetId: String(strategy.id),
      changes: {
        occurrence: result.occurrence,
        strategy_version: strategy.version,
        ...counts(result),
      },
    }),
  );
  return result;
}

/** Who would the strategy grant to now (or for `requested`)? Nothing is claimed or sent. */
export async function previewStrategy(
  { scan }: Pick<CoreDeps, 'scan'>,
  strategy: Strategy,
  requested?: Date,
): Promise<PreviewResult> {
  const occurrence = requestedOccurrence(strategy, requested, scan.clock.now());
  // A preview is itself an API request: it must not wait for API requests to finish.
  return previewOccurrence(strategy, occurrence, { ...scan, interactive: undefined });
}
