// What runs, scans and previews report. Plain domain names (camelCase); the API and the CLI
// choose their own JSON spelling when they print them.

export interface RunCounts {
  matched: number;
  granted: number;
  skipped: number;
  failed: number;
}

export interface StrategyRunResult extends RunCounts {
  strategyId: number;
  occurrence: string | null;
  /** False when another process holds the strategy's lease; nothing was done. */
  leased: boolean;
}

export interface ScanSummary extends RunCounts {
  strategies: number;
  durationMs: number;
}

export interface RunNowResult extends ScanSummary {
  occurrence: string | null;
}

export interface PreviewResult {
  occurrence: string | null;
  /**
   * The occurrence is already done: a run would not scan it again (409 occurrence_done), so
   * nobody would be granted, whoever matches now.
   */
  occurrenceDone: boolean;
  matched: number;
  wouldGrant: number;
  totalAmount: number;
  sampleUserIds: string[];
}

/** One occurrence to grant; `catchUp` marks an occurrence granted late after missed runs. */
export interface DueOccurrence {
  occurrence: string;
  catchUp: boolean;
}
