// The scanner's candidate windows over user_info (see SCAN_WINDOW_USERS in scan-store.ts).
import { Prisma, type Db } from './client.ts';

/**
 * The windows: a grid of user ids b1 < b2 < … in which every window (b_i, b_i+1] holds
 * SCAN_WINDOW_USERS users, found by walking the id index and remembered for a while, so the
 * strategies of a scan (and each page, which starts mid-window) share one walk. A remembered
 * grid stays correct when users are added or removed — windows only need to be contiguous ranges
 * covering every id, not to hold exactly SCAN_WINDOW_USERS users — so expiry only keeps their
 * sizes near it.
 */
export class WindowGrid {
  private bounds: string[] = [];
  /** True once the walk found fewer than a window of users after the last bound. */
  private complete = false;
  private since = 0;

  constructor(
    private readonly db: Db,
    private readonly windowUsers: number,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The end of the window that holds the ids just after `after`; null: up to the last user. */
  async endAfter(after: string | null): Promise<string | null> {
    const now = Date.now();
    if (now - this.since > this.maxAgeMs) {
      this.bounds = [];
      this.complete = false;
      this.since = now;
    }
    for (;;) {
      const index = after === null ? 0 : firstGreater(this.bounds, after);
      if (index < this.bounds.length) return this.bounds[index]!;
      if (this.complete) return null;
      const from = this.bounds.at(-1) ?? null;
      const rows = await this.db.$queryRaw<{ id: string }[]>`
        SELECT id FROM user_info WHERE ${from === null ? Prisma.sql`1=1` : Prisma.sql`id > ${from}`}
        ORDER BY id LIMIT 1 OFFSET ${this.windowUsers - 1}`;
      const end = rows[0]?.id;
      if (end === undefined) this.complete = true;
      else this.bounds.push(end);
    }
  }
}

/** Index of the first element of a sorted array greater than `value` (its length if none). */
function firstGreater(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
