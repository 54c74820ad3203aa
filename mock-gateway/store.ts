// The mock's whole state: two balances per user (total quota and used quota), the counters that
// tests assert on, and the answers remembered per Idempotency-Key. Plain data, no HTTP, so the
// routes stay thin and persistence can snapshot and restore it in one piece.
import { z } from 'zod';
import { addHundredths, fromHundredths } from './money.ts';

export type Balance = 'quota' | 'used';

/** The shape of `GET /__mock/state` (ARCHITECTURE.md, "Small contracts"): keep it exactly. */
export interface MockState {
  quotas: Record<string, number>;
  used: Record<string, number>;
  /** Applied `POST {admin_path}/delta` requests (quota deltas only; used/delta is consumption, not a grant). */
  deltas: number;
  idempotent_replays: number;
}

/** The first answer given for an Idempotency-Key, replayed verbatim for every repeat. */
export interface RememberedAnswer {
  status: number;
  body: unknown;
}

/** What the state file holds: amounts as integer hundredths so a round trip is exact. */
const persistedSchema = z.object({
  version: z.literal(1),
  quotas: z.record(z.string(), z.number().int()),
  used: z.record(z.string(), z.number().int()),
  deltas: z.number().int().nonnegative(),
  idempotent_replays: z.number().int().nonnegative(),
  idempotency: z.array(
    z.tuple([z.string(), z.object({ status: z.number().int(), body: z.unknown() })]),
  ),
});
export type PersistedState = z.infer<typeof persistedSchema>;

export class MockStore {
  private readonly balances: Record<Balance, Map<string, number>> = {
    quota: new Map(),
    used: new Map(),
  };
  private readonly answers = new Map<string, RememberedAnswer>();
  private deltas = 0;
  private replays = 0;

  /** Balance in hundredths; users the gateway has never seen have 0, like the real plugin. */
  get(balance: Balance, userId: string): number {
    return this.balances[balance].get(userId) ?? 0;
  }

  set(balance: Balance, userId: string, hundredths: number): void {
    this.balances[balance].set(userId, hundredths);
  }

  /** Adds to a balance; returns the new balance, or `null` (nothing changed) if it would overflow. */
  add(balance: Balance, userId: string, hundredths: number): number | null {
    const next = addHundredths(this.get(balance, userId), hundredths);
    if (next === null) return null;
    this.set(balance, userId, next);
    if (balance === 'quota') this.deltas += 1;
    return next;
  }

  /**
   * Moves a balance without counting a grant: a user spending quota (`POST /__mock/consume`).
   * Returns the new balance, or `null` (nothing changed) if it would overflow.
   */
  adjust(balance: Balance, userId: string, hundredths: number): number | null {
    const next = addHundredths(this.get(balance, userId), hundredths);
    if (next === null) return null;
    this.set(balance, userId, next);
    return next;
  }

  recall(key: string): RememberedAnswer | undefined {
    const answer = this.answers.get(key);
    if (answer) this.replays += 1;
    return answer;
  }

  remember(key: string, answer: RememberedAnswer): void {
    this.answers.set(key, answer);
  }

  snapshot(): MockState {
    return {
      quotas: toAmounts(this.balances.quota),
      used: toAmounts(this.balances.used),
      deltas: this.deltas,
      idempotent_replays: this.replays,
    };
  }

  clear(): void {
    this.balances.quota.clear();
    this.balances.used.clear();
    this.answers.clear();
    this.deltas = 0;
    this.replays = 0;
  }

  toPersisted(): PersistedState {
    return {
      version: 1,
      quotas: Object.fromEntries(this.balances.quota),
      used: Object.fromEntries(this.balances.used),
      deltas: this.deltas,
      idempotent_replays: this.replays,
      idempotency: [...this.answers],
    };
  }

  /** Replaces the whole state with a persisted one; throws (naming the problem) if it is malformed. */
  restore(raw: unknown): void {
    const parsed = persistedSchema.parse(raw);
    this.clear();
    for (const [user, value] of Object.entries(parsed.quotas)) this.balances.quota.set(user, value);
    for (const [user, value] of Object.entries(parsed.used)) this.balances.used.set(user, value);
    for (const [key, answer] of parsed.idempotency) this.answers.set(key, answer);
    this.deltas = parsed.deltas;
    this.replays = parsed.idempotent_replays;
  }
}

function toAmounts(balances: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [user, hundredths] of balances) out[user] = fromHundredths(hundredths);
  return out;
}
