// The only module that constructs a Prisma client. Both providers' clients are generated from
// one data model (prisma/schema.prisma and its SQLite and MySQL twins), so they accept the same queries
// and return the same rows. The stores are written once, against the SQLite client's type
// (the smaller feature set, so nothing PostgreSQL-only can slip in unnoticed): `Db`.
//
// TypeScript cannot prove the two generated clients interchangeable (their deeply conditional
// aggregate types and $transaction overloads differ in name only), so `portable` below states
// it, once; test/db/schema-drift.test.ts checks that the two schemas agree, which is what
// makes it true. Everything else knows the database only through `Database`.
import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client.ts';
import { PrismaClient as MysqlPrismaClient } from './generated/mysql/client.ts';
import type { Prisma as SqlitePrisma } from './generated/sqlite/client.ts';
import {
  createDriverAdapter,
  DatabaseLocationError,
  sqlitePath,
  type DriverOptions,
} from './driver.ts';
import { databaseKind, type DatabaseKind } from '../config/database-url.ts';
import { directSql, type DirectSql } from './direct-sql.ts';
import { sqliteTransactionOptions } from './sqlite-busy-retry.ts';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startWalCheckpointer } from './wal-checkpointer.ts';

export type Db = SqlitePrismaClient;
/** A client or an interactive transaction: what a store's statements run on. */
export type DbClient = SqlitePrisma.TransactionClient;
export { Prisma } from './generated/sqlite/client.ts';

export interface Database {
  /** Which database this is, for the few dialect-specific statements (see scan-store.ts). */
  readonly kind: DatabaseKind;
  readonly db: Db;
  /** The scanner's hot statements, on the client's own connection without its query compiler. */
  readonly direct: DirectSql;
  /** Resolves when the database answers a trivial query (readiness). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** A server database's client seen through the shared type (see the note at the top). */
function portable(client: PostgresPrismaClient | MysqlPrismaClient): Db {
  return client as unknown as Db;
}

function createClient(
  kind: DatabaseKind,
  url: string,
  options: DriverOptions,
): { db: Db; direct: DirectSql } {
  const { factory: adapter, direct } = directSql(createDriverAdapter(url, options), kind);
  if (kind === 'sqlite') {
    // A transaction's first statement may wait for another process's lock (sqlite-busy-retry.ts).
    const transactionOptions = sqliteTransactionOptions(options.sqliteBusyDeadlineMs);
    return { db: new SqlitePrismaClient({ adapter, transactionOptions }), direct };
  }
  if (kind === 'mysql') return { db: portable(new MysqlPrismaClient({ adapter })), direct };
  return { db: portable(new PostgresPrismaClient({ adapter })), direct };
}

export async function openDatabase(url: string, options: DriverOptions = {}): Promise<Database> {
  const kind = databaseKind(url);
  const { db, direct } = createClient(kind, url, options);
  await db.$connect();
  if (kind === 'sqlite') {
    try {
      // WAL lets the API read while a scan writes; NORMAL sync is durable across process
      // crashes (only an OS crash can lose the last commits), the usual pairing with WAL.
      await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
      if (options.walCheckpoints)
        await db.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
    } catch (error) {
      await db.$disconnect();
      // The first statement is where SQLite finds out the file is no database it can open.
      throw new DatabaseLocationError(
        url,
        `cannot open ${sqlitePath(url)} as a SQLite database`,
        error,
      );
    }
  }
  const checkpointer =
    kind === 'sqlite' && options.walCheckpoints
      ? startWalCheckpointer(sqlitePath(url), { onError: options.walCheckpoints.onError })
      : undefined;
  return {
    kind,
    db,
    direct,
    ping: async () => {
      await db.$queryRawUnsafe('SELECT 1');
    },
    close: async () => {
      await checkpointer?.stop();
      await db.$disconnect();
    },
  };
}
