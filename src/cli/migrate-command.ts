// `quota-manager migrate`: applies the committed migrations to DATABASE_URL and exits. `serve`
// does the same at start-up; other commands only check that nothing is pending.
import { CliFailure, defineCommand, EXIT, write } from './command.ts';
import { loadCliConfig } from './open-runtime.ts';

export const migrateCommand = defineCommand({
  spec: {
    name: 'migrate',
    summary:
      'Apply pending database migrations (SQLite or PostgreSQL, from DATABASE_URL) and exit.',
    args: [],
    options: {},
    details: `
Idempotent: with nothing pending it changes nothing. The daemon (serve) also migrates at start,
so upgrading is: install the new version, then start it (or run this first to see it succeed).`,
  },
  async run(_input, io) {
    const config = await loadCliConfig(io);
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
