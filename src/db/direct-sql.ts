// Runs the scanner's per-page statements straight on the driver adapter's connection — the one
// the Prisma client itself uses — instead of through `$queryRaw`. Prisma 6.19's client sends
// every raw query through its WebAssembly query compiler and serialises parameters and rows to
// JSON and back on the way; for the handful of statements a scan runs per page that was a fifth
// of the scanner's busy CPU (bench/README.md §13). What stays the same: the adapter still maps
// arguments and driver errors, and whatever wraps the connection (statement timing,
// timed-sqlite.ts) still sees every statement.
//
// Only for statements outside interactive transactions: they run on the connection itself, as
// Prisma's own top-level queries do.
import {
  ColumnTypeEnum,
  type ArgType,
  type SqlDriverAdapter,
  type SqlResultSet,
} from '@prisma/driver-adapter-utils';
import type { DatabaseKind } from '../config/database-url.ts';

/** A `Prisma.sql` statement: its text with `?` and with `$n` placeholders, and its values. */
export interface SqlStatement {
  readonly sql: string;
  readonly text: string;
  readonly values: unknown[];
}

export interface DirectSql {
  /** The statement's rows, keyed by column name (dates as Date, 64-bit integers as bigint). */
  query<Row>(statement: SqlStatement): Promise<Row[]>;
  /** The statement's count of changed rows. */
  execute(statement: SqlStatement): Promise<number>;
}

/** A statement failed in the database; `code` is the driver's (SQLITE_BUSY, 40001, ECONNRESET…). */
export class DirectSqlError extends Error {
  readonly code: string;
  constructor(code: string, message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'DirectSqlError';
    this.code = code;
  }
}

interface AdapterFactory {
  connect(): Promise<SqlDriverAdapter>;
}

/**
 * Remembers the connection the Prisma client opens from `factory`, so statements can be sent on
 * it directly. Wraps `factory.connect` in place (like timed-sqlite.ts): Prisma calls it once, on
 * `$connect()`.
 */
export function directSql<F extends AdapterFactory>(
  factory: F,
  kind: DatabaseKind,
): { factory: F; direct: DirectSql } {
  let connection: SqlDriverAdapter | undefined;
  const connect = factory.connect.bind(factory);
  factory.connect = async () => (connection = await connect());
  const open = (): SqlDriverAdapter => {
    if (connection === undefined) throw new Error('direct SQL before the database was connected');
    return connection;
  };
  // PostgreSQL numbers its placeholders ($1, $2…); SQLite and MySQL take `?`.
  const toQuery = (statement: SqlStatement) => ({
    sql: kind === 'postgresql' ? statement.text : statement.sql,
    args: statement.values,
    argTypes: statement.values.map(argTypeOf),
  });
  return {
    factory,
    direct: {
      async query<Row>(statement: SqlStatement): Promise<Row[]> {
        const result = await open()
          .queryRaw(toQuery(statement))
          .catch((error: unknown) => {
            throw driverError(error);
          });
        return decodeRows(result) as Row[];
      },
      async execute(statement: SqlStatement): Promise<number> {
        return open()
          .executeRaw(toQuery(statement))
          .catch((error: unknown) => {
            throw driverError(error);
          });
      },
    },
  };
}

/** What the adapters need to know of an argument: dates and booleans are the ones they convert. */
function argTypeOf(value: unknown): ArgType {
  const scalar = (scalarType: ArgType['scalarType']): ArgType => ({ scalarType, arity: 'scalar' });
  if (value instanceof Date) return scalar('datetime');
  if (typeof value === 'bigint') return scalar('bigint');
  if (typeof value === 'boolean') return scalar('boolean');
  if (typeof value === 'number') return scalar(Number.isInteger(value) ? 'int' : 'float');
  if (typeof value === 'string') return scalar('string');
  return scalar('unknown');
}

/** The adapter's error, with the driver's own code and message where it kept them. */
function driverError(error: unknown): unknown {
  const cause = (
    error as { cause?: { originalCode?: string; originalMessage?: string; kind?: string } }
  ).cause;
  if (!(error instanceof Error) || cause === undefined) return error;
  const code = cause.originalCode ?? cause.kind ?? 'database_error';
  return new DirectSqlError(code, cause.originalMessage ?? error.message, error);
}

function decodeRows(result: SqlResultSet): Record<string, unknown>[] {
  const { columnNames, columnTypes, rows } = result;
  return rows.map((row) => {
    const decoded: Record<string, unknown> = {};
    for (let i = 0; i < columnNames.length; i++)
      decoded[columnNames[i]!] = decodeValue(row[i], columnTypes[i]!);
    return decoded;
  });
}

function decodeValue(value: unknown, type: number): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case ColumnTypeEnum.DateTime:
    case ColumnTypeEnum.Date:
      return typeof value === 'string' ? new Date(isoDateTime(value)) : value;
    case ColumnTypeEnum.Int64:
    case ColumnTypeEnum.UnknownNumber:
      // The adapters hand over a 64-bit integer that a number cannot hold as its digits.
      return typeof value === 'string' ? BigInt(value) : value;
    default:
      return value;
  }
}

const TIME_OF_DAY = /\d{2}:\d{2}:\d{2}(?:\.\d+)?(Z|[+-]\d{2}(:?\d{2})?)?$/;

/**
 * A database's date-time text as ISO 8601 that `Date` reads as UTC, as Prisma reads it: a date
 * alone is midnight UTC, a time without a zone is UTC (not the machine's zone), `+08` is
 * `+08:00`, and a space between date and time is a `T`.
 */
export function isoDateTime(text: string): string {
  const time = TIME_OF_DAY.exec(text);
  if (time === null) return `${text}T00:00:00Z`;
  const [, zone, zoneMinutes] = time;
  let iso =
    zone === undefined
      ? `${text}Z`
      : zone !== 'Z' && zoneMinutes === undefined
        ? `${text}:00`
        : text;
  const separator = time.index - 1;
  if (iso[separator] === ' ') iso = `${iso.slice(0, separator)}T${iso.slice(separator + 1)}`;
  return iso;
}
