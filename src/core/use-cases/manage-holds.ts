// What an operator does with held occurrences beyond approving one: dismiss one (it is closed,
// nothing granted), or approve every held one of a strategy at once (each as approve-occurrence
// does it: bound to the version and counts, then run).
import { AppError, preconditionFailed } from '../errors.ts';
import type { RunNowResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { matchesTag, type IfMatch } from '../model/strategy-tag.ts';
import { dismissHold } from '../scan/hold-changes.ts';
import { approveOccurrence } from './approve-occurrence.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'serializer' | 'audit' | 'actor' | 'clock' | 'logger'>;

/** Approve-all works on at most this many held occurrences per request. */
export const APPROVE_ALL_LIMIT = 50;

export async function dismissOccurrence(
  deps: Deps,
  strategy: Strategy,
  occurrence: string,
  ifMatch?: IfMatch,
): Promise<{ occurrence: string; status: 'dismissed' }> {
  if (ifMatch !== undefined && !matchesTag(strategy, ifMatch))
    throw preconditionFailed('strategy', strategy.id);
  if (strategy.type !== 'periodic')
    throw new AppError('validation_failed', 'only a periodic strategy has occurrences to dismiss', [
      {
        field: 'occurrence',
        message:
          'a single strategy has one occurrence: raise its cap, approve it, or disable the strategy',
      },
    ]);
  const requested = new Date(occurrence);
  if (Number.isNaN(requested.getTime()))
    throw new AppError('validation_failed', 'occurrence is not an ISO 8601 instant', [
      { field: 'occurrence', message: 'must be an ISO 8601 instant' },
    ]);
  // Occurrence keys are UTC ISO instants: any spelling of the same instant names the same one.
  const key = requested.toISOString();
  const audit = auditFor(deps, {
    action: 'occurrence.dismiss',
    targetType: 'strategy',
    targetId: String(strategy.id),
    changes: { occurrence: key, strategy_version: strategy.version },
  });
  if (!(await dismissHold(deps.scan.store, deps.logger, strategy.id, key, audit)))
    throw new AppError(
      'occurrence_not_held',
      `occurrence ${key} of strategy ${strategy.id} is not held by a budget cap: there is nothing to dismiss`,
    );
  return { occurrence: key, status: 'dismissed' };
}

/** Approves and runs every held occurrence, oldest first; one that is no longer held is skipped. */
export async function approveAllHeld(
  deps: Deps,
  strategy: Strategy,
  ifMatch?: IfMatch,
): Promise<RunNowResult[]> {
  if (ifMatch !== undefined && !matchesTag(strategy, ifMatch))
    throw preconditionFailed('strategy', strategy.id);
  const held = (await deps.scan.store.heldOccurrences(strategy.id, APPROVE_ALL_LIMIT)).reverse();
  if (held.length === 0)
    throw new AppError(
      'occurrence_not_held',
      `strategy ${strategy.id} has no occurrence held by a budget cap: there is nothing to approve`,
    );
  const results: RunNowResult[] = [];
  for (const occurrence of held) {
    try {
      results.push(await approveOccurrence(deps, strategy, occurrence));
    } catch (error) {
      // Released, superseded or approved by someone else meanwhile: nothing left to approve.
      if (!(error instanceof AppError && error.code === 'occurrence_not_held')) throw error;
    }
  }
  return results;
}
