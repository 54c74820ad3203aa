// The scanner's ledger state changes after the claim: marking rows `sending` just before their
// gateway calls, giving back rows never sent, and writing outcomes. Part of the ScanStore
// (scan-store.ts); each statement carries its rows as one JSON parameter (ledger-sql.ts).
import type { DeliveryOutcome } from '../core/model/ledger-entry.ts';
import type { ScanStore } from '../core/ports/scan-store.ts';
import { Prisma, type Database } from './client.ts';
import { appliedSql, idListSql, markSendingSql } from './ledger-sql.ts';

/** Most ids bound in one statement of this module (see scan-store.ts, MAX_IDS_PER_STATEMENT). */
const MAX_IDS_PER_STATEMENT = 500;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createLedgerWrites(
  { db, kind, direct }: Database,
  rowsPerStatement: number,
): Pick<ScanStore, 'releaseClaims' | 'markSending' | 'recordOutcomes'> {
  /** Between two statements of one call: let I/O callbacks (API requests among them) run. */
  const breathe = (index: number) => (index > 0 ? yieldToEventLoop() : undefined);
  return {
    async releaseClaims(strategyId, holder, ids, nowMs): Promise<number> {
      let released = 0;
      for (const chunk of chunks(ids, MAX_IDS_PER_STATEMENT)) {
        // The lease check is in each statement itself: a process whose lease lapsed unnoticed
        // must not touch rows the new holder may be settling.
        // A deleted strategy's lease is deleted with it, and no run of it can start again: its
        // unsent claims are given back without one.
        const held = Prisma.sql`(EXISTS (SELECT 1 FROM strategy_lease l WHERE l.strategy_id = ${strategyId} AND l.holder = ${holder} AND l.expires_at > ${BigInt(nowMs)})
          OR NOT EXISTS (SELECT 1 FROM quota_strategy s WHERE s.id = ${strategyId}))`;
        const mine = Prisma.sql`id IN (${idListSql(kind, chunk)}) AND strategy_id = ${strategyId} AND status IN ('pending', 'sending')`;
        released += await db.$executeRaw`
          DELETE FROM quota_execute WHERE ${mine} AND attempts = 0 AND ${held}`;
        released += await db.$executeRaw`
          UPDATE quota_execute SET status = 'failed', updated_at = ${new Date()}
          WHERE ${mine} AND attempts > 0 AND ${held}`;
      }
      return released;
    },

    async markSending(strategy, entries): Promise<number> {
      const now = new Date();
      let marked = 0;
      for (const [index, chunk] of chunks(entries, rowsPerStatement).entries()) {
        await breathe(index);
        marked += await direct.execute(markSendingSql(kind, strategy, chunk, now));
      }
      return marked;
    },

    async recordOutcomes(outcomes: DeliveryOutcome[]): Promise<void> {
      if (outcomes.length === 0) return;
      const now = new Date();
      const applied = outcomes.filter((o) => o.status === 'applied');
      const others = outcomes.filter((o) => o.status !== 'applied');
      // Successes are the common case: few statements for the whole page. Each row's outcome
      // stands on its own, so the statements need not share a transaction: a crash between
      // two leaves the rest `pending`, which the next run settles like any interrupted page.
      for (const [index, chunk] of chunks(applied, rowsPerStatement).entries()) {
        await breathe(index);
        await direct.execute(appliedSql(kind, chunk, now));
      }
      if (others.length > 0) {
        await db.$transaction(
          others.map((o) =>
            db.quotaExecute.update({
              where: { id: o.id },
              data: {
                status: o.status,
                lastError: o.lastError,
                // Absent: this outcome observed nothing (an orphan settled without a call).
                balanceBefore: o.balanceBefore,
                deltaSent: o.deltaSent,
                attempts: { increment: o.attempts ?? 1 },
                updatedAt: now,
              },
            }),
          ),
        );
      }
    },
  };
}
