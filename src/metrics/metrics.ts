// The daemon's Prometheus metrics. One Registry per Metrics object (never prom-client's global
// one), so a test can build several apps in one process. The scanner feeds it through the
// ScanObserver port, the gateway through instrumentGateway(), and the ledger gauges are read
// from the database at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DeliveryOutcome } from '../core/model/ledger-entry.ts';
import type { ScanSummary, StrategyRunResult } from '../core/model/run-result.ts';
import type { CoreLogger, ScanObserver } from '../core/ports/runtime-services.ts';
import { LoopStallMonitor } from './loop-stalls.ts';

/** Ledger rows that still need attention, by status. */
export interface LedgerBacklog {
  pending: number;
  sending: number;
  failed: number;
  unknown: number;
}

export interface MetricsOptions {
  /** Counts unsettled ledger rows (one grouped query); called on every scrape. */
  ledgerBacklog?: () => Promise<LedgerBacklog>;
  /**
   * The enabled strategies, read on every scrape: the last-success gauge then has a series for
   * each of them and for no other (a disabled or deleted strategy must not look stalled).
   */
  enabledStrategies?: () => Promise<{ id: number; createdAt: Date }[]>;
  /** Occurrences held by a budget cap right now, read from the database at scrape time. */
  heldOccurrences?: () => Promise<number>;
  /** The clock runs are timed with (default: the system clock). */
  now?: () => Date;
  logger?: Pick<CoreLogger, 'warn'>;
  /** Process and Node.js runtime metrics (CPU, memory, event loop, GC); default true. */
  processMetrics?: boolean;
  /** The gateway circuit breaker's state, read on every scrape. */
  gatewayCircuit?: () => 'closed' | 'open' | 'half_open';
}

export type ScanOutcome = 'ok' | 'with_failures' | 'error';
export type GatewayLabels = 'operation' | 'outcome' | 'status';

export interface Metrics {
  readonly registry: Registry;
  /** Pass to the scanner's RunDeps.observer. */
  readonly scanObserver: ScanObserver;
  /** Used by instrumentGateway(); one observation per client call, retries included. */
  readonly gatewayRequestDuration: Histogram<GatewayLabels>;
  /** Event-loop delay by scan phase; the daemon starts its timer (runtime.ts). */
  readonly loopStalls: LoopStallMonitor;
  /** GitHub API responses of the stargazer sync (ok, not_modified, rate_limited, error). */
  readonly githubRequests: Counter<'outcome'>;
  /** Stars added or removed, by source (poll, webhook). */
  readonly githubStarChanges: Counter<'source'>;
  /** Counts one asynchronous wait of a SQLite statement for another connection's lock. */
  sqliteBusyWait(ms: number): void;
  /** The exposition text and its content type. */
  render(): Promise<{ contentType: string; body: string }>;
}

const PREFIX = 'quota_manager_';
const LEDGER_STATUSES = ['pending', 'sending', 'failed', 'unknown'] as const;

export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const scans = new Counter({
    name: `${PREFIX}scans_total`,
    help: 'Scans of every enabled strategy, by outcome (ok, with_failures: some grants or strategies failed, error: the scan could not run)',
    labelNames: ['outcome'],
    registers,
  });
  const scanDuration = new Histogram({
    name: `${PREFIX}scan_duration_seconds`,
    help: 'How long a whole scan took, by outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600],
    registers,
  });
  const sqliteBusyWaits = new Counter({
    name: `${PREFIX}sqlite_busy_waits_total`,
    help: "Times a SQLite statement met another connection's lock and waited (off the event loop) before trying again",
    registers,
  });
  const sqliteBusyWaitSeconds = new Counter({
    name: `${PREFIX}sqlite_busy_wait_seconds_total`,
    help: "Time SQLite statements spent waiting for another connection's lock between attempts",
    registers,
  });
  const usersMatched = new Counter({
    name: `${PREFIX}users_matched_total`,
    help: "Users whose condition was TRUE for a strategy's occurrence and who had no grant for it yet",
    registers,
  });
  const grants = new Counter({
    name: `${PREFIX}grants_total`,
    help: 'Grant delivery outcomes written to the ledger, by status (applied, failed, unknown)',
    labelNames: ['status'],
    registers,
  });
  const grantedAmount = new Counter({
    name: `${PREFIX}granted_amount_total`,
    help: 'Quota amount applied at the gateway (grants that ended applied), by strategy',
    labelNames: ['strategy_id'],
    registers,
  });
  const expiredAmount = new Counter({
    name: `${PREFIX}expired_amount_total`,
    help: 'Quota amount taken back at the gateway by lot expiries that ended applied',
    registers,
  });
  const strategyRuns = new Counter({
    name: `${PREFIX}strategy_runs_total`,
    help: 'Strategy runs that held the lease and finished normally',
    registers,
  });
  // Seconds since the epoch of each strategy's last normal run in this process.
  const lastRuns = new Map<number, number>();
  const startedAt = (options.now?.() ?? new Date()).getTime() / 1000;
  const enabledStrategies = options.enabledStrategies;
  new Gauge({
    name: `${PREFIX}strategy_last_success_timestamp_seconds`,
    help:
      'Unix time of the last run of each enabled strategy that finished normally in this process; until ' +
      'there is one, the later of the process start and the strategy creation (alert when it grows old)',
    labelNames: ['strategy_id'],
    registers,
    async collect() {
      this.reset();
      if (enabledStrategies) {
        try {
          for (const strategy of await enabledStrategies()) {
            const since =
              lastRuns.get(strategy.id) ?? Math.max(startedAt, strategy.createdAt.getTime() / 1000);
            this.set({ strategy_id: String(strategy.id) }, since);
          }
          return;
        } catch (error) {
          options.logger?.warn('enabled strategies unavailable for metrics', {
            error: (error as Error).message,
          });
        }
      }
      for (const [id, at] of lastRuns) this.set({ strategy_id: String(id) }, at);
    },
  });
  const gatewayRequestDuration = new Histogram<GatewayLabels>({
    name: `${PREFIX}gateway_request_duration_seconds`,
    help: 'Gateway client calls (retries included), by operation, outcome (success or the failure reason) and HTTP status',
    labelNames: ['operation', 'outcome', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });

  const gatewayCircuit = options.gatewayCircuit;
  if (gatewayCircuit) {
    new Gauge({
      name: `${PREFIX}gateway_circuit_open`,
      help: '1 while the gateway circuit breaker is open (grants paused after repeated gateway failures), else 0',
      registers,
      collect() {
        this.set(gatewayCircuit() === 'open' ? 1 : 0);
      },
    });
  }

  const ledgerBacklog = options.ledgerBacklog;
  if (ledgerBacklog) {
    new Gauge({
      name: `${PREFIX}ledger_rows`,
      help: 'Ledger rows that still need attention, by status (pending, sending, failed, unknown); read from the database at scrape time',
      labelNames: ['status'],
      registers,
      async collect() {
        try {
          const counts = await ledgerBacklog();
          for (const status of LEDGER_STATUSES) this.set({ status }, counts[status]);
        } catch (error) {
          // No samples rather than stale ones; the other metrics are still served.
          this.reset();
          options.logger?.warn('ledger metrics unavailable', { error: (error as Error).message });
        }
      },
    });
  }

  const heldOccurrences = options.heldOccurrences;
  if (heldOccurrences) {
    new Gauge({
      name: `${PREFIX}occurrences_held`,
      help: 'Occurrences held by a budget cap (max_users_per_occurrence / max_amount_per_occurrence): nothing is granted for them until the cap is raised or the occurrence approved; read from the database at scrape time',
      registers,
      async collect() {
        try {
          this.set(await heldOccurrences());
        } catch (error) {
          this.reset();
          options.logger?.warn('held occurrences unavailable for metrics', {
            error: (error as Error).message,
          });
        }
      },
    });
  }

  const scanOutcome = (summary: ScanSummary): ScanOutcome =>
    summary.failed > 0 ? 'with_failures' : 'ok';
  const loopStalls = new LoopStallMonitor({ registry, prefix: PREFIX });
  const scanObserver: ScanObserver = {
    scanFinished(summary: ScanSummary) {
      loopStalls.enter('idle');
      const outcome = scanOutcome(summary);
      scans.inc({ outcome });
      scanDuration.observe({ outcome }, summary.durationMs / 1000);
    },
    scanFailed(durationMs: number) {
      loopStalls.enter('idle');
      scans.inc({ outcome: 'error' });
      scanDuration.observe({ outcome: 'error' }, durationMs / 1000);
    },
    strategyRunFinished(result: StrategyRunResult, at: Date) {
      strategyRuns.inc();
      usersMatched.inc(result.matched);
      lastRuns.set(result.strategyId, at.getTime() / 1000);
    },
    grantsRecorded(outcomes: readonly DeliveryOutcome[]) {
      const byStatus = new Map<string, number>();
      for (const outcome of outcomes)
        byStatus.set(outcome.status, (byStatus.get(outcome.status) ?? 0) + 1);
      for (const [status, count] of byStatus) grants.inc({ status }, count);
      for (const { granted } of outcomes)
        if (granted) grantedAmount.inc({ strategy_id: String(granted.strategyId) }, granted.amount);
    },
    lotsExpired(amount: number) {
      if (amount > 0) expiredAmount.inc(amount);
    },
  };

  return {
    registry,
    scanObserver,
    gatewayRequestDuration,
    loopStalls,
    githubRequests: new Counter({
      name: `${PREFIX}github_requests_total`,
      help: 'GitHub API responses of the stargazer sync, by outcome (ok, not_modified: a free 304, rate_limited, error)',
      labelNames: ['outcome'],
      registers,
    }),
    githubStarChanges: new Counter({
      name: `${PREFIX}github_star_changes_total`,
      help: 'Stars added or removed, by source (poll, webhook)',
      labelNames: ['source'],
      registers,
    }),
    sqliteBusyWait(ms: number) {
      sqliteBusyWaits.inc();
      sqliteBusyWaitSeconds.inc(ms / 1000);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
