// The scanner's candidate windows over user_info (see SCAN_WINDOW_USERS in scan-store.ts).
import { Prisma } from './client.ts';
import type { DirectSql } from './direct-sql.ts';
import type { DatabaseKind } from '../config/database-url.ts';
import { MYSQL_TEXT_COLLATION, mysqlJsonText } from './mysql-collation.ts';

/**
 * The windows: a grid of user ids b1 < b2 < … in which every window (b_i, b_i+1] holds
 * SCAN_WINDOW_USERS users, found by walking the id index and remembered for a while, so the
 * strategies of a scan (and each page, which starts mid-window) share one walk. A remembered
 * grid stays correct when users are added or removed — windows only need to be contiguous ranges
 * covering every id, not to hold exactly SCAN_WINDOW_USERS users — so expiry only keeps their
 * sizes near it.
 *
 * Every comparison of ids is made by the database, never by JavaScript: ids are ordered by the
 * column's collation (linguistic on a PostgreSQL created with en_US, UTF-8 bytes on SQLite),
 * which JavaScript's UTF-16 `<` contradicts for `a…`/`B…` or for full-width letters against
 * emoji; comparing here once sent the cursor backwards into an endless scan.
 * Bound values are compared as plain text parameters, which take the database's default
 * collation — the id columns declare none, so it is theirs.
 */
export class WindowGrid {
  private bounds: string[] = [];
  /** Position of each bound in `bounds`: equal strings are equal ids in every collation we use. */
  private positions = new Map<string, number>();
  /** True once the walk found fewer than a window of users after the last bound. */
  private complete = false;
  private since = 0;

  constructor(
    private readonly sql: DirectSql,
    private readonly kind: DatabaseKind,
    private readonly windowUsers: number,
    private readonly maxAgeMs = 10 * 60_000,
  ) {}

  /** The end of the window that holds the ids just after `after`; null: up to the last user. */
  async endAfter(after: string | null): Promise<string | null> {
    const now = Date.now();
    if (now - this.since > this.maxAgeMs) {
      this.bounds = [];
      this.positions = new Map();
      this.complete = false;
      this.since = now;
    }
    const index = after === null ? 0 : await this.boundsNotAfter(after);
    if (index < this.bounds.length) return this.bounds[index]!;
    // Every remembered bound is at or before `after`: walk on from the last one, the database
    // saying (in the same statement) whether the new bound is past `after`.
    for (;;) {
      if (this.complete) return null;
      const from = this.bounds.at(-1) ?? null;
      const past =
        after === null ? Prisma.sql`1` : Prisma.sql`CASE WHEN id > ${after} THEN 1 ELSE 0 END`;
      const rows = await this.sql.query<{ id: string; past: number | bigint }>(Prisma.sql`
        SELECT id, ${past} AS past FROM user_info WHERE ${from === null ? Prisma.sql`1=1` : Prisma.sql`id > ${from}`}
        ORDER BY id LIMIT 1 OFFSET ${this.windowUsers - 1}`);
      const row = rows[0];
      if (row === undefined) {
        this.complete = true;
        continue;
      }
      this.positions.set(row.id, this.bounds.length);
      this.bounds.push(row.id);
      if (Number(row.past) === 1) return row.id;
    }
  }

  /** How many remembered bounds are at or before `after` in the database's order. */
  private async boundsNotAfter(after: string): Promise<number> {
    const known = this.positions.get(after);
    if (known !== undefined) return known + 1;
    if (this.bounds.length === 0) return 0;
    const json = JSON.stringify(this.bounds);
    if (this.kind === 'mysql') {
      // Bounds compared in the ids' own collation, not the session's: a PAD SPACE one would put
      // `k\t` before `k`, against the order the id index walks.
      const rows = await this.sql.query<{ n: number | bigint }>(Prisma.sql`
        SELECT count(*) AS n FROM JSON_TABLE(${json}, '$[*]' COLUMNS (b ${Prisma.raw(mysqlJsonText(1024))} PATH '$')) AS t
        WHERE t.b <= CONVERT(${after} USING utf8mb4) COLLATE ${Prisma.raw(MYSQL_TEXT_COLLATION)}`);
      return Number(rows[0]!.n);
    }
    const values =
      this.kind === 'sqlite'
        ? Prisma.sql`SELECT value AS b FROM json_each(${json})`
        : Prisma.sql`SELECT json_array_elements_text(${json}::json) AS b`;
    const rows = await this.sql.query<{ n: number | bigint }>(
      Prisma.sql`SELECT count(*) AS n FROM (${values}) t WHERE t.b <= ${after}`,
    );
    return Number(rows[0]!.n);
  }
}
