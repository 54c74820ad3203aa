// Scan now, run one strategy now: the scan core driven on request, one scan or run
// at a time in this process (the serializer).
import { AppError } from '../errors.ts';
import type { RunNowResult, ScanSummary } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { dueForRun, requestedOccurrence } from '../scan/occurrence-policy.ts';
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
  // The audit row is written inside the serialized work: stopping the daemon waits for the
  // queue, and a write left outside it could still hold a database connection while the pool
  // closes (MariaDB's pool.end() then waits 10 s for it).
  return serializer.serialize(async () => {
    const summary = await runScan(deps, { shouldStop: deps.isStopping });
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
  });
}

const NOTHING_RUN: RunNowResult = {
  strategies: 0,
  matched: 0,
  granted: 0,
  skipped: 0,
  failed: 0,
  durationMs: 0,
  occurrence: null,
  held: null,
  gatewayAvailable: true,
};

/**
 * Runs one strategy now: its due occurrence, or `requested` when it is a real past fire time
 * (backfill). A disabled strategy is refused (409 strategy_disabled): answering 200 with
 * nothing done hid the reason from the operator. An occurrence already done is not scanned again
 * (see dueForRun).
 */
export async function runStrategyNow(
  core: Deps,
  strategy: Strategy,
  requested?: Date,
): Promise<RunNowResult> {
  const { scan, serializer } = core;
  if (!strategy.enabled)
    throw new AppError(
      'strategy_disabled',
      `strategy ${strategy.id} is disabled: enable it to run it (a preview is always allowed)`,
    );
  requestedOccurrence(strategy, requested, scan.clock.now()); // a bad occurrence fails at once
  const deps = { ...scan, isStopping: () => serializer.isStopping() };
  const runOnce = async (): Promise<RunNowResult> => {
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
    return {
      ...summarize([result], performance.now() - started),
      occurrence,
      held: result.held ?? null,
      gatewayAvailable: scan.gatewayHealth?.available() !== false,
    };
  };
  return serializer.serialize(async () => {
    const result = await runOnce();
    // Inside the serialized work, for the reason given in scanNow.
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
  });
}
