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
import type { ScanPosition } from '../core/ports/scan-store.ts';
import type { Db, DbClient } from './client.ts';
import type { DatabaseKind } from './driver.ts';

/**
 * Takes the next change sequence value inside `tx` (call it before writing any user row: the
 * lock it takes is what orders the writers) and returns it, to stamp the rows written.
 */
export async function bumpChangeSequence(tx: DbClient, kind: DatabaseKind): Promise<bigint> {
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
    : { changeSeq: Number(row.changeSeq), strategyVersion: row.strategyVersion };
}

export async function writeScanPosition(
  db: Db,
  strategyId: number,
  position: ScanPosition,
): Promise<void> {
  const data = {
    changeSeq: BigInt(position.changeSeq),
    strategyVersion: position.strategyVersion,
  };
  await db.strategyScanPosition.upsert({
    where: { strategyId },
    create: { strategyId, ...data },
    update: data,
  });
}
