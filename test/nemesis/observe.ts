// What the checker reads at the end of a history, straight from the database: every ledger
// row, the users and each strategy's final condition; and the wait until the cluster is quiet.
import { openDatabase } from '../../src/db/client.ts';
import { sleep } from '../support/fault-helpers.ts';
import type { LedgerRecord } from './checker.ts';
import { CONDITIONS, type Workload } from './workload.ts';

export interface Observed {
  ledger: LedgerRecord[];
  /** Keys of the grants the single strategy owes: every user matching its final condition. */
  required: string[];
}

export async function observe(url: string, singleId: number): Promise<Observed> {
  const database = await openDatabase(url);
  try {
    const [rows, users, single] = await Promise.all([
      database.db.quotaExecute.findMany({ orderBy: { id: 'asc' } }),
      database.db.userInfo.findMany({ select: { id: true, org: true } }),
      database.db.quotaStrategy.findUniqueOrThrow({ where: { id: singleId } }),
    ]);
    const orgs = single.condition.includes('nem-b') ? ['nem-a', 'nem-b'] : ['nem-a'];
    return {
      ledger: rows.map((r) => ({
        strategyId: r.strategyId,
        occurrence: r.occurrence,
        userId: r.userId,
        status: r.status,
        mode: r.mode,
        idempotencyKey: r.idempotencyKey,
        // A top-up or reset row's amount is its target: what it sends is `delta_sent` (none yet: 0).
        amountCents: Math.round(Number(r.mode === 'add' ? r.amount : (r.deltaSent ?? 0)) * 100),
        detail: {
          ...r,
          amount: String(r.amount),
          totalBefore: r.totalBefore === null ? null : String(r.totalBefore),
          leaseToken: r.leaseToken === null ? null : String(r.leaseToken),
          settleAfter: r.settleAfter === null ? null : String(r.settleAfter),
          balanceBefore: r.balanceBefore === null ? null : String(r.balanceBefore),
          deltaSent: r.deltaSent === null ? null : String(r.deltaSent),
          target: r.target === null ? null : String(r.target),
        },
      })),
      required: users
        .filter((u) => orgs.includes(u.org ?? ''))
        .map((u) => `qm:${singleId}:once:${u.id}`),
    };
  } finally {
    await database.close();
  }
}

/** Rows still to be decided: in flight, waiting out a doubt, or failed and to be retried. */
function openRows(observed: Observed): number {
  const keys = new Set(observed.ledger.map((r) => r.idempotencyKey));
  return (
    observed.ledger.filter((r) => ['pending', 'sending', 'failed'].includes(r.status)).length +
    observed.required.filter((k) => !keys.has(k)).length
  );
}

/**
 * Ends the history's workload: every strategy enabled, the periodic one granting nobody from now
 * on (so the ledger stops growing), then scans until no row is open, or `timeoutMs` passes.
 */
export async function quiesce(
  url: string,
  workload: Workload,
  timeoutMs: number,
): Promise<{ quiet: boolean; waitedMs: number }> {
  const started = Date.now();
  const patches: [Parameters<Workload['patch']>[0], object][] = [
    ['periodic', { enabled: true, condition: CONDITIONS.nobody }],
    ['single', { enabled: true }],
    ['capped', { enabled: true }],
    ['topup', { enabled: true, condition: CONDITIONS.nobody }],
  ];
  for (const [role, body] of patches) {
    // The database may have just come back: the replicas' pools reconnect on their own.
    while ((await workload.patch(role, body)) !== 200 && Date.now() - started < timeoutMs)
      await sleep(500);
  }
  const singleId = workload.ids.get('single')!;
  while (Date.now() - started < timeoutMs) {
    await workload.api('POST', '/api/v1/strategies/scan');
    const observed = await observe(url, singleId).catch(() => undefined);
    if (observed && openRows(observed) === 0)
      return { quiet: true, waitedMs: Date.now() - started };
    await sleep(1000);
  }
  return { quiet: false, waitedMs: Date.now() - started };
}
