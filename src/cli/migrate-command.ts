// `quota-manager migrate`: applies the committed migrations to DATABASE_URL and exits. `serve`
// does the same at start-up; other commands only check that nothing is pending.
// `--status` lists applied and pending migrations; `--dry-run` says what would be applied.
import { CliFailure, defineCommand, EXIT, write } from './command.ts';
import { loadCliConfig } from './open-runtime.ts';

export const migrateCommand = defineCommand({
  spec: {
    name: 'migrate',
    summary:
      'Apply pending database migrations (SQLite, PostgreSQL, MySQL or MariaDB, from DATABASE_URL) and exit.',
    args: [],
    options: {
      status: {
        type: 'boolean',
        description: 'list applied and pending migrations; change nothing',
      },
      'dry-run': {
        type: 'boolean',
        description: 'say which migrations would be applied; change nothing',
      },
      json: {
        type: 'boolean',
        description: 'with --status: print {"applied": [...], "pending": [...]}',
      },
    },
    details: `
Idempotent: with nothing pending it changes nothing. The daemon (serve) also migrates at start,
so upgrading is: install the new version, then start it (or run this first to see it succeed).`,
    examples: ['quota-manager migrate --status', 'quota-manager migrate --dry-run'],
  },
  async run(input, io) {
    const config = await loadCliConfig(io);
    if (input.values.status || input.values['dry-run']) {
      const { applied, pending } = await readStatus(config.databaseUrl, config.databasePoolSize);
      if (input.values.status && input.values.json) {
        write(io.stdout, JSON.stringify({ applied, pending }));
      } else if (input.values.status) {
        for (const name of applied) write(io.stdout, `applied  ${name}`);
        for (const name of pending) write(io.stdout, `pending  ${name}`);
        write(io.stdout, `${applied.length} applied, ${pending.length} pending`);
      } else if (pending.length === 0) {
        write(io.stdout, 'nothing to apply: the database is up to date');
      } else {
        const count = pending.length === 1 ? '1 migration' : `${pending.length} migrations`;
        write(io.stdout, `would apply ${count}:`);
        for (const name of pending) write(io.stdout, `  ${name}`);
        write(io.stdout, '(dry run: nothing was changed)');
      }
      return EXIT.ok;
    }
    const { applyMigrations } = await import('../db/migrate.ts');
    try {
      await applyMigrations(config.databaseUrl);
    } catch (error) {
      throw new CliFailure(`migration failed: ${(error as Error).message}`);
    }
    write(io.stdout, 'migrations applied');
    return EXIT.ok;
  },
});

async function readStatus(databaseUrl: string, poolSize: number) {
  const { openDatabase } = await import('../db/client.ts');
  const { migrationStatus } = await import('../db/migrate.ts');
  let database;
  try {
    database = await openDatabase(databaseUrl, { poolSize });
  } catch (error) {
    throw new CliFailure(
      `cannot open the database: ${(error as Error).message.replaceAll(databaseUrl, '<DATABASE_URL>')}`,
    );
  }
  try {
    return await migrationStatus(database);
  } finally {
    await database.close();
  }
}
