// Which occurrences of a strategy a tick should work on. Pure: strategy + instants in, answer out.
import type { DueOccurrence } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { latestOccurrence, occurrenceKey, SINGLE_OCCURRENCE } from '../schedule.ts';

export interface DuePlan {
  due: DueOccurrence[];
  /** Missed occurrences left out because of max_catch_up (0 when none). */
  cut: number;
}

/**
 * Single strategies always have their one occurrence while inside their window. Periodic ones:
 * the latest cron fire time at or before `now`, provided it is not before the strategy existed
 * and lies inside its window; with `missed_runs: catch_up`, also every fire time missed since
 * `lastRecorded` (the newest occurrence already opened), at most `max_catch_up` in all.
 */
export function planOccurrences(
  strategy: Strategy,
  now: Date,
  lastRecorded: string | null = null,
): DuePlan {
  const none: DuePlan = { due: [], cut: 0 };
  // The window bounds when grants are made, not only which occurrences exist.
  if (strategy.startAt && now < strategy.startAt) return none;
  if (strategy.endAt && now > strategy.endAt) return none;
  if (strategy.type === 'single') {
    return { due: [{ occurrence: SINGLE_OCCURRENCE, catchUp: false }], cut: 0 };
  }
  const expression = strategy.periodicExpr;
  if (!expression) return none;
  const earliest = Math.max(strategy.createdAt.getTime(), strategy.startAt?.getTime() ?? 0);
  const inWindow = (fire: Date) => fire.getTime() >= earliest;

  const latest = latestOccurrence(expression, strategy.timezone, now);
  if (!latest || !inWindow(latest)) return none;
  if (strategy.missedRuns !== 'catch_up')
    return { due: [{ occurrence: occurrenceKey(latest), catchUp: false }], cut: 0 };

  // Walk back from the latest fire time to the last recorded one; newest first while walking.
  const after = lastRecorded ? new Date(lastRecorded).getTime() : -Infinity;
  const limit = Math.max(1, strategy.maxCatchUp);
  const found: Date[] = [latest];
  let cut = 0;
  let cursor = latest;
  for (;;) {
    const previous = latestOccurrence(
      expression,
      strategy.timezone,
      new Date(cursor.getTime() - 1),
    );
    if (!previous || previous.getTime() <= after || !inWindow(previous)) break;
    if (found.length >= limit) {
      cut = 1; // at least one more was missed; counting them all could walk years of minutes
      break;
    }
    found.push(previous);
    cursor = previous;
  }
  const due = found.reverse().map((fire, index, all) => ({
    occurrence: occurrenceKey(fire),
    catchUp: index < all.length - 1,
  }));
  return { due, cut };
}

/**
 * True when the fire time `fire` lies inside the strategy's window [start_at, end_at): the
 * window bounds which occurrences an operator may backfill as well as when ticks grant.
 */
export function isInsideWindow(strategy: Strategy, fire: Date): boolean {
  if (strategy.startAt && fire < strategy.startAt) return false;
  if (strategy.endAt && fire >= strategy.endAt) return false;
  return true;
}

/** The occurrence a tick grants first under the default policy (used by "run now" and previews). */
export function dueOccurrence(strategy: Strategy, now: Date): string | null {
  const plan = planOccurrences({ ...strategy, missedRuns: 'skip' }, now);
  return plan.due[0]?.occurrence ?? null;
}
