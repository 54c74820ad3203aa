// Chooses and builds the Prisma driver adapter from DATABASE_URL. Shared by the daemon and by
// prisma.config.ts (the CLI), so both always talk to the same database the same way.
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { PrismaPg } from '@prisma/adapter-pg';

export type DatabaseKind = 'sqlite' | 'postgresql' | 'mysql';

export class UnsupportedDatabaseUrlError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly url: string) {
    super(
      'DATABASE_URL must start with file: (SQLite), postgres:// / postgresql:// (PostgreSQL) or mysql:// / mariadb:// (MySQL, MariaDB)',
    );
  }
}

export function databaseKind(url: string): DatabaseKind {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  if (/^(mysql|mariadb):\/\//.test(url)) return 'mysql';
  throw new UnsupportedDatabaseUrlError(url);
}

/** Absolute path of a `file:` URL; relative paths are taken from the working directory. */
export function sqlitePath(url: string): string {
  return resolve(url.replace(/^file:/, '').replace(/\?.*$/, ''));
}

/** SQLite waits this long on a locked database before failing (busy_timeout). */
const SQLITE_BUSY_TIMEOUT_MS = 10_000;
/** Connections per process for the server databases (PostgreSQL, MySQL). */
const POOL_SIZE = 10;

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

export function mysqlPoolConfig(url: string) {
  return { ...mysqlConnectionConfig(url), connectionLimit: POOL_SIZE };
}

export function createDriverAdapter(url: string): PrismaBetterSqlite3 | PrismaPg | PrismaMariaDb {
  const kind = databaseKind(url);
  if (kind === 'sqlite') {
    const path = sqlitePath(url);
    mkdirSync(dirname(path), { recursive: true });
    return new PrismaBetterSqlite3({ url: path, timeout: SQLITE_BUSY_TIMEOUT_MS });
  }
  if (kind === 'mysql') return new PrismaMariaDb(mysqlPoolConfig(url));
  return new PrismaPg({ connectionString: url, max: POOL_SIZE });
}
