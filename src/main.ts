// The composition root and the only place that wires things: config → logger → database →
// gateway → scanner → HTTP server. Stops cleanly on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { ConfigError, loadConfig, configSecrets } from './config/load-config.ts';
import { systemClock } from './core/clock.ts';
import { openDatabase } from './db/client.ts';
import { createExecutionRepository } from './db/execution-repository.ts';
import { applyMigrations } from './db/migrate.ts';
import { createScanStore } from './db/scan-store.ts';
import { createStrategyRepository } from './db/strategy-repository.ts';
import { createUserRepository } from './db/user-repository.ts';
import { createAiGatewayClient } from './gateway/index.ts';
import { createLogger } from './logger.ts';
import { Scanner } from './scheduler/scanner.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`quota-manager: invalid configuration: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  const generatedToken = config.adminToken ? undefined : randomBytes(24).toString('base64url');
  const adminToken = config.adminToken ?? generatedToken!;
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets: [...configSecrets(config), adminToken] });
  if (generatedToken) {
    // Printed once, on purpose not through the logger (which redacts it): the operator needs it.
    process.stdout.write(
      `\nADMIN_TOKEN was not set, so this run uses a generated one:\n\n  ${generatedToken}\n\n` +
        'Set ADMIN_TOKEN (environment) or admin_token (config.yaml) to keep a stable token across restarts.\n\n',
    );
  }

  logger.info('applying database migrations');
  await applyMigrations(config.databaseUrl);
  const database = await openDatabase(config.databaseUrl);
  logger.info('database ready', { kind: database.kind });

  const gateway = createAiGatewayClient({
    baseUrl: config.gateway.url,
    adminPath: config.gateway.adminPath,
    authHeader: config.gateway.authHeader,
    authValue: config.gateway.authValue,
    timeoutMs: config.gateway.timeoutMs,
    maxAttempts: config.gateway.maxAttempts,
    retryBaseDelayMs: config.gateway.retryBaseDelayMs,
    retryMaxDelayMs: config.gateway.retryMaxDelayMs,
    concurrency: config.gateway.concurrency,
    honoursIdempotency: config.gateway.honoursIdempotency,
    logger: logger.child({ component: 'gateway' }),
  });

  const scanLogger = logger.child({ component: 'scanner' });
  const scanner = new Scanner({
    store: createScanStore(database.db),
    gateway,
    clock: systemClock,
    logger: scanLogger,
    holder: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    pageSize: config.scan.pageSize,
    leaseMs: config.scan.leaseMs,
    ledgerMaxAttempts: config.scan.ledgerMaxAttempts,
    delivery: { concurrency: config.gateway.concurrency, honoursIdempotency: config.gateway.honoursIdempotency },
  });

  const app = createApp({
    adminToken,
    defaultTimeZone: config.timezone,
    bodyLimitBytes: config.api.bodyLimitBytes,
    clock: systemClock,
    logger: logger.child({ component: 'api' }),
    strategies: createStrategyRepository(database.db),
    executions: createExecutionRepository(database.db),
    users: createUserRepository(database.db),
    scanner,
    checks: {
      database: async () => void (await database.db.$queryRawUnsafe('SELECT 1')),
      gateway: () => gateway.ping(),
    },
  });

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info('listening', { url: `http://${config.host}:${info.port}`, port: info.port });
  });
  scanner.start(config.scanCron, config.timezone);
  logger.info('scanner started', { scan_cron: config.scanCron, timezone: config.timezone });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting with work in flight', { deadline_ms: SHUTDOWN_DEADLINE_MS });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close();
    await scanner.stop();
    await database.close();
    logger.info('stopped');
    // Let winston flush before exiting.
    logger.on('finish', () => process.exit(0));
    logger.end();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: Error) => {
  process.stderr.write(`quota-manager: failed to start: ${error.message}\n`);
  process.exit(1);
});
