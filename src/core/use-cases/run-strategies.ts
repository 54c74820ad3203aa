// Scan now, run one strategy now: the scan core driven on request, one scan or run
// at a time in this process (the serializer).
import { AppError } from '../errors.ts';
import type { RunNowResult, ScanSummary } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { dueForRun, requestedOccurrence } from '../scan/occurrence-policy.ts';
import { runScan, summarize } from '../scan/run-scan.ts';
import { runStrategy } from '../scan/run-strategy.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'serializer'>;

/** Every enabled strategy, as a tick does. */
export function scanNow({ scan, serializer }: Deps): Promise<ScanSummary> {
  const deps = { ...scan, isStopping: () => serializer.isStopping() };
  return serializer.serialize(() => runScan(deps, { shouldStop: deps.isStopping }));
}

/**
 * Runs one strategy now: its due occurrence, or `requested` when it is a real past fire time
 * (backfill). A disabled strategy is refused (409 strategy_disabled): answering 200 with
 * nothing done hid the reason from the operator. An occurrence already done is not scanned again
 * (see dueForRun).
 */
export async function runStrategyNow(
  { scan, serializer }: Deps,
  strategy: Strategy,
  requested?: Date,
): Promise<RunNowResult> {
  if (!strategy.enabled)
    throw new AppError(
      'strategy_disabled',
      `strategy ${strategy.id} is disabled: enable it to run it (a preview is always allowed)`,
    );
  const occurrence = requestedOccurrence(strategy, requested, scan.clock.now());
  const deps = { ...scan, isStopping: () => serializer.isStopping() };
  return serializer.serialize(async () => {
    const started = performance.now();
    const result = await runStrategy(strategy, await dueForRun(strategy, occurrence, deps), deps);
    if (!result.leased)
      throw new AppError(
        'conflict',
        `strategy ${strategy.id} is being scanned by another process; try again`,
      );
    return {
      ...summarize([result], performance.now() - started),
      occurrence,
      held: result.held ?? null,
    };
  });
}
