// One read-only connection to the operator's user database, per driver. A connection streams
// one statement's rows in pages (memory holds one page), and is closed after the run: the sync
// never shares the daemon's pool, and the daemon never writes through this one.

export interface SourceConnection {
  /** `?` placeholders in `sql`; pages of at most `pageSize` rows, read as they are consumed. */
  pages(sql: string, params: unknown[], pageSize: number): AsyncIterable<Record<string, unknown>[]>;
  close(): Promise<void>;
}
