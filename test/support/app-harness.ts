// Builds the real application in-process for API tests: a real database of the given kind, a
// real mock gateway on a free port, the real gateway client and scanner, and a clock the test
// moves by hand. Requests go through app.request (no socket needed for the API itself).
import { createHash } from 'node:crypto';
import type { z } from '@hono/zod-openapi';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import type { ApiApp } from '../../src/api/app.ts';
import { createServer } from '../../src/http/server.ts';
import type { Config } from '../../src/config/load-config.ts';
import { ManualClock } from '../../src/core/clock.ts';
import type { BalanceProtocol } from '../../src/core/grant-mode.ts';
import type { DatabaseKind } from '../../src/config/database-url.ts';
import type { CircuitBreaker } from '../../src/gateway/index.ts';
import type { Metrics } from '../../src/metrics/metrics.ts';
import { buildRuntime, type Runtime } from '../../src/runtime.ts';
import type { InteractiveGate } from '../../src/scheduler/interactive-gate.ts';
import { createTestDatabase, type TestDatabase } from './databases.ts';
import type { JsonBody } from './json-body.ts';
import { bodyAs } from './typed-body.ts';

export type { JsonBody } from './json-body.ts';
export { bodyAs } from './typed-body.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
/** Named tokens the harness configures (admin_tokens): a viewer and a second admin. */
export const VIEWER_TOKEN = 'test-viewer-token-0123456789';
export const OPS_TOKEN = 'test-ops-token-0123456789';
const sha256 = (token: string) => createHash('sha256').update(token).digest('hex');
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
  /** Children share the parent's lines: tests read one list. */
  child = (): this => this;
}

export interface Harness {
  app: ApiApp;
  database: TestDatabase;
  mock: RunningMockGateway;
  clock: ManualClock;
  runtime: Runtime;
  logger: CapturingLogger;
  metrics: Metrics;
  /** JSON request with the admin token unless `token: null`. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<{ status: number; body: JsonBody; headers: Headers }>;
  /**
   * A request whose answer must have `status`; its body is parsed with a contract schema, so it
   * is typed as the API declares it and checked to have that shape (typed-body.ts).
   */
  callAs<S extends z.ZodType>(
    schema: S,
    status: number,
    method: string,
    path: string,
    body?: unknown,
    options?: { token?: string | null; headers?: Record<string, string> },
  ): Promise<{ body: z.output<S>; headers: Headers }>;
  destroy(): Promise<void>;
}

export interface HarnessOptions {
  /** SCAN_FULL_EVERY_MS; default one hour. */
  fullScanEveryMs?: number;
  requestTimeoutMs?: number;
  rateLimitPerMinute?: number;
  now?: string;
  honoursIdempotency?: boolean;
  /** AIGATEWAY_RECONCILE; default 'off' (tests of reconciliation turn it on). */
  reconcile?: 'query' | 'off';
  pageSize?: number;
  gatewayMaxAttempts?: number;
  /** AIGATEWAY_TIMEOUT_MS; default 2000. */
  gatewayTimeoutMs?: number;
  /**
   * AIGATEWAY_SETTLE_AFTER_MS: how long a grant in doubt waits before it is settled; default
   * the client's retry budget. Tests of doubts shorten it so they need not wait seconds.
   */
  settleAfterMs?: number;
  /** Protects /metrics with this bearer token. */
  metricsToken?: string;
  /** The configured time zone (QM_TIMEZONE); default UTC. */
  timeZone?: string;
  /** Shared by the gateway client and the scanner, as in src/runtime.ts. */
  breaker?: CircuitBreaker;
  /** Gateway requests a failed grant may use across scans (LEDGER_MAX_ATTEMPTS); default 5. */
  ledgerMaxAttempts?: number;
  /** Largest request body (API_BODY_LIMIT_BYTES); default 256 KiB. */
  bodyLimitBytes?: number;
  /** The gate API requests are reported to (default none: scans never wait for requests). */
  interactive?: InteractiveGate;
  /** A database made by the test (e.g. on a cluster with another locale); destroyed with the harness. */
  database?: TestDatabase;
  /** How the gateway keeps balances (AIGATEWAY_BALANCE); the mock is started speaking the same. */
  balance?: BalanceProtocol;
  /** PUBLIC_BASE_PATH: the path a reverse proxy serves the daemon under (default none). */
  publicBasePath?: string;
  /** PUBLIC_URL: where operators reach the daemon (default unset). */
  publicUrl?: string;
  /** TRUST_PROXY: proxies whose X-Forwarded-* headers are believed (default none). */
  trustProxy?: string[];
  /** scan.max_users_per_occurrence (default unset). */
  maxUsersPerOccurrence?: number;
  /** gateway.worker_thread: gateway requests from a worker thread (default false). */
  workerThread?: boolean;
  /** scan.preview_max_balance_reads (default 1000). */
  previewMaxBalanceReads?: number;
  /** github.* settings (default: an API URL nothing listens on, no webhook secret). */
  github?: Partial<Config['github']>;
  /** user_source.*: the operator's user database to sync from (default none). */
  userSource?: Partial<Config['userSource']>;
}

/** The daemon's settings with the harness's small, fast values. */
function harnessConfig(
  database: TestDatabase,
  gatewayUrl: string,
  options: HarnessOptions,
): Config {
  return {
    databaseUrl: database.url,
    databasePoolSize: 10,
    host: '127.0.0.1',
    port: 0,
    publicBasePath: options.publicBasePath ?? '',
    publicUrl: options.publicUrl,
    trustProxy: options.trustProxy ?? [],
    adminToken: ADMIN_TOKEN,
    adminTokens: [
      { name: 'viewer-bot', role: 'viewer', tokenSha256: sha256(VIEWER_TOKEN) },
      { name: 'ops-alice', role: 'admin', tokenSha256: sha256(OPS_TOKEN) },
    ],
    metricsToken: options.metricsToken,
    timezone: options.timeZone ?? 'UTC',
    scanCron: '* * * * *',
    gateway: {
      url: gatewayUrl,
      adminPath: '/v1/chat/completions/quota',
      authHeader: 'x-admin-key',
      authValue: GATEWAY_KEY,
      timeoutMs: options.gatewayTimeoutMs ?? 2000,
      maxAttempts: options.gatewayMaxAttempts ?? 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 5,
      concurrency: 8,
      honoursIdempotency: options.honoursIdempotency ?? true,
      reconcile: options.reconcile ?? 'off',
      balance: options.balance ?? 'total_minus_used',
      settleAfterMs: options.settleAfterMs,
      // No breaker unless the test brings one (HarnessOptions.breaker).
      breakerFailures: 0,
      breakerCooldownMs: 30_000,
      workerThread: options.workerThread ?? false,
    },
    scan: {
      pageSize: options.pageSize ?? 50,
      leaseMs: 60_000,
      fullEveryMs: options.fullScanEveryMs ?? 3_600_000,
      ledgerMaxAttempts: options.ledgerMaxAttempts ?? 5,
      maxUsersPerOccurrence: options.maxUsersPerOccurrence,
      previewMaxBalanceReads: options.previewMaxBalanceReads ?? 1000,
    },
    api: {
      bodyLimitBytes: options.bodyLimitBytes ?? 256 * 1024,
      requestTimeoutMs: options.requestTimeoutMs ?? 0,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    },
    userSource: {
      cron: '*/5 * * * *',
      fullEvery: '24h',
      onDelete: 'keep',
      maxDeleteFraction: 0.1,
      ...options.userSource,
    },
    log: { level: 'debug', format: 'json' },
    github: {
      apiUrl: 'http://127.0.0.1:9',
      repositories: [],
      syncCron: '*/10 * * * *',
      webhookMaxAgeMs: 600_000,
      ...options.github,
    },
  };
}

export async function createHarness(
  kind: DatabaseKind,
  options: HarnessOptions = {},
): Promise<Harness> {
  const database = options.database ?? (await createTestDatabase(kind));
  // The mock behaves as the client is told it does (key-honouring unless a test says otherwise).
  const mock = await startMockGateway({
    port: 0,
    authValue: GATEWAY_KEY,
    honourIdempotency: options.honoursIdempotency ?? true,
    balance: options.balance,
  });
  const clock = new ManualClock(new Date(options.now ?? '2026-01-15T10:00:00Z'));
  const logger = new CapturingLogger();
  const runtime = await buildRuntime(harnessConfig(database, mock.url, options), {
    logger,
    clock,
    database,
    holder: `test:${process.pid}`,
    breaker: options.breaker,
    interactive: options.interactive ?? null,
  });
  const app = createServer({ ...runtime.serverDeps, adminToken: ADMIN_TOKEN });
  const call: Harness['call'] = async (method, path, body, callOptions = {}) => {
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
  };
  return {
    app,
    database,
    mock,
    clock,
    runtime,
    logger,
    metrics: runtime.metrics,
    call,
    async callAs(schema, status, method, path, body, callOptions) {
      const answer = await call(method, path, body, callOptions);
      if (answer.status !== status)
        throw new Error(
          `${method} ${path} answered ${answer.status}, not ${status}: ${JSON.stringify(answer.body)}`,
        );
      return { body: bodyAs(schema, answer), headers: answer.headers };
    },
    async destroy() {
      await runtime.scanner.stop();
      await mock.close();
      await database.destroy();
    },
  };
}
