// One quota_strategy row by its key, sent on the adapter's connection (direct-sql.ts) rather than
// through Prisma's client: Prisma 6.19 compiles every query in WebAssembly on the event loop,
// ~0.7–0.85 ms of CPU for a findUnique against ~0.06–0.08 ms for the same row read directly
// (bench/README.md §30), and an API request's CPU is what an API request waits behind while a
// scan runs in the same process. A strategy read is the API's commonest request; the scanner
// also checks its strategy this way once per page of candidates (run-strategy.ts).
import { Prisma } from './client.ts';
import type { DirectSql } from './direct-sql.ts';
import type { StrategyRow } from './row-mappers.ts';
import { toStrategyRow } from './strategy-change-sql.ts';

const MAX_INT32 = 2 ** 31 - 1;

/** The row of strategy `id` (only while it is enabled, with `enabledOnly`), or null. */
export async function selectStrategyRow(
  direct: DirectSql,
  id: number,
  { enabledOnly = false }: { enabledOnly?: boolean } = {},
): Promise<StrategyRow | null> {
  // The key is a 32-bit INT on every database (Prisma's Int): a larger id names no row, and
  // PostgreSQL would refuse to compare it with the column rather than find nothing.
  if (!Number.isInteger(id) || id < 1 || id > MAX_INT32) return null;
  // TRUE is 1 on SQLite and MySQL, which store booleans as integers, and a boolean on PostgreSQL.
  const enabled = enabledOnly ? Prisma.sql` AND enabled = TRUE` : Prisma.empty;
  const [row] = await direct.query<Record<string, unknown>>(
    Prisma.sql`SELECT * FROM quota_strategy WHERE id = ${id}${enabled}`,
  );
  return row === undefined ? null : toStrategyRow(row);
}
