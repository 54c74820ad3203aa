// The daemon's entry point: config → runtime (src/runtime.ts wires everything) → HTTP server +
// cron ticks. Stops cleanly on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { configSecrets } from './config/config-secrets.ts';
import { createLogger } from './logger.ts';
import { buildRuntime } from './runtime.ts';

/** How long a graceful shutdown may take before the process exits anyway. */
const SHUTDOWN_DEADLINE_MS = 25_000;

async function main(): Promise<void> {
  const config = loadOrExit();
  // Named tokens alone are enough; with neither, a token is generated so the API is usable.
  const adminToken =
    config.adminToken ?? (config.adminTokens.length > 0 ? undefined : generatedAdminToken());
  const logger = createLogger({
    level: config.log.level,
    format: config.log.format,
    secrets: [...configSecrets(config), ...(adminToken === undefined ? [] : [adminToken])],
  });
  const runtime = await buildRuntime(config, { logger });
  const app = runtime.createApi({ adminToken });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port }, (info) => {
    logger.info('listening', { url: `http://${config.host}:${info.port}`, port: info.port });
  });
  runtime.startScanner();
  logger.info('scanner started', { scan_cron: config.scanCron, timezone: config.timezone });

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

function loadOrExit() {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`quota-manager: invalid configuration: ${error.message}\n`);
    process.exit(1);
  }
}

/** Printed once, on purpose not through the logger (which redacts it): the operator needs it. */
function generatedAdminToken(): string {
  const token = randomBytes(24).toString('base64url');
  process.stdout.write(
    `\nADMIN_TOKEN was not set, so this run uses a generated one:\n\n  ${token}\n\n` +
      'Set ADMIN_TOKEN (environment) or admin_token (config.yaml) to keep a stable token across restarts.\n\n',
  );
  return token;
}

main().catch((error: unknown) => {
  process.stderr.write(
    `quota-manager: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
