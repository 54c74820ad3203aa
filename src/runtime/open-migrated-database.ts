// Opening the configured database for a runtime: pool settings and their log lines, and the
// migrations still pending applied first (the daemon and the CLI start on an up-to-date schema).
import type { Config } from '../config/load-config.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import { openDatabase, type Database } from '../db/client.ts';
import { applyMigrations, pendingMigrations } from '../db/migrate.ts';
import type { sqliteStatementSink } from '../metrics/sqlite-statements.ts';

/** Opens the configured database, applying pending migrations first unless told not to. */
export async function openMigrated(
  config: Readonly<Config>,
  logger: CoreLogger,
  migrate = true,
  statements?: ReturnType<typeof sqliteStatementSink>,
): Promise<Database> {
  const pool = {
    poolSize: config.databasePoolSize,
    onSqliteStatement: statements?.timer,
    onSqliteBusyWait: statements?.busyWait,
    onConflictRetry: (code: string) =>
      logger.info('database statement re-run after the server broke a deadlock', { code }),
    walCheckpoints: {
      onError: (error: string) => logger.warn('SQLite WAL checkpoint failed', { error }),
    },
  };
  let database = await openDatabase(config.databaseUrl, pool);
  if (migrate) {
    // Starting the Prisma CLI costs seconds; restarts with nothing to apply skip it.
    const pending = await pendingMigrations(database);
    if (pending.length > 0) {
      logger.info('applying database migrations', { pending });
      await database.close();
      await applyMigrations(config.databaseUrl);
      database = await openDatabase(config.databaseUrl, pool);
    }
  }
  logger.info('database ready', { kind: database.kind });
  return database;
}
