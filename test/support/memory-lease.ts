// The strategy lease of src/db/lease-sql.ts in memory, on a database clock the test moves by
// hand. Same rules as the SQL: an acquisition takes a free or expired lease (expires_at <= now)
// with a larger token and never re-takes one still held; a renewal extends only the current,
// unexpired token; a release expires it now, so the token sequence continues.
import type { LeaseGrant, LeaseStore } from '../../src/core/ports/lease-store.ts';

/** The database's `now()` in epoch ms: one number every replica reads. */
export class DatabaseClock {
  constructor(private current = 1_000_000) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

interface LeaseRow {
  holder: string;
  token: number;
  expiresAt: number;
}

export class MemoryLeases implements LeaseStore {
  private readonly rows = new Map<number, LeaseRow>();

  constructor(readonly clock: DatabaseClock) {}

  async acquireLease(
    strategyId: number,
    holder: string,
    ttlMs: number,
  ): Promise<LeaseGrant | null> {
    const now = this.clock.now();
    const row = this.rows.get(strategyId);
    if (row !== undefined && row.expiresAt > now) return null;
    const token = (row?.token ?? 0) + 1;
    this.rows.set(strategyId, { holder, token, expiresAt: now + ttlMs });
    return { token, databaseNowMs: now };
  }

  async renewLease(strategyId: number, token: number, ttlMs: number): Promise<boolean> {
    if (!this.held(strategyId, token)) return false;
    this.rows.get(strategyId)!.expiresAt = this.clock.now() + ttlMs;
    return true;
  }

  async releaseLease(strategyId: number, token: number): Promise<void> {
    if (this.held(strategyId, token)) this.rows.get(strategyId)!.expiresAt = this.clock.now();
  }

  /** leaseHeldSql without its deleted-strategy half: `token` is current and unexpired. */
  held(strategyId: number, token: number): boolean {
    const row = this.rows.get(strategyId);
    return row !== undefined && row.token === token && row.expiresAt > this.clock.now();
  }

  /** The lease as the table stores it (for the checker). */
  current(strategyId: number): Readonly<LeaseRow> | undefined {
    return this.rows.get(strategyId);
  }

  /** A deleted strategy's lease goes with it (ON DELETE CASCADE). */
  drop(strategyId: number): void {
    this.rows.delete(strategyId);
  }
}
