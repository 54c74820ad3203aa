// Chooses and builds the Prisma driver adapter from DATABASE_URL. Shared by the daemon and by
// prisma.config.ts (the CLI), so both always talk to the same database the same way.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

export type DatabaseKind = 'sqlite' | 'postgresql';

export class UnsupportedDatabaseUrlError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly url: string) {
    super(
      'DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)',
    );
  }
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new UnsupportedDatabaseUrlError(url);
}

/** Absolute path of a `file:` URL; relative paths are taken from the working directory. */
export function sqlitePath(url: string): string {
  return resolve(url.replace(/^file:/, '').replace(/\?.*$/, ''));
}

/** SQLite waits this long on a locked database before failing (busy_timeout). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;

export interface DriverOptions {
  /** PostgreSQL connections in the pool (DATABASE_POOL_SIZE); SQLite always has one. */
  poolSize?: number;
}

/** The pool size when none is configured (DATABASE_POOL_SIZE's default). */
export const DEFAULT_POOL_SIZE = 10;

export function createDriverAdapter(
  url: string,
  options: DriverOptions = {},
): PrismaBetterSqlite3 | PrismaPg {
  if (databaseKind(url) === 'sqlite') {
    const path = sqlitePath(url);
    mkdirSync(dirname(path), { recursive: true });
    return new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  return new PrismaPg({ connectionString: url, max: options.poolSize ?? DEFAULT_POOL_SIZE });
}
