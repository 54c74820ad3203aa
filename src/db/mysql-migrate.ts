// Applies prisma/mysql/migrations to a MySQL or MariaDB database. Prisma's schema engine (the
// WASM build the CLI runs without a native binary) has no MySQL connector, so this runner does
// what `migrate deploy` does, in the same `_prisma_migrations` table: each pending migration
// in name order, one statement at a time, recorded with the SHA-256 of its file. MySQL commits
// DDL statement by statement, so a migration that fails half-way cannot be rolled back: it
// stays recorded as unfinished and blocks later runs until an operator repairs the database
// (docs/operations.md), as Prisma does for PostgreSQL (P3009).
import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import mariadb from 'mariadb';
import { mysqlConnectionConfig } from './driver.ts';

export interface MysqlMigration {
  name: string;
  sql: string;
}

const LOCK_NAME = 'quota_manager_migrate';
const LOCK_WAIT_SECONDS = 120;

const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS _prisma_migrations (
  id VARCHAR(36) NOT NULL PRIMARY KEY,
  checksum VARCHAR(64) NOT NULL,
  finished_at DATETIME(3) NULL,
  migration_name VARCHAR(255) NOT NULL,
  logs TEXT NULL,
  rolled_back_at DATETIME(3) NULL,
  started_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  applied_steps_count INTEGER UNSIGNED NOT NULL DEFAULT 0
) DEFAULT CHARACTER SET utf8mb4`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

export function checksum(sql: string): string {
  return createHash('sha256').update(sql).digest('hex');
}

/** The statements of a migration file: split at semicolons that end a line; comments dropped. */
export function statementsOf(sql: string): string[] {
  return sql
    .split(/;[ \t]*(?:\r?\n|$)/)
    .map((part) =>
      part
        .split('\n')
        .filter((line) => !line.trim().startsWith('--'))
        .join('\n')
        .trim(),
    )
    .filter((statement) => statement.length > 0);
}

export function readMysqlMigrations(folder: string, names: string[]): MysqlMigration[] {
  return names.map((name) => ({
    name,
    sql: readFileSync(join(folder, name, 'migration.sql'), 'utf8'),
  }));
}

/** Checks the recorded history and returns the migrations still to apply, or throws why not. */
export function pendingOf(migrations: MysqlMigration[], applied: AppliedRow[]): MysqlMigration[] {
  const unfinished = applied.find((row) => row.finished_at === null);
  if (unfinished) {
    throw new Error(
      `migration ${unfinished.migration_name} failed earlier and left the database half-migrated; repair it, then delete its row from _prisma_migrations`,
    );
  }
  const done = new Map(applied.map((row) => [row.migration_name, row.checksum]));
  for (const migration of migrations) {
    const recorded = done.get(migration.name);
    if (recorded !== undefined && recorded !== checksum(migration.sql)) {
      throw new Error(`migration ${migration.name} was modified after it was applied`);
    }
  }
  return migrations.filter((migration) => !done.has(migration.name));
}

export async function applyMysqlMigrations(
  url: string,
  migrations: MysqlMigration[],
): Promise<void> {
  const config = mysqlConnectionConfig(url);
  const connection = await mariadb.createConnection(config);
  try {
    // Replicas starting together: one applies, the others wait and then find nothing to do.
    const [lock] = await connection.query<{ got: number | bigint | null }[]>(
      'SELECT GET_LOCK(?, ?) AS got',
      [LOCK_NAME, LOCK_WAIT_SECONDS],
    );
    if (Number(lock?.got) !== 1) throw new Error('timed out waiting for another migration run');
    await connection.query(CREATE_BOOKKEEPING);
    const applied = await connection.query<AppliedRow[]>(
      'SELECT migration_name, checksum, finished_at FROM _prisma_migrations WHERE rolled_back_at IS NULL',
    );
    for (const migration of pendingOf(migrations, applied)) {
      const id = randomUUID();
      await connection.query(
        'INSERT INTO _prisma_migrations (id, checksum, migration_name) VALUES (?, ?, ?)',
        [id, checksum(migration.sql), migration.name],
      );
      try {
        for (const statement of statementsOf(migration.sql)) await connection.query(statement);
      } catch (error) {
        const reason = (error as Error).message;
        await connection.query('UPDATE _prisma_migrations SET logs = ? WHERE id = ?', [reason, id]);
        throw new Error(`migration ${migration.name} failed: ${reason}`, { cause: error });
      }
      await connection.query(
        'UPDATE _prisma_migrations SET finished_at = CURRENT_TIMESTAMP(3), applied_steps_count = 1 WHERE id = ?',
        [id],
      );
    }
  } finally {
    await connection.query('DO RELEASE_LOCK(?)', [LOCK_NAME]).catch(() => undefined);
    await connection.end();
  }
}
