// An operator lets one held occurrence past its budget caps, once: the approval is recorded on
// the occurrence and the occurrence runs at once, like POST /run. The approval is bound to what
// it was given for: the strategy version (with If-Match, the one the operator read) and the
// users and amount the occurrence needed then. Later runs honour it only at that version and
// while the occurrence needs no more; otherwise they hold it again (budget-caps.ts).
import { parse } from '../../condition/index.ts';
import { AppError, preconditionFailed } from '../errors.ts';
import type { RunNowResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { matchesTag, type IfMatch } from '../model/strategy-tag.ts';
import { approveHold } from '../scan/hold-changes.ts';
import { forecastOccurrence, neededTotal } from '../scan/occurrence-forecast.ts';
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
  ifMatch?: IfMatch,
): Promise<RunNowResult> {
  if (ifMatch !== undefined && !matchesTag(strategy, ifMatch))
    throw preconditionFailed('strategy', strategy.id);
  if (!strategy.enabled)
    throw new AppError(
      'strategy_disabled',
      `strategy ${strategy.id} is disabled: enable it before approving its occurrences`,
    );
  const { key, requested } = occurrenceOf(strategy, occurrence, deps.scan.clock.now());
  const state = await deps.scan.store.occurrenceState(strategy.id, key);
  if (state?.status !== 'held') throw notHeld(strategy, key);
  const needed = await neededNow(deps, strategy, key);
  const approval = {
    by: deps.actor.name,
    at: deps.scan.clock.now(),
    strategyVersion: strategy.version,
    users: needed.users,
    amount: needed.amountCents / 100,
  };
  const audit = auditFor(deps, {
    action: 'occurrence.approve',
    targetType: 'strategy',
    targetId: String(strategy.id),
    changes: {
      occurrence: key,
      strategy_version: strategy.version,
      approved_users: approval.users,
      approved_amount: approval.amount,
    },
  });
  // Dismissed, superseded or approved by someone else since it was read as held.
  if (!(await approveHold(deps.scan.store, strategy.id, key, approval, audit)))
    throw notHeld(strategy, key);
  return runStrategyNow(deps, strategy, requested);
}

const notHeld = (strategy: Strategy, key: string) =>
  new AppError(
    'occurrence_not_held',
    `occurrence ${key} of strategy ${strategy.id} is not held by a budget cap: there is nothing to approve`,
  );

/** What the occurrence needs in total now, counted as a run's budget check counts it. */
async function neededNow(deps: Deps, strategy: Strategy, occurrence: string) {
  const parsed = parse(strategy.condition);
  // Conditions are validated on write; this only happens if the language got stricter.
  if (!parsed.ok) throw new AppError('invalid_condition', 'the stored condition does not parse');
  return neededTotal(await forecastOccurrence(strategy, parsed.ast, occurrence, deps.scan));
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
