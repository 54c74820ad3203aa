// A source row → a user record in the API's shape, which the user rules then validate. Drivers
// answer in their own types (Date, bigint, int8 as text, TINYINT(1) as a number, JSON arrays);
// each rule below says what becomes what, and docs/user-sources.md lists the same table.
// Columns that are not user fields (the cursor column, say) are ignored.
import { resolveTimestamp } from '../../condition/index.ts';

export const USER_FIELD_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'org',
  'vip',
  'register_time',
  'access_time',
  'github_username',
  'github_stars',
] as const;

const TEXT_FIELDS = new Set(['name', 'email', 'phone', 'org', 'github_username']);
const TIME_FIELDS = new Set(['register_time', 'access_time']);

export type Coerced =
  | { ok: true; record: Record<string, unknown> }
  | {
      ok: false;
      field: string;
      message: string;
      /** Counted under this reason instead of `invalid_<field>`. */
      reason?: 'invalid_utf8';
    };

class Refused extends Error {
  constructor(
    readonly field: string,
    message: string,
    readonly reason?: 'invalid_utf8',
  ) {
    super(message);
  }
}

/** Fields that name a user or match one: a replaced byte would make (or merge) another key. */
const KEY_FIELDS = new Set(['id', 'github_username']);
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The row's id as text, or null when it has none usable (a refused row is still named by it). */
export function sourceRowId(row: Record<string, unknown>): string | null {
  const id = row.id;
  return typeof id === 'string' || typeof id === 'number' || typeof id === 'bigint'
    ? String(id)
    : null;
}

/** `timeZone` reads dates and times written without an offset (USER_SOURCE_TIMEZONE). */
export function coerceSourceRow(row: Record<string, unknown>, timeZone: string): Coerced {
  const record: Record<string, unknown> = {};
  try {
    for (const field of USER_FIELD_COLUMNS) {
      if (!(field in row)) continue;
      const value = coerceField(field, row[field], timeZone);
      if (value !== undefined) record[field] = value;
    }
  } catch (error) {
    if (error instanceof Refused)
      return error.reason === undefined
        ? { ok: false, field: error.field, message: error.message }
        : { ok: false, field: error.field, message: error.message, reason: error.reason };
    throw error;
  }
  if (record.id === undefined || record.id === null)
    return { ok: false, field: 'id', message: 'missing (the query must return an id column)' };
  return { ok: true, record };
}

function coerceField(field: string, value: unknown, timeZone: string): unknown {
  if (field === 'id') return value === null || value === undefined ? null : text(field, value);
  if (TEXT_FIELDS.has(field)) {
    // Identity systems write '' for "not given" (Casdoor's phone, Keycloak's last_name).
    const written = value === null || value === undefined ? null : text(field, value);
    return written === '' ? null : written;
  }
  if (field === 'vip') return vip(value);
  if (field === 'github_stars') return stars(value);
  if (TIME_FIELDS.has(field)) return instant(field, value, timeZone);
  return undefined;
}

/**
 * Bytes (a BLOB, VARBINARY) must be UTF-8. Text a driver already decoded cannot be checked
 * byte by byte: SQLite (and PostgreSQL in SQL_ASCII) put U+FFFD where the bytes were not
 * UTF-8, so in a key field that character is refused as the trace of such bytes (no identity
 * system writes it into an id or a GitHub login).
 */
function text(field: string, value: unknown): string {
  if (typeof value === 'string') {
    if (KEY_FIELDS.has(field) && value.includes('\uFFFD'))
      throw new Refused(
        field,
        'is not valid UTF-8 in the source (the driver replaced bytes with U+FFFD)',
        'invalid_utf8',
      );
    return value;
  }
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (value instanceof Uint8Array) {
    try {
      return strictUtf8.decode(value);
    } catch {
      throw new Refused(field, `is not valid UTF-8: bytes ${hexOf(value)}`, 'invalid_utf8');
    }
  }
  throw new Refused(field, `must be text, got ${describe(value)}`);
}

function hexOf(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, 32)).toString('hex');
  return bytes.length > 32 ? `${hex}…` : hex;
}

/** Null keeps the stored level; booleans are 1/0 (TINYINT(1), Keycloak's "true" attributes). */
function vip(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Refused('vip', `must be an integer, got ${value}`);
    return value;
  }
  if (typeof value === 'string') {
    const trimmed = value.trim().toLowerCase();
    if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true' ? 1 : 0;
    if (/^[+-]?\d+$/.test(trimmed)) return Number(trimmed);
    throw new Refused('vip', `must be an integer, got ${JSON.stringify(value)}`);
  }
  throw new Refused('vip', `must be an integer, got ${describe(value)}`);
}

/** A comma list ("a/b, c/d") or an array (a JSON column); null: no stars. */
function stars(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : text('github_stars', value).split(',');
  return items.map((item) => text('github_stars', item).trim()).filter((item) => item !== '');
}

const NAIVE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.(\d{1,9}))?)?$/;

/**
 * A date with a zone (a Date from the driver, ISO 8601 with Z or an offset) is that instant; a
 * number (or digits) is epoch milliseconds (Keycloak's created_timestamp); a date or date and
 * time without an offset is read in `timeZone`, never silently as UTC.
 */
function instant(field: string, value: unknown, timeZone: string): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return iso(field, value.getTime(), value);
  if (typeof value === 'number' || typeof value === 'bigint')
    return iso(field, Number(value), value);
  if (typeof value !== 'string') throw new Refused(field, `must be a date, got ${describe(value)}`);
  const trimmed = value.trim();
  if (trimmed === '') return null;
  if (/^\d+$/.test(trimmed)) return iso(field, Number(trimmed), value);
  const naive = NAIVE.exec(trimmed);
  if (naive) {
    const [, date, time, fraction] = naive;
    const wall = time === undefined ? date! : `${date} ${time.length === 5 ? `${time}:00` : time}`;
    const at = resolveTimestamp(wall, timeZone);
    if (at === null) throw new Refused(field, `is not a valid date: ${JSON.stringify(value)}`);
    const ms = fraction === undefined ? 0 : Math.floor(Number(`0.${fraction}`) * 1000);
    return iso(field, at.getTime() + ms, value);
  }
  const parsed = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) ? Date.parse(trimmed) : Number.NaN;
  return iso(field, parsed, value);
}

function iso(field: string, epochMs: number, original: unknown): string {
  const at = new Date(epochMs);
  if (Number.isNaN(at.getTime()))
    throw new Refused(
      field,
      `is not a date with a zone or a date to read in one: ${describe(original)}`,
    );
  return at.toISOString();
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  if (value instanceof Date) return 'an invalid date';
  if (typeof value === 'object' && value !== null) return `a ${value.constructor.name}`;
  return `${typeof value} ${String(value)}`;
}
