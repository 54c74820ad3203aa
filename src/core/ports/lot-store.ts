// What the lot pass and the API need of the database about credit lots (src/db/lot-store.ts).
// The expiry's ledger rows are ordinary ledger rows (ClaimStore) under EXPIRY_STRATEGY_ID.
import type { Lot, LotSource } from '../lots/lot.ts';
import type { OccurrenceTerms } from '../lots/lot-terms.ts';

/** An applied grant of a strategy with lot terms that has no lot yet. */
export interface UnrecordedLotGrant {
  grantId: number;
  strategyId: number;
  occurrence: string;
  userId: string;
  /** What the grant added (delta_sent, or amount for adds). */
  amount: number;
  appliedAt: Date;
  terms: OccurrenceTerms;
}

export interface NewLot {
  strategyId: number;
  occurrence: string;
  userId: string;
  source: LotSource;
  grantId: number | null;
  amount: number;
  /** Consumption already attributed (a new lot capped to the balance at once). */
  consumed: number;
  grantedAt: Date;
  expiresAt: Date;
  priority: number;
  rolloverMax: number | null;
  carryExpiresAt: Date | null;
}

/** Everything one lot event writes, in one transaction. Amounts are plain numbers (2 decimals). */
export interface LotEventWrite {
  consumed: { id: number; consumed: number }[];
  /** The used counter seen now; `expected`: as read before (compare-and-set), null: no row yet. */
  usage: { userId: string; usedSeen: number; expected: number | null }[];
  newLots: NewLot[];
  /** Lots whose expiry is decided now: they stop being active. */
  expiring: { id: number; expiredAmount: number; carried: number | null }[];
}

export interface LotQuery {
  userId?: string;
  /** Active lots expiring at or before this instant (the expiring-soon list). */
  activeUntil?: Date;
  afterId?: number;
  limit: number;
}

export interface LotStore {
  /** The terms of an occurrence's lots; written once (the first grant of it fixes them). */
  saveLotTerms(strategyId: number, occurrence: string, terms: OccurrenceTerms): Promise<void>;
  /** Applied grants with terms and no lot, by ledger id. */
  unrecordedLotGrants(limit: number, afterId: number): Promise<UnrecordedLotGrant[]>;
  /** Active lots of these users. */
  activeLots(userIds: readonly string[]): Promise<Lot[]>;
  /** Each user's used counter at their last lot event; absent: none yet. */
  usedSeen(userIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Writes one batch of lot events. False (and nothing written) when a user's used counter
   * moved under it (another writer): the caller reads again.
   */
  writeLotEvent(write: LotEventWrite): Promise<boolean>;
  /** Active lots due at `now`, by id (the pass orders each user's by expiry). */
  dueLots(now: Date, limit: number, afterId: number): Promise<Lot[]>;
  /** Lots whose expiry was decided and not yet claimed in the ledger (a pass stopped between). */
  expiringLots(limit: number): Promise<Lot[]>;
  /** Of these `expiring` lots, those whose expiry row exists become `expired`. */
  markExpired(lots: readonly Lot[]): Promise<void>;
  /** Lots for the API, with their expiry's ledger status. */
  listLots(query: LotQuery): Promise<{ items: Lot[]; total: number }>;
}
