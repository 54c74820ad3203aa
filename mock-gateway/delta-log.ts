// The gateway's side of the story for a checker: every grant the mock applied (quota deltas and
// refreshes) and every repeat it skipped, in the order they took effect. A nemesis compares it
// with the daemon's ledger; the balances alone cannot show a grant applied twice and another
// lost. Consumption (`used` routes, `POST /__mock/consume`) is not a grant and is not logged.
import { z } from 'zod';
import { formatHundredths } from './money.ts';

/** Enough for any test of the daemon, and a bound on memory (a few hundred MB at worst). */
export const DEFAULT_DELTA_LOG_CAPACITY = 1_000_000;
export const DEFAULT_PAGE_LIMIT = 1000;
export const MAX_PAGE_LIMIT = 10_000;

/** `?after=&limit=` of `GET /__mock/deltas`, and the arguments of the in-process reader. */
export const deltaPageQuery = z.object({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});

export interface DeltaLogItem {
  /** 1, 2, 3, … in the order entries took effect; never reused while the process runs. */
  seq: number;
  user_id: string;
  /** The amount sent (the delta, or the total a refresh set), exact, two decimals: `"12.50"`. */
  value: string;
  idempotency_key: string | null;
  kind: 'delta' | 'refresh';
  received_at: string;
  applied_at: string;
  /** True when a key-honouring gateway recognised a repeated key and changed nothing. */
  replay: boolean;
  /**
   * What the user could spend just after this entry took effect (total − used, or the single
   * counter), exact, two decimals: a checker can tell a top-up that overshot its target.
   */
  remaining_after: string;
}

export interface DeltaPage {
  items: DeltaLogItem[];
  /** The last item's seq when more entries follow this page; null when the page reached the end. */
  next_after: number | null;
}

export interface DeltaRecord {
  userId: string;
  hundredths: number;
  idempotencyKey: string | null;
  kind: 'delta' | 'refresh';
  /** Epoch milliseconds. */
  receivedAt: number;
  appliedAt: number;
  replay: boolean;
  /** Hundredths the user could spend just after the entry took effect. */
  remainingAfter: number;
}

// Amounts and times stay numbers until a page is read: a million entries of formatted strings
// would cost several times the memory.
interface Entry extends DeltaRecord {
  seq: number;
}

export class DeltaLog {
  private entries: Entry[] = [];
  /** Index of the oldest entry still kept; the ones before it were evicted. */
  private head = 0;
  private lastSeq = 0;

  constructor(private readonly capacity = DEFAULT_DELTA_LOG_CAPACITY) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new Error('delta log capacity must be a positive integer');
  }

  /**
   * When full, the oldest entry is dropped: a reader then sees a gap between its cursor and the
   * first seq it gets back, rather than the newest entries going missing without a trace.
   */
  append(record: DeltaRecord): void {
    this.lastSeq += 1;
    this.entries.push({ ...record, seq: this.lastSeq });
    if (this.entries.length - this.head > this.capacity) this.head += 1;
    // Compacting only once the dead prefix is as long as the log keeps eviction O(1) amortised.
    if (this.head >= this.capacity) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Entries with seq > `after`, oldest first, at most `limit` of them. */
  page(after: number, limit: number): DeltaPage {
    const first = this.entries[this.head];
    if (!first) return { items: [], next_after: null };
    // seq is consecutive within the log, so a cursor maps to an index without searching.
    const start = this.head + Math.max(0, after - first.seq + 1);
    const slice = this.entries.slice(start, start + limit);
    const more = start + limit < this.entries.length;
    return { items: slice.map(toItem), next_after: more ? slice.at(-1)!.seq : null };
  }

  /** Empties the log; seq keeps counting, so a reader's old cursor cannot skip new entries. */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}

function toItem(entry: Entry): DeltaLogItem {
  return {
    seq: entry.seq,
    user_id: entry.userId,
    value: formatHundredths(entry.hundredths),
    idempotency_key: entry.idempotencyKey,
    kind: entry.kind,
    received_at: new Date(entry.receivedAt).toISOString(),
    applied_at: new Date(entry.appliedAt).toISOString(),
    replay: entry.replay,
    remaining_after: formatHundredths(entry.remainingAfter),
  };
}
