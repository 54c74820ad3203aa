// What a scan needs from the outside world, gathered once by the composition root
// (src/runtime.ts). Every field is a port or a setting; nothing here knows a framework.
import type { Clock } from '../clock.ts';
import type { BalanceProtocol } from '../grant-mode.ts';
import type { GatewayHealth, GrantGateway } from '../ports/gateway.ts';
import type { CoreLogger, InteractiveWork, ScanObserver } from '../ports/runtime-services.ts';
import type { LotStore } from '../ports/lot-store.ts';
import type { ScanStore } from '../ports/scan-store.ts';
import type { FullScanSchedule } from './full-scan-schedule.ts';

export interface DeliveryOptions {
  /** Gateway calls a run keeps in flight at most. */
  concurrency: number;
  /**
   * Whether the gateway de-duplicates by Idempotency-Key. If it does not (the real Higress
   * plugin does not), an uncertain outcome must not be re-sent blindly: it becomes `unknown`.
   */
  honoursIdempotency: boolean;
  /**
   * AIGATEWAY_RECONCILE=query: read the user's total before each delta and keep it on the row;
   * an uncertain outcome is then settled by reading the total again (see reconcile.ts).
   */
  reconcile: boolean;
  /** How the gateway keeps a balance, for top_up and reset (AIGATEWAY_BALANCE). */
  balance: BalanceProtocol;
  /**
   * How long after a row was marked `sending` a delta of its delivery can still reach the
   * gateway: the client's whole retry budget (every attempt's timeout and every wait between
   * attempts). A row an earlier run left `sending` is only re-read or re-sent once it is older:
   * a total read sooner could say "not applied" for a delta that lands a moment later, and the
   * re-send would grant twice.
   */
  uncertainSettleAfterMs: number;
}

/** The client's retry budget for one call: see DeliveryOptions.uncertainSettleAfterMs. */
export function gatewayCallBudgetMs(gateway: {
  timeoutMs: number;
  maxAttempts: number;
  retryMaxDelayMs: number;
}): number {
  return (
    gateway.maxAttempts * gateway.timeoutMs + (gateway.maxAttempts - 1) * gateway.retryMaxDelayMs
  );
}

import type { EventRecorder } from '../ports/event-outbox.ts';

export interface RunDeps {
  store: ScanStore;
  gateway: GrantGateway;
  clock: Clock;
  logger: CoreLogger;
  /** Identity of this process in leases (host:pid:random). */
  holder: string;
  pageSize: number;
  leaseMs: number;
  ledgerMaxAttempts: number;
  delivery: DeliveryOptions;
  /** True once the process is shutting down: finish the calls in flight, release unsent claims, claim nothing more. */
  isStopping?: () => boolean;
  /** The outbox: scan events (occurrence.completed, scan.failed, grant.*); absent: none. */
  events?: EventRecorder;
  /** Hears finished runs and recorded grants (metrics). */
  observer?: ScanObserver;
  /**
   * The gateway's circuit breaker, seen as health: while it reports the gateway down, a run
   * claims and sends nothing more, so an outage does not turn every eligible user into a
   * failed row. Absent: always available.
   */
  gatewayHealth?: GatewayHealth;
  /**
   * Interactive work (API requests) to let go first: `idle()` is awaited before each heavy step
   * of a run (candidate page, claim, ledger write) and no new gateway call starts while
   * `busy()`. Absent: no waiting.
   */
  interactive?: InteractiveWork;
  /**
   * false evaluates the whole condition in memory on every user instead of letting SQL filter.
   * Only the benchmarks turn it off, to measure what push-down saves; the answer is the same.
   */
  pushDown?: boolean;
  /** Forced full scans of single strategies (SCAN_FULL_EVERY_MS); absent: never forced. */
  fullScans?: FullScanSchedule;
  /** Budget cap (users per occurrence) for strategies that set none; absent: no cap. */
  defaultMaxUsersPerOccurrence?: number;
  /** Balances one preview or explanation may read (SCAN_PREVIEW_MAX_BALANCE_READS); absent: all. */
  previewMaxBalanceReads?: number;
  /**
   * Credit lots (docs/expiry.md): runs write each occurrence's lot terms, and every scan ends
   * with a lot pass (core/lots/expire-lots.ts). Absent: no lots.
   */
  lots?: LotStore;
}
