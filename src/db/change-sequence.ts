// The change sequence of user_info (table change_counter, one row) and the scan positions of
// single strategies (table strategy_scan_position).
//
// Why a counter row and not `updated_at` or an autoincrement: both are assigned when a
// statement runs, but transactions commit in another order. A scan that read "everything up to
// 17" while the transaction holding 16 was still open would never see 16. Bumping one row
// first in every user-writing transaction takes that row's lock until commit, so the next
// writer gets its value only after the previous one committed: values are handed out in commit
// order, and a committed value V means every value below it is committed too. On SQLite there
// is only one writer anyway.
import type { ScanPosition, ScanPositionUpdate } from '../core/ports/scan-store.ts';
import type { Db, DbClient } from './client.ts';
import type { DatabaseKind } from '../config/database-url.ts';

/**
 * Runs `write` (a transaction's user writes) with the transaction's change sequence value, to
 * stamp every row it writes.
 *
 * PostgreSQL and MySQL: the counter is bumped first; its row lock, held until commit, is what
 * orders the writers, and other sessions see the new value only once it is committed.
 *
 * SQLite: one connection serves the whole process, and a statement from outside an open
 * transaction sees that transaction's uncommitted rows. A bump made first would be seen by a
 * scan before the rows it stamps exist, and the scan would move its position past them. So
 * the first statement only takes the write lock (an update that leaves the value as it is:
 * other processes' writers now wait), and the counter moves last, after every row is written.
 */
export async function withChangeSequence<T>(
  tx: DbClient,
  kind: DatabaseKind,
  write: (changeSeq: bigint) => Promise<T>,
): Promise<T> {
  if (kind !== 'sqlite') return write(await bumpFirst(tx, kind));
  const rows = await tx.$queryRaw<{ value: bigint | number }[]>`
    INSERT INTO change_counter (id, value) VALUES (1, 0)
    ON CONFLICT (id) DO UPDATE SET value = change_counter.value
    RETURNING value`;
  const changeSeq = BigInt(rows[0]!.value) + 1n;
  const result = await write(changeSeq);
  await tx.$executeRaw`UPDATE change_counter SET value = ${changeSeq} WHERE id = 1`;
  return result;
}

async function bumpFirst(tx: DbClient, kind: DatabaseKind): Promise<bigint> {
  if (kind === 'mysql') {
    // No RETURNING on MySQL; our own uncommitted write is visible to our next read.
    await tx.$executeRaw`
      INSERT INTO change_counter (id, value) VALUES (1, 1)
      ON DUPLICATE KEY UPDATE value = value + 1`;
    const rows = await tx.$queryRaw<{ value: bigint | number }[]>`
      SELECT value FROM change_counter WHERE id = 1`;
    return BigInt(rows[0]!.value);
  }
  const rows = await tx.$queryRaw<{ value: bigint | number }[]>`
    INSERT INTO change_counter (id, value) VALUES (1, 1)
    ON CONFLICT (id) DO UPDATE SET value = change_counter.value + 1
    RETURNING value`;
  return BigInt(rows[0]!.value);
}

/** The last committed change sequence value (0 before any user was written through a store). */
export async function currentChangeSequence(db: Db): Promise<number> {
  const row = await db.changeCounter.findUnique({ where: { id: 1 } });
  return row === null ? 0 : Number(row.value);
}

export async function readScanPosition(db: Db, strategyId: number): Promise<ScanPosition | null> {
  const row = await db.strategyScanPosition.findUnique({ where: { strategyId } });
  return row === null
    ? null
    : {
        changeSeq: Number(row.changeSeq),
        strategyVersion: row.strategyVersion,
        fullScanAt: row.fullScanAt,
      };
}

export async function writeScanPosition(
  db: Db,
  strategyId: number,
  position: ScanPositionUpdate,
): Promise<void> {
  const data = {
    changeSeq: BigInt(position.changeSeq),
    strategyVersion: position.strategyVersion,
    fullScanAt: position.fullScanAt,
  };
  await db.strategyScanPosition.upsert({
    where: { strategyId },
    create: { strategyId, ...data },
    update: data,
  });
}
