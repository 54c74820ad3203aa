// Occurrence arithmetic for periodic strategies: pure functions over (cron expression, IANA
// zone, instant), delegated to cron-parser (never hand-rolled). An occurrence is a cron fire
// time; its identity in the ledger is its UTC ISO string.
import { CronExpressionParser } from 'cron-parser';
import { sameWallClock } from './time-zone.ts';

export const SINGLE_OCCURRENCE = 'once';

export function occurrenceKey(fireTime: Date): string {
  return fireTime.toISOString();
}

/** Error message for an invalid expression or zone, or null when both are usable. */
export function cronProblem(expression: string, timeZone: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected 5 fields (minute hour day month weekday) or 6 (with seconds first), got ${fields.length}`;
  }
  try {
    CronExpressionParser.parse(expression, { tz: timeZone, strict: false });
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}

/*
 * Daylight-saving policy (documented in docs/reliability.md):
 * - spring forward: a wall time that does not exist that day (02:30 in New York on the
 *   March change) fires once, at the first valid instant after the gap (cron-parser's rule);
 * - fall back: a wall time that happens twice fires once, at its FIRST instance, when the
 *   expression names specific hours. Expressions whose hour field is a wildcard (a star, alone or with a step)
 *   keep firing on elapsed time, as classic cron does, so an hourly job still runs every hour.
 */
/** DST shifts are one hour almost everywhere, 30 minutes on Lord Howe Island. */
const DST_SHIFTS_MS = [3_600_000, 1_800_000];

function isRepeatedWallTime(instant: Date, timeZone: string): boolean {
  return DST_SHIFTS_MS.some((shift) =>
    sameWallClock(new Date(instant.getTime() - shift), instant, timeZone),
  );
}

function hasFixedHours(expression: string): boolean {
  const fields = expression.trim().split(/\s+/);
  const hour = fields.length === 6 ? fields[2] : fields[1];
  return hour !== undefined && !hour.startsWith('*');
}

/** The latest fire time at or before `at`, or null if the expression never fired before. */
export function latestOccurrence(expression: string, timeZone: string, at: Date): Date | null {
  // cron-parser's prev() is strictly before currentDate, so step 1 ms past `at`.
  const cron = CronExpressionParser.parse(expression, {
    tz: timeZone,
    currentDate: new Date(at.getTime() + 1),
  });
  const skipRepeats = hasFixedHours(expression);
  while (cron.hasPrev()) {
    const candidate = cron.prev().toDate();
    if (!skipRepeats || !isRepeatedWallTime(candidate, timeZone)) return candidate;
  }
  return null;
}

/** The next `count` fire times strictly after `at`. */
export function nextOccurrences(
  expression: string,
  timeZone: string,
  at: Date,
  count: number,
): Date[] {
  return occurrencesAfter(expression, timeZone, at, count);
}

function occurrencesAfter(
  expression: string,
  timeZone: string,
  after: Date,
  limit: number,
): Date[] {
  const cron = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: after });
  const skipRepeats = hasFixedHours(expression);
  const result: Date[] = [];
  while (result.length < limit && cron.hasNext()) {
    const candidate = cron.next().toDate();
    if (skipRepeats && isRepeatedWallTime(candidate, timeZone)) continue;
    result.push(candidate);
  }
  return result;
}

/** True when `candidate` is exactly a fire time of the expression (used to validate backfills). */
export function isOccurrence(expression: string, timeZone: string, candidate: Date): boolean {
  return latestOccurrence(expression, timeZone, candidate)?.getTime() === candidate.getTime();
}
