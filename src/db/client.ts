// The only module that constructs a Prisma client. Both providers' clients are generated from
// one data model (prisma/schema.prisma and its SQLite twin), so they accept the same queries
// and return the same rows. The stores are written once, against the SQLite client's type
// (the smaller feature set, so nothing PostgreSQL-only can slip in unnoticed): `Db`.
//
// TypeScript cannot prove the two generated clients interchangeable (their deeply conditional
// aggregate types and $transaction overloads differ in name only), so `portable` below states
// it, once; test/db/schema-drift.test.ts checks that the two schemas agree, which is what
// makes it true. Everything else knows the database only through `Database`.
import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client.ts';
import type { Prisma as SqlitePrisma } from './generated/sqlite/client.ts';
import { createDriverAdapter, databaseKind, type DatabaseKind } from './driver.ts';

export type Db = SqlitePrismaClient;
/** A client or an interactive transaction: what a store's statements run on. */
export type DbClient = SqlitePrisma.TransactionClient;
export { Prisma } from './generated/sqlite/client.ts';

export interface Database {
  /** Which database this is, for the few dialect-specific statements (see scan-store.ts). */
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The PostgreSQL client seen through the shared type (see the note at the top). */
function portable(client: PostgresPrismaClient): Db {
  return client as unknown as Db;
}

export async function openDatabase(url: string): Promise<Database> {
  const kind = databaseKind(url);
  const adapter = createDriverAdapter(url);
  const db =
    kind === 'sqlite'
      ? new SqlitePrismaClient({ adapter })
      : portable(new PostgresPrismaClient({ adapter }));
  await db.$connect();
  if (kind === 'sqlite') {
    // WAL lets the API read while a scan writes; NORMAL sync is durable across process
    // crashes (only an OS crash can lose the last commits), the usual pairing with WAL.
    await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
    await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
  }
  return {
    kind,
    db,
    ping: async () => void (await db.$queryRawUnsafe('SELECT 1')),
    close: () => db.$disconnect(),
  };
}
