// The only module that constructs a Prisma client. Both providers' clients are generated from
// one data model (prisma/schema.prisma and its SQLite twin), so their APIs agree on every
// feature we use; the rest of the code sees one type, `Db`, which is the SQLite client's type
// (the smaller of the two feature sets, so nothing PostgreSQL-only can slip in unnoticed).
import { PrismaClient as SqlitePrismaClient } from './generated/sqlite/client.ts';
import { PrismaClient as PostgresPrismaClient } from './generated/postgresql/client.ts';
import {
  createDriverAdapter,
  DatabaseLocationError,
  databaseKind,
  sqlitePath,
  type DatabaseKind,
  type DriverOptions,
} from './driver.ts';

export type Db = SqlitePrismaClient;
export { Prisma } from './generated/sqlite/client.ts';

/** Which database each client from openDatabase talks to (for the few dialect-specific statements). */
const kinds = new WeakMap<Db, DatabaseKind>();

/** The database behind a client made by openDatabase; undefined for any other client. */
export function databaseKindOf(db: Db): DatabaseKind | undefined {
  return kinds.get(db);
}

export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Db;
  close(): Promise<void>;
}

export async function openDatabase(url: string, options: DriverOptions = {}): Promise<Database> {
  const kind = databaseKind(url);
  const adapter = createDriverAdapter(url, options);
  const db =
    kind === 'sqlite'
      ? new SqlitePrismaClient({ adapter })
      : (new PostgresPrismaClient({ adapter }) as unknown as Db);
  kinds.set(db, kind);
  await db.$connect();
  if (kind === 'sqlite') {
    try {
      // WAL lets the API read while a scan writes; NORMAL sync is durable across process
      // crashes (only an OS crash can lose the last commits), the usual pairing with WAL.
      await db.$queryRawUnsafe('PRAGMA journal_mode = WAL');
      await db.$queryRawUnsafe('PRAGMA synchronous = NORMAL');
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
  return { kind, db, close: () => db.$disconnect() };
}
