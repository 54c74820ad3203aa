// Which occurrence of a strategy a tick should work on. Pure: strategy + instant in, answer out.
import { latestOccurrence, occurrenceKey, SINGLE_OCCURRENCE } from '../schedule.ts';
import type { Strategy } from '../strategy.ts';

/**
 * Single strategies always have their one occurrence while inside their window. Periodic ones:
 * the latest cron fire time at or before `now` (missed runs are skipped, only the latest is
 * granted), provided it is not before the strategy existed and lies inside its window.
 * Null means nothing is due.
 */
export function dueOccurrence(strategy: Strategy, now: Date): string | null {
  if (strategy.startAt && now < strategy.startAt) return null;
  if (strategy.type === 'single') {
    if (strategy.endAt && now > strategy.endAt) return null;
    return SINGLE_OCCURRENCE;
  }
  if (!strategy.periodicExpr) return null;
  const fireTime = latestOccurrence(strategy.periodicExpr, strategy.timezone, now);
  if (!fireTime) return null;
  if (fireTime < strategy.createdAt) return null;
  if (strategy.startAt && fireTime < strategy.startAt) return null;
  if (strategy.endAt && fireTime > strategy.endAt) return null;
  return occurrenceKey(fireTime);
}
