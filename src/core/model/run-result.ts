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
  /** strategy_amount: amount × would_grant; live_balance: the sum of the changes read now. */
  totalAmount: number;
  sampleUserIds: string[];
  /** top_up and reset depend on each user's balance, read live from the gateway for the preview. */
  amountsFrom: 'strategy_amount' | 'live_balance';
  /** With live balances: the first users' balance now and the change a grant would make. */
  sampleChanges: { userId: string; balance: number | null; change: number }[] | null;
  /** With live balances: users whose balance could not be read (left out of totalAmount). */
  balanceUnread: number;
}

/** One occurrence to grant; `catchUp` marks an occurrence granted late after missed runs. */
export interface DueOccurrence {
  occurrence: string;
  catchUp: boolean;
}
