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
  /**
   * False when another process holds the strategy's lease; nothing was done. True when the run
   * held it, and for a single strategy a tick found up to date without taking it (up-to-date.ts).
   */
  leased: boolean;
  /** The occurrence a budget cap held (nothing granted for it), if any. */
  held?: HeldOccurrence | null;
}

/** An occurrence held by a budget cap: what it needs in total and the caps it exceeds. */
export interface HeldOccurrence {
  occurrence: string;
  neededUsers: number;
  neededAmount: number;
  maxUsers: number | null;
  maxAmount: number | null;
}

export interface ScanSummary extends RunCounts {
  strategies: number;
  durationMs: number;
}

export interface RunNowResult extends ScanSummary {
  occurrence: string | null;
  /** Non-null when the occurrence is held by a budget cap: nothing was granted. */
  held: HeldOccurrence | null;
  /**
   * False when the gateway's circuit breaker was open at the end of the run: grants were paused,
   * so "matched 0, granted 0" says nothing about who would be granted.
   */
  gatewayAvailable: boolean;
}

export interface PreviewResult {
  occurrence: string | null;
  /**
   * The occurrence is already done: a run would not scan it again (409 occurrence_done), so
   * nobody would be granted, whoever matches now.
   */
  occurrenceDone: boolean;
  /** Condition TRUE now, granted already or not (already granted + capped + eligible). */
  matched: number;
  /** Users with a ledger row for the occurrence (any status). */
  alreadyGranted: number;
  /** Left out by max_exec_per_user. */
  capped: number;
  /** While the occurrence is held by a budget cap: every user it would grant (else 0). */
  heldByBudget: number;
  /** Whom a run would grant now (0 while held). */
  wouldGrant: number;
  /** strategy_amount: amount × would_grant; live_balance: the sum of the changes read now. */
  totalAmount: number;
  /** Non-null when a budget cap holds (or would hold) the occurrence. */
  held: HeldOccurrence | null;
  sampleUserIds: string[];
  /** top_up and reset depend on each user's balance, read live from the gateway for the preview. */
  amountsFrom: 'strategy_amount' | 'live_balance';
  /** With live balances: the first users' balance now and the change a grant would make. */
  sampleChanges: { userId: string; balance: number | null; change: number }[] | null;
  /**
   * Credit lots: when a grant for the occurrence would expire (a single strategy's relative
   * expiry counted from now); null when its grants do not expire or there is no occurrence.
   */
  lotExpiresAt: Date | null;
  /** With live balances: users whose balance could not be read (left out of totalAmount). */
  balanceUnread: number;
  /**
   * With live balances: users whose balance was not read because the preview reached its bound
   * (SCAN_PREVIEW_MAX_BALANCE_READS); left out of totalAmount, which then covers only the rest.
   */
  balanceNotRead: number;
}

/** One occurrence to grant; `catchUp` marks an occurrence granted late after missed runs. */
export interface DueOccurrence {
  occurrence: string;
  catchUp: boolean;
}
