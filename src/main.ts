// The daemon's entry point: config → runtime (logger, database, gateway, scanner) → HTTP
// server + cron ticks. Stops cleanly on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createApp } from './api/app.ts';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { buildRuntime, type Runtime } from './runtime.ts';

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
  if (generatedToken) {
    // Printed once, on purpose not through the logger (which redacts it): the operator needs it.
    process.stdout.write(
      `\nADMIN_TOKEN was not set, so this run uses a generated one:\n\n  ${generatedToken}\n\n` +
        'Set ADMIN_TOKEN (environment) or admin_token (config.yaml) to keep a stable token across restarts.\n\n',
    );
  }

  const runtime = await buildRuntime(config, { secrets: [adminToken] });
  const { logger, database, gateway, scanner } = runtime;
  const app = createApp({
    adminToken,
    defaultTimeZone: config.timezone,
    bodyLimitBytes: config.api.bodyLimitBytes,
    requestTimeoutMs: config.api.requestTimeoutMs,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    clock: runtime.clock,
    logger: logger.child({ component: 'api' }),
    strategies: runtime.strategies,
    executions: runtime.executions,
    users: runtime.users,
    scanner,
    stats: runtime.stats,
    metrics: runtime.metrics,
    metricsToken: config.metricsToken,
    interactive: runtime.interactive,
    checks: {
      database: async () => void (await database.db.$queryRawUnsafe('SELECT 1')),
      gateway: () => gateway.ping(),
    },
  });

  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  // The scanner starts only once the API listens: a daemon that cannot serve must not grant.
  try {
    await listening(server);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    process.stderr.write(
      `quota-manager: cannot listen on ${config.host}:${config.port} (${code}): set HOST / PORT to an address of this machine and a free port\n`,
    );
    await runtime.close();
    process.exit(1);
  }
  const port = (server.address() as AddressInfo).port;
  logger.info('listening', { url: `http://${config.host}:${port}`, port });
  scanner.start(config.scanCron, config.timezone);
  logger.info('scanner started', { scan_cron: config.scanCron, timezone: config.timezone });
  void warnIfGatewayDown(runtime);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown deadline passed; exiting with work in flight', {
        deadline_ms: SHUTDOWN_DEADLINE_MS,
      });
      process.exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    deadline.unref();
    server.close();
    await runtime.close();
    logger.info('stopped');
    // Let winston flush before exiting.
    logger.on('finish', () => process.exit(0));
    logger.end();
    setTimeout(() => process.exit(0), 500).unref();
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

function listening(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.listening) return resolve();
    server.once('listening', () => {
      server.off('error', reject);
      resolve();
    });
    server.once('error', reject);
  });
}

/** A gateway that is down at start-up is not fatal (grants wait), but the operator should know. */
async function warnIfGatewayDown({ gateway, logger, config }: Runtime): Promise<void> {
  try {
    await gateway.ping();
  } catch (error) {
    logger.warn('gateway not reachable at start-up; grants wait until it answers', {
      gateway_url: config.gateway.url,
      error: (error as Error).message,
    });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`quota-manager: failed to start: ${error.message}\n`);
  process.exit(1);
});
