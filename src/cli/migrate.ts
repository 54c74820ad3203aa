// `npm run migrate`: applies committed migrations to DATABASE_URL (from config.yaml or the
// environment) and exits. The daemon also does this at start-up.
import { ConfigError, loadConfig } from '../config/load-config.ts';
import { applyMigrations } from '../db/migrate.ts';

try {
  const config = loadConfig();
  await applyMigrations(config.databaseUrl);
  console.log('migrations applied');
} catch (error) {
  const prefix = error instanceof ConfigError ? 'invalid configuration' : 'migration failed';
  console.error(`quota-manager: ${prefix}: ${(error as Error).message}`);
  process.exit(1);
}
