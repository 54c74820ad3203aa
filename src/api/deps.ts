// What the HTTP layer needs, built once in main.ts (or by a test) and passed to createApp.
import type { Clock } from '../core/clock.ts';
import type { ExecutionRepository } from '../db/execution-repository.ts';
import type { StatsRepository } from '../db/stats-repository.ts';
import type { StrategyRepository } from '../db/strategy-repository.ts';
import type { UserRepository } from '../db/user-repository.ts';
import type { Metrics } from '../metrics/metrics.ts';
import type { Scanner } from '../scheduler/scanner.ts';

export interface ApiLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface ApiDeps {
  adminToken: string;
  defaultTimeZone: string;
  bodyLimitBytes: number;
  /** Requests slower than this answer 503 (synchronous scan/run routes are exempt). */
  requestTimeoutMs?: number;
  /** Per client and route, per minute; 0 or absent turns the limit off. */
  rateLimitPerMinute?: number;
  clock: Clock;
  logger: ApiLogger;
  strategies: StrategyRepository;
  executions: ExecutionRepository;
  users: UserRepository;
  scanner: Scanner;
  /** Readiness probes: each resolves when its dependency answers. */
  checks: { database(): Promise<void>; gateway(): Promise<void> };
  /** Ledger statistics; absent means the /api/v1 statistics routes are not mounted. */
  stats?: StatsRepository;
  /** The registry /metrics serves (shared with the scanner's observer); absent → a fresh one. */
  metrics?: Metrics;
  /** When set, /metrics requires `Authorization: Bearer <metricsToken>`; unset, it is open. */
  metricsToken?: string;
  /** Told when requests start and end, so scans can let them go first (scan/run routes excepted). */
  interactive?: { begin(): void; end(): void };
}
