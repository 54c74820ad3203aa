// What the HTTP layer needs, built once by the composition root (src/runtime.ts, or a test
// through it) and passed to createServer (http/server.ts). Everything the routes do goes through `app`, the core's
// use cases; the API knows no database and no scheduler.
import type { Context } from 'hono';
import type { Application } from '../core/application.ts';
import type { NamedToken } from './access-tokens.ts';
import type { Clock } from '../core/clock.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { StarDelivery, StarEventOutcome } from '../core/github/receive-star-event.ts';

/** The use cases acting for the request's caller (audit rows carry its name and request id). */
export function actingApp(
  deps: Pick<ApiDeps, 'app'>,
  c: {
    get(key: 'caller'): { name: string; role: string };
    get(key: 'requestId'): string;
    get(key: 'signal'): AbortSignal | undefined;
  },
): Application {
  const caller = c.get('caller');
  return deps.app.as(
    { name: caller.name, requestId: c.get('requestId') },
    { signal: c.get('signal'), knownUsersOnly: caller.role === 'viewer' },
  );
}

export interface ApiDeps {
  app: Application;
  /** ADMIN_TOKEN: the admin token named "admin" (absent when only named tokens are configured). */
  adminToken?: string;
  /** Named tokens with their roles (config admin_tokens / ADMIN_TOKENS). */
  namedTokens?: readonly NamedToken[];
  bodyLimitBytes: number;
  /** Requests slower than this answer 503 (synchronous scan/run routes are exempt). */
  requestTimeoutMs?: number;
  /** Per client and route, per minute; 0 or absent turns the limit off. */
  rateLimitPerMinute?: number;
  clock: Clock;
  logger: CoreLogger;
  /** Readiness probes: each resolves when its dependency answers. */
  checks: { database(): Promise<void>; gateway(): Promise<void> };
  /**
   * Turns an adapter's error into ours where it has a meaning (the database adapter's: 503
   * database_unavailable); anything else is returned as it is.
   */
  translateError?: (error: unknown) => unknown;
  /** The registry /metrics serves (shared with the scanner's observer); absent → a fresh one. */
  metrics?: Metrics;
  /** When set, /metrics requires `Authorization: Bearer <metricsToken>`; unset, it is open. */
  metricsToken?: string;
  /** The caller's address for the rate limit (http/forwarded.ts: TRUST_PROXY decides). */
  clientAddress?: (c: Context) => string;
  /** PUBLIC_BASE_PATH: the path a reverse proxy serves the daemon under ('' for the root). */
  publicBasePath?: string;
  /** POST /api/v1/hooks/github; absent (404) when GITHUB_WEBHOOK_SECRET is unset. */
  githubWebhook?: { secret: string; receive(delivery: StarDelivery): Promise<StarEventOutcome> };
  /** Told when requests start and end, so scans can let them go first (scan/run routes excepted). */
  interactive?: { begin(): void; end(): void };
}
