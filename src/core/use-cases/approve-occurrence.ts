// An operator lets one held occurrence past its budget caps, once: the approval is recorded on
// the occurrence (approved_by, approved_at) and the occurrence runs at once, like POST /run.
// Later runs of the same occurrence see the approval and do not hold it again.
import { AppError } from '../errors.ts';
import type { RunNowResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { requestedOccurrence } from '../scan/occurrence-policy.ts';
import { SINGLE_OCCURRENCE } from '../schedule.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';
import { runStrategyNow } from './run-strategies.ts';

type Deps = Pick<CoreDeps, 'scan' | 'serializer' | 'audit' | 'actor' | 'clock'>;

/** `occurrence` is `once` for a single strategy, else the ISO fire time. */
export async function approveOccurrence(
  deps: Deps,
  strategy: Strategy,
  occurrence: string,
): Promise<RunNowResult> {
  if (!strategy.enabled)
    throw new AppError(
      'strategy_disabled',
      `strategy ${strategy.id} is disabled: enable it before approving its occurrences`,
    );
  const { key, requested } = occurrenceOf(strategy, occurrence, deps.scan.clock.now());
  const state = await deps.scan.store.occurrenceState(strategy.id, key);
  if (state?.status !== 'held')
    throw new AppError(
      'occurrence_not_held',
      `occurrence ${key} of strategy ${strategy.id} is not held by a budget cap: there is nothing to approve`,
    );
  const at = deps.scan.clock.now();
  await deps.scan.store.approveOccurrence(strategy.id, key, deps.actor.name, at);
  await deps.audit.record(
    auditFor(deps, {
      action: 'occurrence.approve',
      targetType: 'strategy',
      targetId: String(strategy.id),
      changes: { occurrence: key, strategy_version: strategy.version },
    }),
  );
  return runStrategyNow(deps, strategy, requested);
}

function occurrenceOf(strategy: Strategy, occurrence: string, now: Date) {
  if (strategy.type === 'single') {
    if (occurrence !== SINGLE_OCCURRENCE)
      throw new AppError('validation_failed', 'a single strategy has one occurrence: once', [
        { field: 'occurrence', message: 'must be "once" for a single strategy' },
      ]);
    return { key: SINGLE_OCCURRENCE, requested: undefined };
  }
  const requested = new Date(occurrence);
  if (Number.isNaN(requested.getTime()))
    throw new AppError('validation_failed', 'occurrence is not an ISO 8601 instant', [
      { field: 'occurrence', message: 'must be an ISO 8601 instant (or "once")' },
    ]);
  return { key: requestedOccurrence(strategy, requested, now)!, requested };
}
