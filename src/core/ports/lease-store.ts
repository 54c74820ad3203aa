// The per-strategy scan lease, as the scanner needs it. Times are the database's: a lease is
// taken and ends on one clock that every replica shares.

/** A lease just taken. */
export interface LeaseGrant {
  /**
   * The fencing token: larger than every token this strategy's lease had before. Ledger rows
   * record the token they were claimed or marked under, and every ledger transition compares it.
   */
  token: number;
  /** The database's clock (epoch ms) when the lease was taken. */
  databaseNowMs: number;
}

export interface LeaseStore {
  /** Takes the lease if nobody holds it (free, released or expired); null while someone does. */
  acquireLease(strategyId: number, holder: string, ttlMs: number): Promise<LeaseGrant | null>;
  /**
   * Extends the lease for `token`, only while it is still the current, unexpired one. False
   * means lost: taken by another, or expired (then re-acquirable by anyone) — never renewed.
   */
  renewLease(strategyId: number, token: number, ttlMs: number): Promise<boolean>;
  /** Ends the lease now, if `token` still holds it. */
  releaseLease(strategyId: number, token: number): Promise<void>;
}
