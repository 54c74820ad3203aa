// Opens the daemon's runtime for a one-shot command: the same config, database, gateway client,
// repositories and scanner as `serve` (src/runtime.ts), with two differences that suit a
// terminal command. Logs go to standard error, so standard output carries only the command's
// result; and only warnings and errors are logged unless --verbose.
// Commands never migrate (only `serve` and `migrate` change the schema): they check that the
// schema is current and otherwise ask the operator to run `quota-manager migrate`.
// The heavy modules (Prisma clients, the HTTP stack) are imported when a command needs them,
// so --help and usage errors answer at once.
import { readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from '../config/load-config.ts';
import type { Database } from '../db/client.ts';
import type { Runtime } from '../runtime.ts';
import { CliFailure, type CliIo } from './command.ts';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

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
  options: { verbose?: boolean } = {},
): Promise<Runtime> {
  const config = await loadCliConfig(io);
  const [{ buildRuntime }, { default: winston }] = await Promise.all([
    import('../runtime.ts'),
    import('winston'),
  ]);
  const level = options.verbose ? config.log.level : 'warn';
  let runtime: Runtime;
  try {
    runtime = await buildRuntime({ ...config, log: { ...config.log, level } }, { migrate: false });
  } catch (error) {
    // A driver's message may quote the URL, and with it the password.
    throw new CliFailure(
      `cannot open the database: ${(error as Error).message.replaceAll(config.databaseUrl, '<DATABASE_URL>')}`,
    );
  }
  // Child loggers (gateway, scanner) write through the root logger's transports.
  runtime.logger.clear().add(new winston.transports.Stream({ stream: io.stderr }));
  try {
    await assertSchemaCurrent(runtime.database);
  } catch (error) {
    await runtime.close();
    throw error;
  }
  return runtime;
}

/**
 * Compares the committed migrations with the ones recorded in the database (Prisma's
 * `_prisma_migrations` table). Cheap, and it turns "table does not exist" into advice.
 */
async function assertSchemaCurrent(database: Database): Promise<void> {
  const folder = database.kind === 'sqlite' ? 'prisma/sqlite/migrations' : 'prisma/migrations';
  const committed = readdirSync(join(projectRoot, folder), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);
  let applied: Set<string>;
  try {
    const rows = await database.db.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    applied = new Set(rows.map((r) => r.migration_name));
  } catch {
    throw new CliFailure(
      'the database has no quota-manager schema yet; run `quota-manager migrate` first',
    );
  }
  const pending = committed.filter((name) => !applied.has(name));
  if (pending.length > 0) {
    throw new CliFailure(
      `the database schema is behind this version (${pending.length} pending migration${pending.length === 1 ? '' : 's'}: ${pending.join(', ')}); run \`quota-manager migrate\` first`,
    );
  }
}
