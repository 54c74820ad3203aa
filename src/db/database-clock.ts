// "Now" in the database's own clock, in epoch milliseconds, as an SQL expression. Leases and
// settle times are compared in it, never in a replica's clock: replicas whose clocks disagree
// (a skewed host, a VM that slept) must not shorten each other's leases. SQLite has no server:
// its clock is the host's, which every process on one SQLite file shares.
import { Prisma } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';

export function databaseNowSql(kind: DatabaseKind): Prisma.Sql {
  switch (kind) {
    case 'postgresql':
      return Prisma.sql`CAST(FLOOR(EXTRACT(EPOCH FROM statement_timestamp()) * 1000) AS BIGINT)`;
    case 'mysql':
      // The session's time zone is UTC (driver.ts), so UNIX_TIMESTAMP reads no DST-ambiguous hour.
      return Prisma.sql`CAST(FLOOR(UNIX_TIMESTAMP(NOW(3)) * 1000) AS SIGNED)`;
    case 'sqlite':
      return Prisma.sql`CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)`;
  }
}
