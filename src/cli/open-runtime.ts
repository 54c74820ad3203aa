// Opens the daemon's runtime for a one-shot command: the same config, database, gateway client,
// repositories and scanner as `serve` (src/runtime.ts), with two differences that suit a
// terminal command. Logs go to standard error, so standard output carries only the command's
// result; and only warnings and errors are logged unless --verbose.
// Commands never migrate (only `serve` and `migrate` change the schema): they check that the
// schema is current and otherwise ask the operator to run `quota-manager migrate`.
// The heavy modules (Prisma clients, the HTTP stack) are imported when a command needs them,
// so --help and usage errors answer at once.
import type { Config } from '../config/load-config.ts';
import type { Database } from '../db/client.ts';
import type { Runtime } from '../runtime.ts';
import { CliFailure, type CliIo } from './command.ts';

/** Loads config.yaml + environment; an invalid setting becomes a one-line failure (exit 1). */
export async function loadCliConfig(io: CliIo): Promise<Readonly<Config>> {
  const { ConfigError, loadConfig } = await import('../config/load-config.ts');
  try {
    return loadConfig({ stdoutIsTty: io.stderr.isTTY === true });
  } catch (error) {
    if (error instanceof ConfigError)
      throw new CliFailure(`invalid configuration: ${error.message}`);
    throw error;
  }
}

export async function openRuntime(
  io: CliIo,
  options: { verbose?: boolean; fullScan?: boolean } = {},
): Promise<Runtime> {
  const config = await loadCliConfig(io);
  const [{ buildRuntime }, { createLogger }, { configSecrets }, { default: winston }] =
    await Promise.all([
      import('../runtime.ts'),
      import('../logger.ts'),
      import('../config/config-secrets.ts'),
      import('winston'),
    ]);
  const logger = createLogger({
    level: options.verbose ? config.log.level : 'warn',
    format: config.log.format,
    secrets: configSecrets(config),
  });
  // Standard output carries only the command's result; child loggers write through these transports.
  // winston types its transports as interfaces with a construct signature, so the rule cannot
  // see that this is a real TransportStream subclass instance.
  // eslint-disable-next-line @typescript-eslint/no-unsafe-class-instance-assignment
  logger.clear().add(new winston.transports.Stream({ stream: io.stderr }));
  let runtime: Runtime;
  try {
    runtime = await buildRuntime(config, { migrate: false, logger, fullScan: options.fullScan });
  } catch (error) {
    // A driver's message may quote the URL, and with it the password.
    throw new CliFailure(
      `cannot open the database: ${(error instanceof Error ? error.message : String(error)).replaceAll(config.databaseUrl, '<DATABASE_URL>')}`,
    );
  }
  try {
    await assertSchemaCurrent(runtime.database);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  // Changes made from a terminal are audited as "cli" (the daemon's own ticks are "system").
  return { ...runtime, app: runtime.app.as({ name: 'cli', requestId: null }) };
}

/**
 * Compares the committed migrations with the ones recorded in the database. Cheap, and it
 * turns "table does not exist" into advice.
 */
async function assertSchemaCurrent(database: Database): Promise<void> {
  const { appliedMigrations, committedMigrations } = await import('../db/migrate.ts');
  const applied = await appliedMigrations(database);
  if (applied === null) {
    throw new CliFailure(
      'the database has no quota-manager schema yet; run `quota-manager migrate` first',
    );
  }
  const pending = committedMigrations(database.kind).filter((name) => !applied.has(name));
  if (pending.length > 0) {
    throw new CliFailure(
      `the database schema is behind this version (${pending.length} pending migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}); run \`quota-manager migrate\` first`,
    );
  }
}
