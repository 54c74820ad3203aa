// Applies committed migrations with the Prisma CLI (`migrate deploy`), run as a child process
// because the CLI is the supported entry point to Prisma's WASM schema engine. The CLI picks
// the provider's schema and migrations folder from DATABASE_URL (see prisma.config.ts).
import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './client.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

/**
 * Committed migrations not yet applied to the database (all of them for a new database).
 * Reads Prisma's own `_prisma_migrations` bookkeeping, so it agrees with `migrate deploy`.
 */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const folder = resolve(
    projectRoot,
    database.kind === 'sqlite' ? 'prisma/sqlite/migrations' : 'prisma/migrations',
  );
  const committed = readdirSync(folder, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  let applied: string[] = [];
  try {
    const rows = await database.db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = rows.map((row) => row.migration_name);
  } catch {
    return committed; // no bookkeeping table yet: a new database
  }
  const done = new Set(applied);
  return committed.filter((name) => !done.has(name));
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
