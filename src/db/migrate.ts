// Applies committed migrations with the Prisma CLI (`migrate deploy`), run as a child process
// because the CLI is the supported entry point to Prisma's WASM schema engine. The CLI picks
// the provider's schema and migrations folder from DATABASE_URL (see prisma.config.ts).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';
import type { DatabaseKind } from './driver.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

/** The migration folders committed for this kind of database, oldest first. */
export function committedMigrations(kind: DatabaseKind): string[] {
  const folder = resolve(
    projectRoot,
    kind === 'sqlite' ? 'prisma/sqlite/migrations' : 'prisma/migrations',
  );
  return readdirSync(folder, { withFileTypes: true })
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

/** Committed migrations not yet applied to the database (all of them for a new database). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const committed = committedMigrations(database.kind);
  const applied = await appliedMigrations(database);
  return applied === null ? committed : committed.filter((name) => !applied.has(name));
}

export async function applyMigrations(databaseUrl: string): Promise<void> {
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
        if (!error) return done();
        // Keep the CLI's own explanation but drop anything that could echo the URL's password.
        const reason = String(stderr || error.message).replaceAll(databaseUrl, '<DATABASE_URL>');
        fail(new MigrationError(`prisma migrate deploy failed: ${reason.trim()}`));
      },
    );
  });
}
