// Occurrence arithmetic for periodic strategies: pure functions over (cron expression, IANA
// zone, instant), delegated to cron-parser (never hand-rolled). An occurrence is a cron fire
// time; its identity in the ledger is its UTC ISO string.
import { CronExpressionParser } from 'cron-parser';
import { sameWallClock, zoneOffsetMs } from './time-zone.ts';

export const SINGLE_OCCURRENCE = 'once';

export function occurrenceKey(fireTime: Date): string {
  return fireTime.toISOString();
}

/** Month and weekday names cron-parser accepts; only these may contain an `h`. */
const CRON_NAMES = /jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|sun|mon|tue|wed|thu|fri|sat/gi;

/**
 * The field of `expression` whose values are not a pure function of the expression, or null.
 * cron-parser reads `H` (alone, `H/15`, `H(0-5)`) as a random value drawn on every parse, so
 * every evaluation would see other fire times and every run a new occurrence: a new grant for
 * everyone each time. `?` is only a wildcard there, and `L`/`#` are fixed rules.
 */
export function nondeterministicCronField(expression: string): string | null {
  for (const field of expression.trim().split(/\s+/)) {
    if (/h/i.test(field.replace(CRON_NAMES, ''))) return field;
  }
  return null;
}

/** Error message for an invalid expression or zone, or null when both are usable. */
export function cronProblem(expression: string, timeZone: string): string | null {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) {
    return `expected 5 fields (minute hour day month weekday) or 6 (with seconds first), got ${fields.length}`;
  }
  const random = nondeterministicCronField(expression);
  if (random !== null) {
    return `"${random}": H (a value cron-parser picks at random on every evaluation) is not supported; write the value`;
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

/**
 * The latest fire time at or before `at`, or null if the expression never fired before.
 *
 * Forward stepping (occurrencesAfter) defines the fire times: they are what stats list and
 * ticks grant. cron-parser's backward step does not mirror it across DST changes: it skips a
 * fire time shifted out of a gap (`30 2 * * 0` in New York fires at 03:30 EDT, 07:30Z, on
 * 2024-03-10, but prev() from noon returned the week before), and near some transitions
 * (Pacific/Chatham) it gives up with "loop limit exceeded". So prev() only supplies a starting
 * point, and the answer is the last forward fire time from there up to `at`. A starting point
 * forward stepping does not produce itself (a repeated wall time) or a failed backward step
 * sends the search further back; the steps are bounded.
 */
export function latestOccurrence(expression: string, timeZone: string, at: Date): Date | null {
  // cron-parser's prev() is strictly before currentDate, hence "before" = at + 1 ms.
  let before = at.getTime() + 1;
  for (let step = 0; step < MAX_BACKWARD_STEPS; step++) {
    let hint: Date;
    try {
      hint = CronExpressionParser.parse(expression, {
        tz: timeZone,
        currentDate: new Date(before),
      })
        .prev()
        .toDate();
    } catch {
      before -= DST_LOOKBACK_MS;
      continue;
    }
    const fires = occurrencesAfter(
      expression,
      timeZone,
      new Date(hint.getTime() - 1),
      Number.POSITIVE_INFINITY,
      at,
    );
    const last = fires.at(-1);
    if (last) return last;
    before = hint.getTime();
  }
  return null;
}

/** Starting points latestOccurrence tries before giving up (each one fire time or 3 hours back). */
const MAX_BACKWARD_STEPS = 16;

/**
 * Longer than any DST shift (two hours at most, in history), plus the time between a gap and
 * the fire time it shifts.
 */
const DST_LOOKBACK_MS = 3 * 3_600_000;

/** The next `count` fire times strictly after `at`. */
export function nextOccurrences(
  expression: string,
  timeZone: string,
  at: Date,
  count: number,
): Date[] {
  return occurrencesAfter(expression, timeZone, at, count, null);
}

/**
 * Fire times after `after`, oldest first. cron-parser's forward step across a DST change
 * depends on where it starts: it moves a wall time a spring-forward gap skips to after the gap
 * (02:30 → 03:30 in New York) only when it starts before the gap, and on Lord Howe Island
 * (a 30-minute change) it misses the 02:30 that exists right after the change when it starts
 * within the hour before. So when the offset changes within DST_LOOKBACK_MS either side of
 * `after`, stepping starts 2 × DST_LOOKBACK_MS earlier and skips what is not after `after`:
 * the fire times are then the same whatever instant they are asked from.
 */
function occurrencesAfter(
  expression: string,
  timeZone: string,
  after: Date,
  limit: number,
  until: Date | null,
): Date[] {
  const offsetAt = (delta: number) => zoneOffsetMs(new Date(after.getTime() + delta), timeZone);
  const here = offsetAt(0);
  const nearChange = offsetAt(-DST_LOOKBACK_MS) !== here || offsetAt(DST_LOOKBACK_MS) !== here;
  const start = nearChange ? new Date(after.getTime() - 2 * DST_LOOKBACK_MS) : after;
  let cron = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: start });
  let cursor = start;
  const skipRepeats = hasFixedHours(expression);
  const result: Date[] = [];
  while (result.length < limit) {
    let candidate: Date;
    try {
      candidate = cron.next().toDate();
    } catch {
      // cron-parser gives up ("loop limit exceeded") stepping across some DST changes, e.g.
      // "0 2 * * *" over Lord Howe's fall-back: step on from the change itself.
      const change = nextOffsetChange(cursor, timeZone);
      if (change === null) break;
      cursor = change;
      cron = CronExpressionParser.parse(expression, { tz: timeZone, currentDate: change });
      continue;
    }
    cursor = candidate;
    if (candidate <= after) continue;
    if (until && candidate > until) break;
    if (skipRepeats && isRepeatedWallTime(candidate, timeZone)) continue;
    result.push(candidate);
  }
  return result;
}

/**
 * How far ahead nextOffsetChange looks: past the longest gap between two fire times of a
 * 5- or 6-field expression (a yearly one), so that a step that failed at a change far ahead
 * (a monthly expression whose next fire time falls on the change day) still finds it.
 */
const OFFSET_CHANGE_HORIZON_MS = 400 * 86_400_000;

/**
 * The first instant after `from` (within OFFSET_CHANGE_HORIZON_MS) at which the zone's UTC
 * offset changes. Probed a day at a time (no zone changes its offset twice within a day), then
 * narrowed down to the millisecond.
 */
function nextOffsetChange(from: Date, timeZone: string): Date | null {
  const before = zoneOffsetMs(from, timeZone);
  const step = 86_400_000;
  for (
    let probe = from.getTime() + step;
    probe <= from.getTime() + OFFSET_CHANGE_HORIZON_MS;
    probe += step
  ) {
    if (zoneOffsetMs(new Date(probe), timeZone) === before) continue;
    // The change lies in (probe - step, probe]: narrow it down to the millisecond.
    let lo = probe - step;
    let hi = probe;
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (zoneOffsetMs(new Date(mid), timeZone) === before) lo = mid;
      else hi = mid;
    }
    return new Date(hi);
  }
  return null;
}

/** True when `candidate` is exactly a fire time of the expression (used to validate backfills). */
export function isOccurrence(expression: string, timeZone: string, candidate: Date): boolean {
  return latestOccurrence(expression, timeZone, candidate)?.getTime() === candidate.getTime();
}
