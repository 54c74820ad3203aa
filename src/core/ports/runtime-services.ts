// Small services the core takes from whoever composes it: a log sink, the interactive gate,
// a metrics observer and the scan serializer. Each is an interface here and a class elsewhere.
import type { DeliveryOutcome } from '../model/ledger-entry.ts';
import type { ScanSummary, StrategyRunResult } from '../model/run-result.ts';

/** Structured log sink; messages are constant strings, data goes in fields. */
export interface CoreLogger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

/** Work that goes before a scan's heavy steps (API requests); see scheduler/interactive-gate.ts. */
export interface InteractiveWork {
  /** True while such work is under way. */
  busy(): boolean;
  /** Resolves when none is under way any more, or after a bounded wait. */
  idle(): Promise<void>;
}

/**
 * Optional listener for what scans do (the metrics module implements it). Called
 * synchronously after the fact; it must be cheap and must not throw.
 */
export interface ScanObserver {
  /** A whole scan (every enabled strategy) finished. */
  scanFinished(summary: ScanSummary): void;
  /** A scan could not run at all (e.g. the strategies could not be listed). */
  scanFailed(durationMs: number): void;
  /** One strategy's run finished normally under its lease; `at` is the injected clock's now. */
  strategyRunFinished(result: StrategyRunResult, at: Date): void;
  /** Delivery outcomes were written to the ledger. */
  grantsRecorded(outcomes: readonly DeliveryOutcome[]): void;
  /** Lot expiries were applied, taking back `amount` in total (quota_manager_expired_amount_total). */
  lotsExpired?(amount: number): void;
}

/**
 * Runs scans one at a time inside this process (src/scheduler/scanner.ts): a cron tick never
 * overlaps an API-triggered scan or run. Cross-process exclusion is the database lease.
 */
export interface ScanSerializer {
  serialize<T>(work: () => Promise<T>): Promise<T>;
  /** True once the process is shutting down: finish what is in flight, start nothing new. */
  isStopping(): boolean;
}
