// Chooses and builds the Prisma driver adapter from DATABASE_URL. Shared by the daemon and by
// prisma.config.ts (the CLI), so both always talk to the same database the same way.
import { closeSync, constants, mkdirSync, openSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';
import { retryConflictingStatements } from './conflict-retry.ts';
import {
  retryBusyStatements,
  SQLITE_BUSY_DEADLINE_MS,
  SQLITE_BUSY_SLICE_MS,
} from './sqlite-busy-retry.ts';
import { cacheSqliteStatements } from './sqlite-statement-cache.ts';
import { timeStatements, type StatementTimer } from './timed-sqlite.ts';
import { databaseKind } from '../config/database-url.ts';

/** Absolute path of a `file:` URL; relative paths are taken from the working directory. */
export function sqlitePath(url: string): string {
  return resolve(url.replace(/^file:/, '').replace(/\?.*$/, ''));
}

/** The SQLite file can't be created or opened: says which path, which setting and the errno. */
export class DatabaseLocationError extends Error {
  readonly code = 'database_location';
  constructor(url: string, problem: string, cause: unknown) {
    const message = cause instanceof Error ? cause.message : String(cause);
    // errno for file-system failures; SQLite's own code (SQLITE_CANTOPEN…) for driver ones.
    const errno =
      /SQLITE_[A-Z_]+/.exec(message)?.[0] ?? (cause as NodeJS.ErrnoException).code ?? 'error';
    const reason = message
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .at(-1)!
      .replace(/^E[A-Z]+: /, '')
      .replace(/^Raw query failed\. Code: `\w+`\. Message: `(.*)`$/, '$1')
      .replace(/, \w+ '.*'$/, '');
    super(
      `DATABASE_URL ${url}: ${problem} (${errno}: ${reason}); point DATABASE_URL at a file in a writable directory`,
      { cause },
    );
    this.name = 'DatabaseLocationError';
  }
}

/**
 * The one directory created when missing: `./data`, where the default DATABASE_URL and the demo
 * keep their files, so a fresh clone starts without a setup step. Any other missing directory is
 * refused: a mistyped path (`file:/var/lib/qutoa/qm.db`) would otherwise start an empty database
 * somewhere nobody looks, and the operator would find out from the missing users.
 */
export const DEFAULT_DATA_DIR = 'data';

/**
 * Checks the SQLite file's directory exists (creating only `dataDir`, see DEFAULT_DATA_DIR) and
 * that the file opens for writing, so a bad location fails at once with the errno.
 */
export function prepareSqliteFile(
  url: string,
  path: string,
  dataDir = resolve(DEFAULT_DATA_DIR),
): void {
  const dir = dirname(path);
  try {
    statSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new DatabaseLocationError(url, `cannot use the directory ${dir}`, error);
    if (dir !== dataDir)
      throw new DatabaseLocationError(
        url,
        `the directory ${dir} does not exist, and only ${dataDir} is created by itself`,
        error,
      );
    try {
      mkdirSync(dir);
    } catch (mkdirError) {
      throw new DatabaseLocationError(url, `cannot create the directory ${dir}`, mkdirError);
    }
  }
  try {
    // Creates an empty file if there is none, which SQLite takes as a new database.
    closeSync(openSync(path, constants.O_RDWR | constants.O_CREAT, 0o644));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const what =
      code === 'ENOTDIR'
        ? `${dirname(path)} is not a directory`
        : `cannot open ${path} for writing`;
    throw new DatabaseLocationError(url, what, error);
  }
}

export interface DriverOptions {
  /** PostgreSQL connections in the pool (DATABASE_POOL_SIZE); SQLite always has one. */
  poolSize?: number;
  /** SQLite only: hears how long each statement held the event loop (timed-sqlite.ts). */
  onSqliteStatement?: StatementTimer;
  /**
   * SQLite only: checkpoint the write-ahead log on a worker thread, not inside the daemon's
   * write statements (wal-checkpointer.ts). `onError` hears a checkpoint that failed.
   */
  walCheckpoints?: { onError?: (message: string) => void };
  /**
   * SQLite only: how long a statement waits for another connection's lock before failing
   * (default SQLITE_BUSY_DEADLINE_MS, 10 s). The wait is asynchronous (sqlite-busy-retry.ts)
   * unless `sqliteBusyWait` is 'blocking': SQLite's own busy_timeout, holding the event loop,
   * for the Prisma CLI, whose migration scripts cannot be retried statement by statement.
   */
  sqliteBusyDeadlineMs?: number;
  sqliteBusyWait?: 'async' | 'blocking';
  /** SQLite only: hears each asynchronous wait for a lock, in ms (the busy-wait metrics). */
  onSqliteBusyWait?: (ms: number) => void;
  /**
   * PostgreSQL and MySQL only: hears each statement re-run after the server rolled it back to
   * break a deadlock (conflict-retry.ts), with the driver's code.
   */
  onConflictRetry?: (code: string) => void;
}

/** The pool size when none is configured (DATABASE_POOL_SIZE's default). */
export const DEFAULT_POOL_SIZE = 10;

/**
 * Connection settings for a mysql:// or mariadb:// URL. `foundRows: false` makes an UPDATE or an
 * `ON DUPLICATE KEY UPDATE` report the rows it changed, as PostgreSQL and SQLite do, not the
 * rows it matched (the driver's default). The session runs in UTC because the adapter writes
 * and reads DATETIME values as UTC wall-clock time; CURRENT_TIMESTAMP defaults must agree.
 */
export function mysqlConnectionConfig(url: string) {
  const parsed = new URL(url);
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 3306,
    user: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')),
    foundRows: false,
    initSql: "SET time_zone = '+00:00'",
  };
}

export function mysqlPoolConfig(url: string, poolSize = DEFAULT_POOL_SIZE) {
  return { ...mysqlConnectionConfig(url), connectionLimit: poolSize };
}

export function createDriverAdapter(
  url: string,
  options: DriverOptions = {},
): PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb {
  const kind = databaseKind(url);
  if (kind === 'sqlite') {
    const path = sqlitePath(url);
    prepareSqliteFile(url, path);
    const deadlineMs = options.sqliteBusyDeadlineMs ?? SQLITE_BUSY_DEADLINE_MS;
    if (options.sqliteBusyWait === 'blocking') {
      const sqlite = cacheSqliteStatements(
        new PrismaBetterSqlite3({ url: path, timeout: deadlineMs }),
      );
      return options.onSqliteStatement ? timeStatements(sqlite, options.onSqliteStatement) : sqlite;
    }
    const sqlite = cacheSqliteStatements(
      new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_SLICE_MS }),
    );
    // Retries outside the timer: each attempt is timed as the slice of event loop it held.
    const timed = options.onSqliteStatement
      ? timeStatements(sqlite, options.onSqliteStatement)
      : sqlite;
    return retryBusyStatements(timed, { deadlineMs, onRetry: options.onSqliteBusyWait });
  }
  const poolSize = options.poolSize ?? DEFAULT_POOL_SIZE;
  const retry = { onRetry: options.onConflictRetry };
  if (kind === 'mysql')
    return retryConflictingStatements(new PrismaMariaDb(mysqlPoolConfig(url, poolSize)), retry);
  return retryConflictingStatements(new PrismaPg({ connectionString: url, max: poolSize }), retry);
}
