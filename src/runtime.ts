// Builds the daemon's parts from a validated config: logger, database (migrated), gateway
// client, repositories and scanner. Shared by the daemon (main.ts) and the CLI, so both wire
// things the same way. Starting the HTTP server and the cron ticks is the caller's business.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type winston from 'winston';
import { configSecrets, type Config } from './config/load-config.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { openDatabase, type Database } from './db/client.ts';
import { createExecutionRepository, type ExecutionRepository } from './db/execution-repository.ts';
import { applyMigrations, pendingMigrations } from './db/migrate.ts';
import { createScanStore } from './db/scan-store.ts';
import { createStatsRepository, type StatsRepository } from './db/stats-repository.ts';
import { createStrategyRepository, type StrategyRepository } from './db/strategy-repository.ts';
import { createUserRepository, type UserRepository } from './db/user-repository.ts';
import { CircuitBreaker, createAiGatewayClient, type QuotaGateway } from './gateway/index.ts';
import { createLogger, createRedactor } from './logger.ts';
import { instrumentGateway } from './metrics/instrumented-gateway.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { InteractiveGate } from './scheduler/interactive-gate.ts';
import { Scanner } from './scheduler/scanner.ts';

export interface Runtime {
  config: Readonly<Config>;
  logger: winston.Logger;
  clock: Clock;
  database: Database;
  gateway: QuotaGateway;
  strategies: StrategyRepository;
  executions: ExecutionRepository;
  users: UserRepository;
  scanner: Scanner;
  /** API requests pass through it so that scans let them go first (see interactive-gate.ts). */
  interactive: InteractiveGate;
  stats: StatsRepository;
  /** Prometheus registry fed by the scanner and the gateway client; served at /metrics. */
  metrics: Metrics;
  /** Stops the scanner (finishing the gateway calls in flight) and closes the database. */
  close(): Promise<void>;
}

export interface RuntimeOptions {
  /** Extra values to redact from logs (e.g. a generated admin token). */
  secrets?: string[];
  /** Apply migrations before opening the database (default true). */
  migrate?: boolean;
}

export async function buildRuntime(
  config: Readonly<Config>,
  options: RuntimeOptions = {},
): Promise<Runtime> {
  const secrets = [...configSecrets(config), ...(options.secrets ?? [])];
  const logger = createLogger({ level: config.log.level, format: config.log.format, secrets });
  const pool = { poolSize: config.databasePoolSize };
  let database = await openDatabase(config.databaseUrl, pool);
  if (options.migrate !== false) {
    // Starting the Prisma CLI costs seconds; restarts with nothing to apply skip it.
    const pending = await pendingMigrations(database);
    if (pending.length > 0) {
      logger.info('applying database migrations', { pending });
      await database.close();
      await applyMigrations(config.databaseUrl);
      database = await openDatabase(config.databaseUrl, pool);
    }
  }
  logger.info('database ready', { kind: database.kind });

  const gatewayLog = logger.child({ component: 'gateway' });
  // Shared by the client (which refuses calls while it is open) and the scanner (which then
  // claims nothing).
  const breaker = createGatewayBreaker(config.gateway, gatewayLog);
  const stats = createStatsRepository(database.db);
  const metrics = createMetrics({
    ledgerBacklog: () => stats.ledgerBacklog(),
    enabledStrategies: () => stats.enabledStrategies(),
    logger: logger.child({ component: 'metrics' }),
    gatewayCircuit: () => breaker?.state ?? 'closed',
  });
  const gateway = instrumentGateway(
    createAiGatewayClient({
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
      logger: gatewayLog,
      // Gateway answers quoted in errors reach last_error and the API: same redaction as logs.
      redact: createRedactor(secrets),
      breaker,
    }),
    metrics.gatewayRequestDuration,
  );

  const interactive = new InteractiveGate();
  const scanner = new Scanner({
    store: createScanStore(database.db),
    gateway,
    clock: systemClock,
    logger: logger.child({ component: 'scanner' }),
    holder: `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    pageSize: config.scan.pageSize,
    leaseMs: config.scan.leaseMs,
    ledgerMaxAttempts: config.scan.ledgerMaxAttempts,
    delivery: {
      concurrency: config.gateway.concurrency,
      honoursIdempotency: config.gateway.honoursIdempotency,
    },
    observer: metrics.scanObserver,
    gatewayAvailable: breaker ? () => breaker.allowsRequests() : undefined,
    interactive,
  });

  return {
    config,
    logger,
    clock: systemClock,
    database,
    gateway,
    strategies: createStrategyRepository(database.db),
    executions: createExecutionRepository(database.db),
    users: createUserRepository(database.db),
    scanner,
    interactive,
    stats,
    metrics,
    async close() {
      await scanner.stop();
      await database.close();
    },
  };
}

/** The gateway circuit breaker, logging each change of state; none when breakerFailures is 0. */
function createGatewayBreaker(
  settings: Config['gateway'],
  log: winston.Logger,
): CircuitBreaker | undefined {
  if (settings.breakerFailures === 0) return undefined;
  return new CircuitBreaker({
    failureThreshold: settings.breakerFailures,
    cooldownMs: settings.breakerCooldownMs,
    onChange: ({ state, consecutiveFailures, retryAt }) => {
      if (state === 'open') {
        log.error('gateway circuit breaker open: grants paused', {
          consecutive_failures: consecutiveFailures,
          retry_at: new Date(retryAt!).toISOString(),
        });
      } else if (state === 'closed') {
        log.info('gateway circuit breaker closed: grants resume');
      } else {
        log.info('gateway circuit breaker half-open: probing the gateway');
      }
    },
  });
}
