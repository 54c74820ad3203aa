// Taking the per-strategy scan lease: insert it, take over an expired one, or extend our own,
// in one atomic statement, on each database's upsert syntax.
import type { Db } from './client.ts';
import type { DatabaseKind } from './driver.ts';

export async function acquireLeaseRow(
  db: Db,
  kind: DatabaseKind,
  lease: { strategyId: number; holder: string; nowMs: number; ttlMs: number },
): Promise<boolean> {
  const { strategyId, holder } = lease;
  const now = BigInt(lease.nowMs);
  const expires = BigInt(lease.nowMs + lease.ttlMs);
  if (kind !== 'mysql') {
    const rows = await db.$queryRaw<{ holder: string }[]>`
      INSERT INTO strategy_lease (strategy_id, holder, expires_at) VALUES (${strategyId}, ${holder}, ${expires})
      ON CONFLICT (strategy_id) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
      WHERE strategy_lease.holder = excluded.holder OR strategy_lease.expires_at < ${now}
      RETURNING holder`;
    return rows.length === 1;
  }
  // MySQL has neither a WHERE on the upsert nor RETURNING. The assignments run left to right
  // and later ones see earlier results: `holder` is decided on the old row, then `expires_at`
  // moves only if the row is (now) ours. Whether we hold the lease is then read back; a lease
  // we just wrote cannot lapse before that read.
  await db.$executeRaw`
    INSERT INTO strategy_lease (strategy_id, holder, expires_at) VALUES (${strategyId}, ${holder}, ${expires})
    ON DUPLICATE KEY UPDATE
      holder = IF(holder = VALUES(holder) OR expires_at < ${now}, VALUES(holder), holder),
      expires_at = IF(holder = VALUES(holder), VALUES(expires_at), expires_at)`;
  const rows = await db.$queryRaw<{ holder: string }[]>`
    SELECT holder FROM strategy_lease WHERE strategy_id = ${strategyId}`;
  return rows[0]?.holder === holder;
}
