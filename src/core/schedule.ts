// Occurrence arithmetic for periodic strategies: pure functions over (cron expression, IANA
// zone, instant), delegated to cron-parser (never hand-rolled). An occurrence is a cron fire
// time; its identity in the ledger is its UTC ISO string.
import { CronExpressionParser } from 'cron-parser';

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

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The latest fire time at or before `at`, or null if the expression never fired before. */
export function latestOccurrence(expression: string, timeZone: string, at: Date): Date | null {
  // cron-parser's prev() is strictly before currentDate, so step 1 ms past `at`.
  const cron = CronExpressionParser.parse(expression, {
    tz: timeZone,
    currentDate: new Date(at.getTime() + 1),
  });
  if (!cron.hasPrev()) return null;
  return cron.prev().toDate();
}

/** The next `count` fire times strictly after `at`. */
export function nextOccurrences(expression: string, timeZone: string, at: Date, count: number): Date[] {
  const cron = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: at });
  const result: Date[] = [];
  while (result.length < count && cron.hasNext()) result.push(cron.next().toDate());
  return result;
}

/** True when `candidate` is exactly a fire time of the expression (used to validate backfills). */
export function isOccurrence(expression: string, timeZone: string, candidate: Date): boolean {
  return latestOccurrence(expression, timeZone, candidate)?.getTime() === candidate.getTime();
}
