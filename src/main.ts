// The daemon's entry point: config → runtime (src/runtime.ts wires everything) → HTTP server +
// cron ticks. Stops cleanly on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { ConfigError, loadConfig } from './config/load-config.ts';
import { configSecrets } from './config/config-secrets.ts';
import { createLogger } from './logger.ts';
import { buildRuntime, type Runtime } from './runtime.ts';

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
  // The generated token is redacted from gateway errors too, not only from the log.
  const runtime = await buildRuntime(config, {
    logger,
    secrets: adminToken === undefined ? [] : [adminToken],
  });
  const app = runtime.createApi({ adminToken });
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
  runtime.startScanner();
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

function listening(server: ReturnType<typeof serve>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (server.listening) {
      resolve();
      return;
    }
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

main().catch((error: unknown) => {
  process.stderr.write(
    `quota-manager: failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
