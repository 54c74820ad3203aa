// The cursor of incremental runs: the largest value of USER_SOURCE_CURSOR a run saw, and where
// the next run starts reading.
//
// The overlap, and why: a writer stamps `updated_at` when its statement runs but its row becomes
// visible only when its transaction commits. A run that read up to 12:00:05 can have missed a
// row stamped 12:00:03 whose transaction committed at 12:00:07; a next run reading strictly
// after 12:00:05 would never see it (nor would any other incremental run). So a run starts
// CURSOR_OVERLAP_MS before the stored value for date cursors, and at the stored value itself
// (>=, not >) for every kind, which also re-reads rows that share the last value. Re-reading a
// row is harmless (an upsert of the same fields); missing one is not. A writer whose transaction
// stays open longer than the overlap, or a numeric cursor from a sequence (whose values are
// also taken before commit), can still slip past: the full run (USER_SOURCE_FULL_EVERY) reads
// every row and is the backstop.
import type { CursorValue } from '../model/user-sync.ts';

/** How far before the stored value a run on a date cursor starts reading. */
export const CURSOR_OVERLAP_MS = 5 * 60_000;

const WALL = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d+)?$/;
const DECIMAL = /^[+-]?\d+(\.\d+)?$/;

/** The cursor value of one row, or null when the row has none (a NULL cursor column). */
export function cursorOf(value: unknown): CursorValue | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date)
    return Number.isNaN(value.getTime()) ? null : { kind: 'instant', value: value.toISOString() };
  if (typeof value === 'number' || typeof value === 'bigint')
    return { kind: 'number', value: String(value) };
  const text =
    typeof value === 'string'
      ? value
      : value instanceof Uint8Array
        ? Buffer.from(value).toString('utf8')
        : JSON.stringify(value);
  if (WALL.test(text)) return { kind: 'wall', value: text.replace('T', ' ') };
  if (DECIMAL.test(text)) return { kind: 'number', value: text };
  return { kind: 'text', value: text };
}

/** -1, 0 or 1; values of different kinds are ordered by kind (a mixed column is a query bug). */
export function compareCursors(a: CursorValue, b: CursorValue): number {
  if (a.kind !== b.kind) return a.kind < b.kind ? -1 : 1;
  if (a.kind === 'instant') return Math.sign(Date.parse(a.value) - Date.parse(b.value));
  if (a.kind === 'number') return compareDecimals(a.value, b.value);
  // Wall times in one format compare as text; text is the source's to order, this only keeps
  // the largest seen and the source decides what `>=` means.
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function compareDecimals(a: string, b: string): number {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const whole = BigInt(ai!) - BigInt(bi!);
  if (whole !== 0n) return whole < 0n ? -1 : 1;
  const width = Math.max(af.length, bf.length);
  const fa = af.padEnd(width, '0');
  const fb = bf.padEnd(width, '0');
  const sign = ai!.startsWith('-') ? -1 : 1;
  return fa === fb ? 0 : (fa < fb ? -1 : 1) * sign;
}

export function laterCursor(a: CursorValue | null, b: CursorValue | null): CursorValue | null {
  if (a === null) return b;
  if (b === null) return a;
  return compareCursors(a, b) >= 0 ? a : b;
}

/** Where the next incremental run reads from: the stored value, minus the overlap for dates. */
export function readFrom(stored: CursorValue): CursorValue {
  if (stored.kind === 'instant')
    return {
      kind: 'instant',
      value: new Date(Date.parse(stored.value) - CURSOR_OVERLAP_MS).toISOString(),
    };
  if (stored.kind === 'wall') {
    const [, date, time, fraction = ''] = WALL.exec(stored.value)!;
    // Arithmetic on the wall clock as if it were UTC: only the digits move, no zone is involved.
    const moved = new Date(Date.parse(`${date}T${time}Z`) - CURSOR_OVERLAP_MS).toISOString();
    return { kind: 'wall', value: `${moved.slice(0, 10)} ${moved.slice(11, 19)}${fraction}` };
  }
  return stored;
}
