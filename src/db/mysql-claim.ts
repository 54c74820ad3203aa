// The ledger claim on MySQL, which has no RETURNING: which of the rows did *this* statement
// insert? One REPEATABLE READ transaction answers it from its own snapshot:
// 1. read the keys that already exist (this first read fixes the snapshot);
// 2. INSERT IGNORE the rows (a key that exists, even committed by another process after the
//    snapshot, is skipped and left untouched);
// 3. read the keys again: the snapshot shows what existed at step 1 plus this transaction's own
//    inserts, and never rows other processes committed since — so "step 3 minus step 1" is
//    exactly what this claim inserted.
// The count INSERT IGNORE reports must equal that difference; if not (a row inserted under a
// key other than the one sent), the transaction is rolled back rather than trusted.
import { retryConflicts } from './conflict-retry.ts';
import type { LedgerFence, NewLedgerEntry } from '../core/model/ledger-entry.ts';
import { Prisma, type Db } from './client.ts';
import type {
  PrismaClient as MysqlClient,
  Prisma as MysqlPrisma,
} from './generated/mysql/client.ts';
import { mysqlClaimSql } from './ledger-sql.ts';

export interface ClaimedRow {
  id: number | bigint;
  occurrence: string;
  user_id: string;
}

async function rowsByKey(
  tx: MysqlPrisma.TransactionClient,
  strategyId: number,
  occurrence: string,
  userIds: string[],
): Promise<ClaimedRow[]> {
  return tx.$queryRaw<ClaimedRow[]>`
    SELECT id, occurrence, user_id FROM quota_execute
    WHERE strategy_id = ${strategyId} AND occurrence = ${occurrence} AND user_id IN (${Prisma.join(userIds)})`;
}

/** Claims rows that share one strategy and occurrence (as one scanner page does). */
async function claimGroup(
  db: Db,
  rows: NewLedgerEntry[],
  now: Date,
  fence: LedgerFence,
): Promise<ClaimedRow[]> {
  const { strategyId, occurrence } = rows[0]!;
  const userIds = rows.map((r) => r.userId);
  // A deadlock victim (an operator's DELETE of the strategy locks in another order) is run again
  // whole: the server rolled its inserts back, and `before` is read afresh.
  // The MySQL client's own type: the shared one (SQLite's) knows no RepeatableRead.
  return retryConflicts(() =>
    (db as unknown as MysqlClient).$transaction(
      async (tx) => {
        const before = new Set(
          (await rowsByKey(tx, strategyId, occurrence, userIds)).map((r) => r.user_id),
        );
        const inserted = await tx.$executeRaw(mysqlClaimSql(rows, now, fence));
        const after = await rowsByKey(tx, strategyId, occurrence, userIds);
        const claimed = after.filter((row) => !before.has(row.user_id));
        if (claimed.length !== inserted) {
          throw new Error(
            `ledger claim inserted ${inserted} rows but ${claimed.length} match their keys`,
          );
        }
        return claimed;
      },
      { isolationLevel: 'RepeatableRead' },
    ),
  );
}

export async function claimOnMysql(
  db: Db,
  rows: NewLedgerEntry[],
  now: Date,
  fence: LedgerFence,
): Promise<ClaimedRow[]> {
  const groups = new Map<string, NewLedgerEntry[]>();
  for (const row of rows) {
    const key = `${row.strategyId}\u0000${row.occurrence}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const claimed: ClaimedRow[] = [];
  for (const group of groups.values()) claimed.push(...(await claimGroup(db, group, now, fence)));
  return claimed;
}
