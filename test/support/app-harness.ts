// Builds the real application in-process for API tests: a real database of the given kind, a
// real mock gateway on a free port, the real gateway client and scanner, and a clock the test
// moves by hand. Requests go through app.request (no socket needed for the API itself).
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import { createApp, type ApiApp } from '../../src/api/app.ts';
import { ManualClock } from '../../src/core/clock.ts';
import { createExecutionRepository } from '../../src/db/execution-repository.ts';
import type { DatabaseKind } from '../../src/db/driver.ts';
import { createScanStore } from '../../src/db/scan-store.ts';
import { createStatsRepository } from '../../src/db/stats-repository.ts';
import { createStrategyRepository } from '../../src/db/strategy-repository.ts';
import { createUserRepository } from '../../src/db/user-repository.ts';
import { CircuitBreaker, createAiGatewayClient } from '../../src/gateway/index.ts';
import { instrumentGateway } from '../../src/metrics/instrumented-gateway.ts';
import { createMetrics, type Metrics } from '../../src/metrics/metrics.ts';
import { Scanner } from '../../src/scheduler/scanner.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const GATEWAY_KEY = 'test-gateway-key';

/** Collects log lines so tests can assert on them (and keep test output quiet). */
export class CapturingLogger {
  readonly lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  private push = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void this.lines.push({ level, message, fields });
  info = this.push('info');
  warn = this.push('warn');
  error = this.push('error');
  debug = this.push('debug');
}

export interface Harness {
  app: ApiApp;
  database: TestDatabase;
  mock: RunningMockGateway;
  clock: ManualClock;
  scanner: Scanner;
  logger: CapturingLogger;
  metrics: Metrics;
  /** JSON request with the admin token unless `token: null`. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  destroy(): Promise<void>;
}

export interface HarnessOptions {
  requestTimeoutMs?: number;
  rateLimitPerMinute?: number;
  now?: string;
  honoursIdempotency?: boolean;
  pageSize?: number;
  gatewayMaxAttempts?: number;
  /** Protects /metrics with this bearer token. */
  metricsToken?: string;
  /** The configured time zone (QM_TIMEZONE); default UTC. */
  timeZone?: string;
  /** Shared by the gateway client and the scanner, as in src/runtime.ts. */
  breaker?: CircuitBreaker;
  /** Hears the API's interactive requests (ApiDeps.interactive). */
  interactive?: { begin(): void; end(): void };
  /** A database made by the test (e.g. on a cluster with another locale); destroyed with the harness. */
  database?: TestDatabase;
}

export async function createHarness(
  kind: DatabaseKind,
  options: HarnessOptions = {},
): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase(kind));
  const mock = await startMockGateway({ port: 0, authValue: GATEWAY_KEY });
  const clock = new ManualClock(new Date(options.now ?? '2026-01-15T10:00:00Z'));
  const logger = new CapturingLogger();
  const stats = createStatsRepository(database.db);
  const metrics = createMetrics({
    ledgerBacklog: () => stats.ledgerBacklog(),
    enabledStrategies: () => stats.enabledStrategies(),
    logger,
    now: () => clock.now(),
  });
  const gateway = instrumentGateway(
    createAiGatewayClient({
      baseUrl: mock.url,
      adminPath: '/v1/chat/completions/quota',
      authHeader: 'x-admin-key',
      authValue: GATEWAY_KEY,
      timeoutMs: 2000,
      maxAttempts: options.gatewayMaxAttempts ?? 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
      concurrency: 8,
      honoursIdempotency: options.honoursIdempotency ?? true,
      logger,
      breaker: options.breaker,
    }),
    metrics.gatewayRequestDuration,
  );
  const scanner = new Scanner({
    store: createScanStore(database.db),
    gateway,
    clock,
    logger,
    holder: `test:${process.pid}`,
    pageSize: options.pageSize ?? 50,
    leaseMs: 60_000,
    ledgerMaxAttempts: 5,
    delivery: { concurrency: 8, honoursIdempotency: options.honoursIdempotency ?? true },
    observer: metrics.scanObserver,
    gatewayAvailable: options.breaker ? () => options.breaker!.allowsRequests() : undefined,
  });
  const app = createApp({
    adminToken: ADMIN_TOKEN,
    defaultTimeZone: options.timeZone ?? 'UTC',
    bodyLimitBytes: 256 * 1024,
    requestTimeoutMs: options.requestTimeoutMs,
    rateLimitPerMinute: options.rateLimitPerMinute,
    clock,
    logger,
    strategies: createStrategyRepository(database.db),
    executions: createExecutionRepository(database.db),
    users: createUserRepository(database.db),
    scanner,
    stats,
    metrics,
    metricsToken: options.metricsToken,
    interactive: options.interactive,
    checks: {
      database: async () => void (await database.db.$queryRawUnsafe('SELECT 1')),
      gateway: () => gateway.ping(),
    },
  });
  return {
    app,
    database,
    mock,
    clock,
    scanner,
    logger,
    metrics,
    async call(method, path, body, callOptions = {}) {
      const headers: Record<string, string> = { ...(callOptions.headers ?? {}) };
      const token = callOptions.token === undefined ? ADMIN_TOKEN : callOptions.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        payload = typeof body === 'string' ? body : JSON.stringify(body);
        headers['content-type'] ??= 'application/json';
        headers['content-length'] ??= String(Buffer.byteLength(payload));
      }
      const response = await app.request(path, { method, headers, body: payload });
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* keep text */
      }
      return { status: response.status, body: parsed, headers: response.headers };
    },
    async destroy() {
      await scanner.stop();
      await mock.close();
      await database.destroy();
    },
  };
}
