// Timestamp literals and their time zone rule.
//
// Accepted forms:
//   "YYYY-MM-DD"                                 midnight, wall time in the evaluation zone
//   "YYYY-MM-DD HH:mm:ss"                        wall time in the evaluation zone
//   "YYYY-MM-DDTHH:mm:ss[.fff]Z" / "…±HH:MM"     a fixed instant (ISO 8601 / RFC 3339; the
//                                                "T" may be a space; fractions beyond
//                                                milliseconds are truncated)
// A wall time is read in the IANA zone the caller passes (the strategy's zone), never in the
// server's zone: the Go original read them as UTC while everything else used the configured
// zone. Wall times that a DST change makes ambiguous are resolved like Temporal's
// "compatible" disambiguation (and RFC 5545): in a gap (clocks jump forward, the wall time
// never happens) the time is shifted forward by the gap's length, e.g. 02:30 on a night when
// 02:00 jumps to 03:00 means 03:30; in an overlap (clocks fall back, the wall time happens
// twice) the earlier of the two instants is taken.
import { InvalidTimeZoneError } from './errors.ts';

export type TimestampValue =
  | { readonly kind: 'wall'; readonly fields: WallFields }
  | { readonly kind: 'instant'; readonly epochMs: number };

export interface WallFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

export type TimestampCheck = { ok: true; value: TimestampValue } | { ok: false; reason: string };

export const TIMESTAMP_FORMATS_HELP =
  'use "YYYY-MM-DD", "YYYY-MM-DD HH:mm:ss" (both in the strategy\'s time zone) or ISO 8601 with an offset such as "2024-05-01T08:00:00+08:00"';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const WALL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;
const LOCAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

const DAY_MS = 86_400_000;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Range checks shared by all forms; returns the first problem found. */
function checkFields(f: WallFields): string | undefined {
  if (f.year < 1) return 'year 0000 does not exist';
  if (f.month < 1 || f.month > 12) return `month ${pad(f.month)} is out of range`;
  if (f.day < 1 || f.day > daysInMonth(f.year, f.month)) {
    return `day ${pad(f.day)} does not exist in ${String(f.year).padStart(4, '0')}-${pad(f.month)}`;
  }
  if (f.hour > 23) return `hour ${pad(f.hour)} is out of range`;
  if (f.minute > 59) return `minute ${pad(f.minute)} is out of range`;
  if (f.second > 59) return `second ${pad(f.second)} is out of range`;
  return undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function fieldsOf(match: RegExpExecArray): WallFields {
  const n = (i: number) => (match[i] === undefined ? 0 : Number(match[i]));
  return { year: n(1), month: n(2), day: n(3), hour: n(4), minute: n(5), second: n(6) };
}

/** UTC epoch milliseconds of the fields read as if they were UTC (years below 100 included). */
function utcMs(f: WallFields): number {
  const date = new Date(0);
  date.setUTCFullYear(f.year, f.month - 1, f.day);
  date.setUTCHours(f.hour, f.minute, f.second, 0);
  return date.getTime();
}

/** Validates the literal's format and ranges; zone-independent (done at parse time). */
export function checkTimestamp(literal: string): TimestampCheck {
  const date = DATE.exec(literal) ?? WALL.exec(literal);
  if (date) {
    const fields = fieldsOf(date);
    const problem = checkFields(fields);
    return problem ? { ok: false, reason: problem } : { ok: true, value: { kind: 'wall', fields } };
  }
  const instant = INSTANT.exec(literal);
  if (instant) {
    const fields = fieldsOf(instant);
    const problem = checkFields(fields);
    if (problem) return { ok: false, reason: problem };
    let offsetMinutes = 0;
    if (instant[8] === undefined) {
      const offsetHours = Number(instant[10]);
      const offsetMins = Number(instant[11]);
      if (offsetHours > 23 || offsetMins > 59)
        return {
          ok: false,
          reason: `offset ${instant[9]}${instant[10]}:${instant[11]} is out of range`,
        };
      offsetMinutes = (instant[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
    }
    const millis = instant[7] === undefined ? 0 : Number(instant[7].padEnd(3, '0').slice(0, 3));
    return {
      ok: true,
      value: { kind: 'instant', epochMs: utcMs(fields) + millis - offsetMinutes * 60_000 },
    };
  }
  if (LOCAL_ISO.test(literal)) {
    return {
      ok: false,
      reason:
        'an ISO 8601 time needs an offset such as Z or +08:00 (or write the wall time as "YYYY-MM-DD HH:mm:ss")',
    };
  }
  return { ok: false, reason: 'it is not in a supported format' };
}

// Only valid zones are cached (there are a few hundred), so arbitrary strings from an API
// cannot grow the cache.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        era: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      return null;
    }
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** True when `timeZone` is an IANA zone name (or another zone the runtime's Intl accepts). */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && timeZone !== '' && formatterFor(timeZone) !== null;
}

/** The zone's UTC offset in milliseconds at an instant (local wall time − UTC). */
function offsetAt(epochMs: number, formatter: Intl.DateTimeFormat): number {
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(new Date(epochMs))) parts[part.type] = part.value;
  const year = Number(parts.year);
  const wall = utcMs({
    year: parts.era === 'BC' || parts.era === 'B' ? 1 - year : year,
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  });
  // The formatter shows whole seconds; compare against the instant floored the same way.
  return wall - Math.floor(epochMs / 1000) * 1000;
}

/** The instant of a wall time in a zone, with the DST rule described at the top of this file. */
function wallToInstant(fields: WallFields, formatter: Intl.DateTimeFormat): number {
  const wall = utcMs(fields);
  // Offsets in force a day before and a day after bracket any DST change at this wall time.
  const before = offsetAt(wall - DAY_MS, formatter);
  const after = offsetAt(wall + DAY_MS, formatter);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, formatter) === wall)
    .sort((a, b) => a - b);
  // Overlap: two candidates, keep the earlier. Gap: none, so use the offset from before the
  // change, which lands the same distance past the change as the wall time is past its start.
  return candidates[0] ?? wall - before;
}

/**
 * The instant a timestamp literal denotes when read in `timeZone` (IANA name). Returns null when
 * the literal is not a valid timestamp or the zone is unknown.
 */
export function resolveTimestamp(literal: string, timeZone: string): Date | null {
  const epochMs = resolveEpochMs(literal, timeZone);
  return epochMs === null ? null : new Date(epochMs);
}

const MAX_CACHED = 4096;
const resolved = new Map<string, number | null>();

/** resolveTimestamp in epoch milliseconds, cached: evaluation resolves the same few literals for every user. */
function resolveEpochMs(literal: string, timeZone: string): number | null {
  const key = `${timeZone}\u0000${literal}`;
  let epochMs = resolved.get(key);
  if (epochMs === undefined) {
    epochMs = computeInstant(literal, timeZone);
    if (resolved.size >= MAX_CACHED) resolved.clear();
    resolved.set(key, epochMs);
  }
  return epochMs;
}

function computeInstant(literal: string, timeZone: string): number | null {
  if (typeof literal !== 'string' || typeof timeZone !== 'string') return null;
  const formatter = formatterFor(timeZone);
  if (formatter === null) return null;
  const check = checkTimestamp(literal);
  if (!check.ok) return null;
  return check.value.kind === 'instant'
    ? check.value.epochMs
    : wallToInstant(check.value.fields, formatter);
}

/** For literals that passed the checker: the instant in epoch ms; throws on an unknown zone. */
export function instantOf(literal: string, timeZone: string): number {
  const epochMs = resolveEpochMs(literal, timeZone);
  if (epochMs !== null) return epochMs;
  if (!isValidTimeZone(timeZone)) throw new InvalidTimeZoneError(timeZone);
  // Only reachable with a hand-built AST that skipped the checker.
  throw new RangeError(`Invalid timestamp literal: ${JSON.stringify(literal)}`);
}

/** Throws InvalidTimeZoneError unless `timeZone` is usable; called once per public entry point. */
export function assertTimeZone(timeZone: string): void {
  if (!isValidTimeZone(timeZone)) throw new InvalidTimeZoneError(timeZone);
}
