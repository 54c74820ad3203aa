// The grant ledger's vocabulary. A grant is identified by (strategy, occurrence, user); its
// idempotency key is derived from exactly that triple, so every retry — in this process, after
// a crash, or from another replica — sends the same key.

export const GRANT_STATUSES = ['pending', 'applied', 'failed', 'unknown'] as const;
export type GrantStatus = (typeof GRANT_STATUSES)[number];

export function idempotencyKey(strategyId: number, occurrence: string, userId: string): string {
  return `qm:${strategyId}:${occurrence}:${userId}`;
}

/** A ledger row as the scanner handles it. */
export interface Grant {
  id: number;
  strategyId: number;
  occurrence: string;
  userId: string;
  amount: number;
  attempts: number;
  idempotencyKey: string;
}

export interface NewGrant {
  strategyId: number;
  occurrence: string;
  userId: string;
  amount: number;
  idempotencyKey: string;
  /** Granted late, by catch-up after missed runs. */
  catchUp: boolean;
}

/** What one delivery attempt decided for a row. */
export interface GrantOutcome {
  id: number;
  status: Exclude<GrantStatus, 'pending'>;
  lastError: string | null;
  /** Gateway requests this delivery made (the client's retries included); 1 when not known. */
  attempts?: number;
}
