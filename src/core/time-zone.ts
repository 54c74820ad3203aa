// Time zones for the core and the configuration: IANA zones with nothing but Intl. Whether a
// zone exists, how an instant reads on the local wall clock, where a local day or month starts,
// and ISO 8601 with the zone's offset. Used by strategy validation, the schedule's daylight-saving
// rule, the statistics ("today", "this month" in the configured zone) and the configuration.
// The condition language reads its timestamp literals with its own wall-clock arithmetic
// (condition/timestamp.ts), which also handles eras.

import { closestName } from './closest-name.ts';

/**
 * Zones already found valid. Building a DateTimeFormat to ask costs ~0.2–0.4 ms, and every
 * strategy write asks. Names are matched without regard to case, so one zone has thousands of
 * valid spellings: the set keeps a bounded number of them, and the rest are asked each time.
 */
const validZones = new Set<string>();
const MAX_REMEMBERED_ZONES = 1000;

export function isValidTimeZone(timeZone: string): boolean {
  if (validZones.has(timeZone)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    return false;
  }
  if (validZones.size < MAX_REMEMBERED_ZONES) validZones.add(timeZone);
  return true;
}

/** The zone a mistyped name most likely meant (`Asia/Shangai` → `Asia/Shanghai`), or undefined. */
export function suggestTimeZone(timeZone: string): string | undefined {
  return closestName(timeZone, ['UTC', ...Intl.supportedValuesOf('timeZone')]);
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** How `at` reads on a wall clock in `timeZone`. */
export function wallClock(at: Date, timeZone: string): WallClock {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(at)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** True when `a` and `b` read the same on a wall clock in `timeZone` (to the second). */
export function sameWallClock(a: Date, b: Date, timeZone: string): boolean {
  const x = wallClock(a, timeZone);
  const y = wallClock(b, timeZone);
  return (
    x.year === y.year &&
    x.month === y.month &&
    x.day === y.day &&
    x.hour === y.hour &&
    x.minute === y.minute &&
    x.second === y.second
  );
}

/** Local time minus UTC at instant `at`, in milliseconds (+8 h for Asia/Shanghai). */
export function zoneOffsetMs(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return wallAsUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const sameDate = (w: WallClock, year: number, month: number, day: number) =>
  w.year === year && w.month === month && w.day === day;

/**
 * The first instant of the local date year-month-day. Usually local midnight; where a DST
 * change skips midnight (America/Santiago in September), the instant the day really begins.
 */
export function startOfLocalDate(year: number, month: number, day: number, timeZone: string): Date {
  const wall = Date.UTC(year, month - 1, day);
  // Midnight minus the offset in force then; the offset may differ on either side of a
  // transition, so try both and keep the earliest candidate that falls on the wanted date.
  const first = wall - zoneOffsetMs(new Date(wall), timeZone);
  const second = wall - zoneOffsetMs(new Date(first), timeZone);
  const onDate = [first, second]
    .filter((t) => sameDate(wallClock(new Date(t), timeZone), year, month, day))
    .sort((a, b) => a - b);
  return new Date(onDate[0] ?? Math.max(first, second));
}

/** Start of the local day that contains `at`. */
export function startOfDay(at: Date, timeZone: string): Date {
  const w = wallClock(at, timeZone);
  return startOfLocalDate(w.year, w.month, w.day, timeZone);
}

/** Start of the local month that contains `at`. */
export function startOfMonth(at: Date, timeZone: string): Date {
  const w = wallClock(at, timeZone);
  return startOfLocalDate(w.year, w.month, 1, timeZone);
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO 8601 with the zone's offset: `2026-01-16T08:00:00+08:00`. */
export function formatInZone(at: Date, timeZone: string): string {
  const w = wallClock(at, timeZone);
  const offsetMinutes = Math.round(zoneOffsetMs(at, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}
