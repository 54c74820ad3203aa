// The daemon as one object: the admin token, the root logger, the runtime (src/runtime.ts wires
// everything else), the HTTP server over its API and the cron ticks, started in that order and
// stopped in the reverse. main.ts only reads the config, starts this and wires the signals.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getHeapStatistics } from 'node:v8';
import { serve } from '@hono/node-server';
import type { Config } from './config/load-config.ts';
import { configSecrets } from './config/config-secrets.ts';
import { createLogger } from './logger.ts';
import { createServer } from './http/server.ts';
import { buildRuntime, type Runtime } from './runtime.ts';

export interface Daemon {
  readonly runtime: Runtime;
  /** Closes the HTTP server and the runtime (the scanner aborts its gateway calls in flight). */
  stop(reason: string): Promise<void>;
  /** Resolves once the log lines are written (at most half a second): call it last. */
  flushLogs(): Promise<void>;
}

/** The address could not be listened on; the runtime is already closed again. */
export class ListenError extends Error {
  constructor(config: Readonly<Config>, code: string) {
    super(
      `cannot listen on ${config.host}:${config.port} (${code}): set HOST / PORT to an address of this machine and a free port`,
    );
    this.name = 'ListenError';
  }
}

export async function startDaemon(config: Readonly<Config>): Promise<Daemon> {
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
  const app = createServer({ ...runtime.serverDeps, adminToken });
  const server = serve({ fetch: app.fetch, hostname: config.host, port: config.port });
  // The scanner starts only once the API listens: a daemon that cannot serve must not grant.
  try {
    await listening(server);
  } catch (error) {
    await runtime.close();
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ListenError(config, code);
  }
  const port = (server.address() as AddressInfo).port;
  logger.info('listening', {
    url: `http://${config.host}:${port}`,
    port,
    // How much garbage V8 lets pile up depends on this limit (docs/operations.md, "Memory").
    heap_limit_mb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20),
  });
  runtime.startScanner();
  runtime.metrics.loopStalls.start();
  logger.info('scanner started', { scan_cron: config.scanCron, timezone: config.timezone });
  void warnIfGatewayDown(runtime);
  return {
    runtime,
    async stop(reason) {
      logger.info('shutting down', { signal: reason });
      server.close();
      runtime.metrics.loopStalls.stop();
      await runtime.close();
      logger.info('stopped');
    },
    flushLogs: () =>
      new Promise<void>((resolve) => {
        logger.on('finish', resolve);
        logger.end();
        setTimeout(resolve, 500).unref();
      }),
  };
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
