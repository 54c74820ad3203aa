// The one composition root: builds every part of the daemon from a validated config — logger,
// database (migrated), gateway client and breaker, stores, the core's use cases, the scanner —
// and what the HTTP server needs. Used by the daemon (daemon.ts), the CLI, the test harness and the
// benchmarks, so all of them are wired the same way; `overrides` is how a test or a benchmark
// swaps a part (a manual clock, a capturing logger, a database it made) without re-wiring.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from './config/load-config.ts';
import { configSecrets } from './config/config-secrets.ts';
import { createApplication, type Application } from './core/application.ts';
import { systemClock, type Clock } from './core/clock.ts';
import { SYSTEM_ACTOR } from './core/model/audit.ts';
import type { GatewayHealth } from './core/ports/gateway.ts';
import type { CoreLogger } from './core/ports/runtime-services.ts';
import { FullScanSchedule } from './core/scan/full-scan-schedule.ts';
import { gatewayCallBudgetMs, type RunDeps } from './core/scan/run-deps.ts';
import type { Database } from './db/client.ts';
import { createAuditStore } from './db/audit-store.ts';
import { createConsoleSessionStore } from './db/console-session-store.ts';
import { createLedgerStore } from './db/ledger-store.ts';
import { translateDatabaseError } from './db/prisma-errors.ts';
import { createScanStore } from './db/scan-store.ts';
import { createLotStore } from './db/lot-store.ts';
import { createStatsStore } from './db/stats-store.ts';
import { createStrategyStore } from './db/strategy-store.ts';
import { createUserStore } from './db/user-store.ts';
import type { CircuitBreaker, QuotaGateway } from './gateway/index.ts';
import { createGatewayBreaker } from './gateway/gateway-breaker.ts';
import { createGithubStarStore } from './db/github-star-store.ts';
import { buildGithubStars, type GithubStars } from './github/github-stars.ts';
import type { ServerDeps } from './http/server.ts';
import { createLogger } from './logger.ts';
import { publicUrlPath } from './config/public-site.ts';
import { instrumentGateway } from './metrics/instrumented-gateway.ts';
import { createMetrics, type Metrics } from './metrics/metrics.ts';
import { phaseTrackedGateway, phaseTrackedStore } from './metrics/phase-tracked.ts';
import { sqliteStatementSink } from './metrics/sqlite-statements.ts';
import { InteractiveGate } from './scheduler/interactive-gate.ts';
import { Scanner } from './scheduler/scanner.ts';
import { createGatewayClient } from './runtime/gateway-client.ts';
import { openMigrated } from './runtime/open-migrated-database.ts';
import { UserSyncTicker } from './scheduler/user-sync-ticker.ts';
import { buildWebhooks, type Webhooks } from './runtime/webhooks.ts';
import { buildUserSource } from './sources/build-user-source.ts';

/** A logger with children per component (winston's, or a test's). */
export interface RuntimeLogger extends CoreLogger {
  child(fields: Record<string, unknown>): RuntimeLogger;
}

export interface Runtime {
  config: Readonly<Config>;
  logger: RuntimeLogger;
  clock: Clock;
  database: Database;
  gateway: QuotaGateway;
  /** The core's use cases: what the API, the CLI and the cron ticks call. */
  app: Application;
  scanner: Scanner;
  /** API requests pass through it so that scans let them go first (see interactive-gate.ts). */
  interactive: InteractiveGate | undefined;
  /** Prometheus registry fed by the scanner and the gateway client; served at /metrics. */
  metrics: Metrics;
  /** The GitHub star poller (GITHUB_SYNC_CRON) and webhook. */
  github: GithubStars;
  /** Events out: the outbox recorder and the delivery worker (started with the scanner). */
  webhooks: Webhooks;
  /** What the HTTP server (http/server.ts) needs, but the admin token: ADMIN_TOKEN or daemon.ts's
   * generated one is the caller's to add; named tokens come from config. */
  serverDeps: Omit<ServerDeps, 'adminToken'>;
  /** Starts the cron ticks (config.scanCron in config.timezone). */
  startScanner(): void;
  /** Stops the scanner (aborting the gateway calls in flight) and closes the database. */
  close(): Promise<void>;
}

export interface RuntimeOverrides {
  /** Extra values to redact from logs and gateway errors (e.g. a generated admin token). */
  secrets?: string[];
  /** Apply migrations before opening the database (default true; ignored with `database`). */
  migrate?: boolean;
  /** Default: winston, configured by config.log. */
  logger?: RuntimeLogger;
  /** Default: the system clock. */
  clock?: Clock;
  /** An open database to use instead of opening config.databaseUrl (tests). */
  database?: Database;
  /** Identity of this process in leases; default host:pid:random. */
  holder?: string;
  /** The benchmarks' switch to evaluate conditions in memory (see RunDeps.pushDown). */
  pushDown?: boolean;
  /**
   * The gate API requests are reported to and scans yield to; default a fresh one. null: none
   * (requests are not reported, scans never wait: the in-process test harness).
   */
  interactive?: InteractiveGate | null;
  /** The gateway circuit breaker; default one from config.gateway (none when breakerFailures is 0). */
  breaker?: CircuitBreaker;
  /** Every single strategy's next scan reads every user (`quota-manager scan --full`). */
  fullScan?: boolean;
}

export async function buildRuntime(
  config: Readonly<Config>,
  overrides: RuntimeOverrides = {},
): Promise<Runtime> {
  const secrets = [...configSecrets(config), ...(overrides.secrets ?? [])];
  const logger =
    overrides.logger ??
    createLogger({ level: config.log.level, format: config.log.format, secrets });
  const clock = overrides.clock ?? systemClock;
  // SQLite statements run on the event loop: timed, by scan phase, once the metrics exist.
  const statements = sqliteStatementSink(logger);
  const database =
    overrides.database ?? (await openMigrated(config, logger, overrides.migrate, statements));

  const gatewayLog = logger.child({ component: 'gateway' });
  // Shared by the client (which refuses calls while it is open) and the scanner (which then
  // claims nothing): the one source of truth for "gateway down".
  const stats = createStatsStore(database);
  const metrics = createMetrics({
    ledgerBacklog: () => stats.ledgerBacklog(),
    heldOccurrences: () => stats.countHeldOccurrences(),
    enabledStrategies: () => stats.enabledStrategies(),
    logger: logger.child({ component: 'metrics' }),
    gatewayCircuit: () => breaker?.state ?? 'closed',
    now: () => clock.now(),
  });
  statements.attach(metrics.loopStalls, (ms) => metrics.sqliteBusyWait(ms));
  const webhooks = buildWebhooks(config.webhooks, {
    database,
    clock,
    logger: logger.child({ component: 'webhooks' }),
    metrics,
  });
  const breaker =
    overrides.breaker ??
    createGatewayBreaker(config.gateway, gatewayLog, (state) => webhooks.breakerChanged(state));
  // Aborted by close(): shutdown ends the gateway calls in flight rather than waiting for them.
  const stopGatewayCalls = new AbortController();
  const gatewayClient = createGatewayClient(config.gateway, {
    logger: gatewayLog,
    secrets,
    breaker,
    signal: stopGatewayCalls.signal,
  });
  const instrumented = instrumentGateway(gatewayClient, metrics.gatewayRequestDuration);
  const gateway = phaseTrackedGateway(instrumented, metrics.loopStalls);

  const fullScans = new FullScanSchedule(config.scan.fullEveryMs);
  if (overrides.fullScan === true) fullScans.forceAll();
  const interactive =
    overrides.interactive === null ? undefined : (overrides.interactive ?? new InteractiveGate());
  const scanLog = logger.child({ component: 'scanner' });
  const scanner = new Scanner(scanLog);
  const health: GatewayHealth | undefined = breaker && {
    available: () => breaker.allowsRequests(),
  };
  const scan: RunDeps = {
    store: phaseTrackedStore(createScanStore(database), metrics.loopStalls),
    gateway,
    clock,
    logger: scanLog,
    holder: overrides.holder ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    pageSize: config.scan.pageSize,
    leaseMs: config.scan.leaseMs,
    ledgerMaxAttempts: config.scan.ledgerMaxAttempts,
    delivery: {
      concurrency: config.gateway.concurrency,
      honoursIdempotency: config.gateway.honoursIdempotency,
      reconcile: config.gateway.reconcile === 'query',
      balance: config.gateway.balance,
      uncertainSettleAfterMs: config.gateway.settleAfterMs ?? gatewayCallBudgetMs(config.gateway),
    },
    observer: metrics.scanObserver,
    events: webhooks.recorder,
    gatewayHealth: health,
    interactive,
    pushDown: overrides.pushDown,
    defaultMaxUsersPerOccurrence: config.scan.maxUsersPerOccurrence,
    previewMaxBalanceReads: config.scan.previewMaxBalanceReads,
    fullScans,
    lots: createLotStore(database),
  };
  const strategies = createStrategyStore(database);
  const github = buildGithubStars(config.github, {
    leaseMs: config.scan.leaseMs,
    database,
    strategies,
    clock,
    logger: logger.child({ component: 'github' }),
    metrics,
    onStarAdded: () => scanner.wake(),
  });
  const [users, audit] = [createUserStore(database), createAuditStore(database)];
  const userSource = buildUserSource({
    ...{ config, database, users, audit, clock, logger, metrics },
    events: webhooks.recorder,
  });
  const app = createApplication({
    strategies,
    ledger: createLedgerStore(database),
    users,
    stats,
    audit,
    actor: SYSTEM_ACTOR,
    userSource,
    githubRepos: createGithubStarStore(database),
    scan,
    serializer: scanner,
    clock,
    logger: logger.child({ component: 'core' }),
    defaultTimeZone: config.timezone,
    webhooks: webhooks.services,
  });

  const userSync = new UserSyncTicker(scanLog, () => app.startUserSync({}));
  const serverDeps: Omit<ServerDeps, 'adminToken'> = {
    app,
    namedTokens: config.adminTokens,
    bodyLimitBytes: config.api.bodyLimitBytes,
    requestTimeoutMs: config.api.requestTimeoutMs,
    rateLimitPerMinute: config.api.rateLimitPerMinute,
    clock,
    logger: logger.child({ component: 'api' }),
    checks: { database: () => database.ping(), gateway: () => gateway.ping() },
    translateError: translateDatabaseError,
    metrics,
    metricsToken: config.metricsToken,
    // PUBLIC_URL's path when it is set (the config checked PUBLIC_BASE_PATH agrees with it).
    publicBasePath: config.publicUrl ? publicUrlPath(config.publicUrl) : config.publicBasePath,
    publicUrl: config.publicUrl,
    trustProxy: config.trustProxy,
    consoleSessions: createConsoleSessionStore(database),
    githubWebhook: github.webhook,
    // A request being served is the `api` phase of the loop-stall histogram.
    interactive: interactive && {
      begin: () => {
        metrics.loopStalls.enter('api');
        interactive.begin();
      },
      end: () => interactive.end(),
    },
  };
  return {
    config,
    logger,
    clock,
    database,
    gateway,
    app,
    scanner,
    interactive,
    metrics,
    github,
    webhooks,
    serverDeps,
    startScanner: () => {
      scanner.start(config.scanCron, config.timezone, () => app.scanNow());
      github.start(config.timezone);
      webhooks.worker.start();
      if (userSource) userSync.schedule(config.userSource.cron, userSource.timeZone);
    },
    async close() {
      // The scanner stops claiming at once (stop() marks it stopping before it waits); then the
      // calls in flight are aborted, so a slow gateway cannot hold the shutdown. A delta cut off
      // in flight stays `sending` and the next run settles it (deliver-entry.ts).
      const stopped = Promise.all([scanner.stop(), userSync.stop(), userSource?.runner.settled()]);
      stopGatewayCalls.abort();
      await stopped;
      await github.stop();
      await webhooks.close();
      await database.close();
      // Idle sockets would not hold the process open, but a closed runtime keeps nothing: later
      // calls fail as certainly not sent. After the database, not before: one more await ahead
      // of database.close() let a straggling writer take a MariaDB connection that the driver's
      // pool.end() then waited 10 s for (crash-and-shutdown.test.ts, "SIGTERM during slow
      // gateway calls", on mysql).
      await gatewayClient.close();
    },
  };
}
