// When a lot expires: an ISO 8601 duration counted from the occurrence, or a calendar boundary
// in the strategy's zone. Calendar boundaries are the next fire time of a midnight cron
// expression (core/schedule.ts), so daylight-saving days and month ends follow the same rules as
// occurrences: where local midnight does not exist, the day begins at the first instant after
// the gap.
import { nextOccurrences } from '../schedule.ts';
import { wallClock, zoneOffsetMs } from '../time-zone.ts';

export const EXPIRY_BOUNDARIES = ['end_of_day', 'end_of_week', 'end_of_month'] as const;
export type ExpiryBoundary = (typeof EXPIRY_BOUNDARIES)[number];

/** Weeks end when Monday begins (ISO 8601 weeks). */
const BOUNDARY_CRON: Record<ExpiryBoundary, string> = {
  end_of_day: '0 0 * * *',
  end_of_week: '0 0 * * 1',
  end_of_month: '0 0 1 * *',
};

export type ExpiryRule =
  | { kind: 'boundary'; boundary: ExpiryBoundary }
  /** `days`: calendar days in the zone (wall time kept); `ms`: elapsed time. */
  | { kind: 'duration'; days: number; ms: number };

/** The smallest lifetime a lot may have. */
export const MIN_EXPIRY_MS = 60_000;

/** Far enough for any real lot (100 years), small enough that no Date overflows. */
const MAX_DAYS = 36_600;

const DURATION =
  /^P(?:(\d{1,6})W)?(?:(\d{1,6})D)?(?:T(?:(\d{1,7})H)?(?:(\d{1,9})M)?(?:(\d{1,9})S)?)?$/;

/** Parses `expires_after`; the answer's `message` says what is wrong. */
export function parseExpiryRule(
  text: string,
): { ok: true; rule: ExpiryRule } | { ok: false; message: string } {
  if ((EXPIRY_BOUNDARIES as readonly string[]).includes(text))
    return { ok: true, rule: { kind: 'boundary', boundary: text as ExpiryBoundary } };
  const match = DURATION.exec(text);
  if (match === null || text === 'P' || text.endsWith('T')) {
    const months = /^P[^T]*\d[YM]/.test(text)
      ? ' (years and months are not accepted: use end_of_month or days)'
      : '';
    return {
      ok: false,
      message: `expected an ISO 8601 duration of weeks, days, hours, minutes and seconds (P30D, PT12H) or one of ${EXPIRY_BOUNDARIES.join(', ')}${months}`,
    };
  }
  const [weeks, days, hours, minutes, seconds] = match
    .slice(1)
    .map((part: string | undefined) => Number(part ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const totalDays = weeks * 7 + days;
  const ms = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  if (totalDays > MAX_DAYS || ms > MAX_DAYS * 86_400_000)
    return { ok: false, message: `at most ${MAX_DAYS} days` };
  if (totalDays * 86_400_000 + ms < MIN_EXPIRY_MS)
    return { ok: false, message: 'at least one minute (PT1M)' };
  return { ok: true, rule: { kind: 'duration', days: totalDays, ms } };
}

/** The instant a lot granted for the occurrence at `from` expires, in the strategy's zone. */
export function expiryInstant(rule: ExpiryRule, from: Date, timeZone: string): Date {
  if (rule.kind === 'boundary') {
    const next = nextOccurrences(BOUNDARY_CRON[rule.boundary], timeZone, from, 1)[0];
    // A midnight expression always fires within a month; the fallback is never reached.
    return next ?? new Date(from.getTime() + 31 * 86_400_000);
  }
  return new Date(addCalendarDays(from, rule.days, timeZone).getTime() + rule.ms);
}

/**
 * The same wall time `days` local days later. A wall time the day does not have (a spring-
 * forward gap) moves forward by the gap; one it has twice is its first instance.
 */
export function addCalendarDays(from: Date, days: number, timeZone: string): Date {
  if (days === 0) return from;
  const w = wallClock(from, timeZone);
  const ms = from.getTime() % 1000;
  const wall = Date.UTC(
    w.year,
    w.month - 1,
    w.day + days,
    w.hour,
    w.minute,
    w.second,
    ms < 0 ? 0 : ms,
  );
  const first = wall - zoneOffsetMs(new Date(wall), timeZone);
  const second = wall - zoneOffsetMs(new Date(first), timeZone);
  const candidates = [first, second].filter((t) => {
    const seen = wallClock(new Date(t), timeZone);
    return (
      seen.hour === w.hour && seen.minute === w.minute && seen.day === new Date(wall).getUTCDate()
    );
  });
  return new Date(candidates.length > 0 ? Math.min(...candidates) : Math.max(first, second));
}
