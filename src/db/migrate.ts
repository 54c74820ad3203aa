// Applies committed migrations with the Prisma CLI (`migrate deploy`), run as a child process
// because the CLI is the supported entry point to Prisma's WASM schema engine. The CLI picks
// the provider's schema and migrations folder from DATABASE_URL (see prisma.config.ts).
// MySQL is the exception: that engine has no MySQL connector, so mysql-migrate.ts applies
// prisma/mysql/migrations itself, into the same bookkeeping table.
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';
import { databaseKind, type DatabaseKind } from '../config/database-url.ts';
import { applyMysqlMigrations, readMysqlMigrations } from './mysql-migrate.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

/** Where the migrations for this kind of database are committed. */
export function migrationsFolder(kind: DatabaseKind): string {
  return resolve(
    projectRoot,
    kind === 'postgresql' ? 'prisma/migrations' : `prisma/${kind}/migrations`,
  );
}

export interface MigrationStatus {
  /** Committed migrations the database has, oldest first. */
  applied: string[];
  /** Committed migrations it lacks, in the order `migrate deploy` would apply them. */
  pending: string[];
}

/** The migration folders committed for this kind of database, oldest first. */
export function committedMigrations(kind: DatabaseKind): string[] {
  return readdirSync(migrationsFolder(kind), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * The migrations recorded as applied in Prisma's own `_prisma_migrations` bookkeeping (so the
 * answer agrees with `migrate deploy`); null when the table does not exist (a new database).
 */
export async function appliedMigrations(database: Database): Promise<Set<string> | null> {
  try {
    const rows = await database.db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    return new Set(rows.map((row) => row.migration_name));
  } catch {
    return null;
  }
}

/** Applied and pending committed migrations (all pending for a new database). */
export async function migrationStatus(database: Database): Promise<MigrationStatus> {
  const committed = committedMigrations(database.kind);
  const done = (await appliedMigrations(database)) ?? new Set<string>();
  return {
    applied: committed.filter((name) => done.has(name)),
    pending: committed.filter((name) => !done.has(name)),
  };
}

/** Committed migrations not yet applied to the database (all of them for a new database). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  return (await migrationStatus(database)).pending;
}

export async function applyMigrations(databaseUrl: string): Promise<void> {
  if (databaseKind(databaseUrl) === 'mysql') {
    const migrations = readMysqlMigrations(migrationsFolder('mysql'), committedMigrations('mysql'));
    try {
      await applyMysqlMigrations(databaseUrl, migrations);
    } catch (error) {
      const reason = (error as Error).message.replaceAll(databaseUrl, '<DATABASE_URL>');
      throw new MigrationError(`MySQL migration failed: ${reason}`);
    }
    return;
  }
  await new Promise<void>((done, fail) => {
    execFile(
      process.execPath,
      [prismaCli, 'migrate', 'deploy'],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        timeout: 120_000,
      },
      (error, _stdout, stderr) => {
        if (!error) {
          done();
          return;
        }
        // Keep the CLI's own explanation but drop anything that could echo the URL's password.
        const reason = prismaReason(stderr || error.message).replaceAll(
          databaseUrl,
          '<DATABASE_URL>',
        );
        fail(new MigrationError(reason));
      },
    );
  });
}

/** Lines of the Prisma CLI's output that are its banner or the engine's backtrace, not the reason. */
const NOISE = [
  /^Loaded Prisma config from /,
  /^Prisma config detected/,
  /^Prisma schema loaded from /,
  /^Datasource "/,
  /^\s*\d+: /, // backtrace frame
  /^\s+(at|with) /, // its location and arguments
];

/**
 * The reason inside the Prisma CLI's error output, as one line: "Error: file is not a
 * database" plus its explanation, without the banner and the schema engine's backtrace.
 */
export function prismaReason(output: string): string {
  const lines = output
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '' && !NOISE.some((noise) => noise.test(line)))
    .map((line) => line.trim().replace(/^Error: /, ''));
  if (lines.length === 0) return 'prisma migrate deploy failed without a message';
  if (lines.length === 1) return lines[0]!;
  return lines.map((line) => (/[.!?:]$/.test(line) ? line : `${line}.`)).join(' ');
}
