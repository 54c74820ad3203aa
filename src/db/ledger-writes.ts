// The scanner's ledger state changes after the claim: marking rows `sending` just before their
// gateway calls, writing outcomes, stamping settle times on rows in doubt and giving back rows
// never sent. Every one is a compare-and-set under the writer's lease (fenced-ledger-sql.ts);
// each answers how many rows it changed, so a writer that lost its lease learns it.
import type { DeliveryOutcome, LedgerFence } from '../core/model/ledger-entry.ts';
import type { ClaimStore } from '../core/ports/claim-store.ts';
import { Prisma, type Database } from './client.ts';
import { writeEvents } from './event-outbox.ts';
import { deferSql, markSendingSql, outcomesSql } from './fenced-ledger-sql.ts';
import { idListSql } from './ledger-sql.ts';
import { leaseHeldSql } from './lease-sql.ts';

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
): Pick<ClaimStore, 'releaseClaims' | 'markSending' | 'recordOutcomes' | 'deferSettlement'> {
  /** Between two statements of one call: let I/O callbacks (API requests among them) run. */
  const breathe = (index: number) => (index > 0 ? yieldToEventLoop() : undefined);
  /** Runs `build` over `rows` in statements of at most `size` rows; the changed-row count. */
  const each = async <T>(rows: readonly T[], size: number, build: (chunk: T[]) => Prisma.Sql) => {
    let changed = 0;
    for (const [index, chunk] of chunks(rows, size).entries()) {
      await breathe(index);
      changed += await direct.execute(build(chunk));
    }
    return changed;
  };
  return {
    async releaseClaims(fence: LedgerFence, ids: number[]): Promise<number> {
      let released = 0;
      for (const chunk of chunks(ids, MAX_IDS_PER_STATEMENT)) {
        const mine = Prisma.sql`id IN (${idListSql(kind, chunk)}) AND strategy_id = ${fence.strategyId}
          AND status IN ('pending', 'sending') AND lease_token = ${BigInt(fence.token)}
          AND ${leaseHeldSql(kind, fence.strategyId, fence.token)}`;
        released += await db.$executeRaw`DELETE FROM quota_execute WHERE ${mine} AND attempts = 0`;
        released += await db.$executeRaw`
          UPDATE quota_execute SET status = 'failed', settle_after = NULL, updated_at = ${new Date()}
          WHERE ${mine} AND attempts > 0`;
      }
      return released;
    },

    markSending: (fence, version, rows) =>
      each(rows, rowsPerStatement, (chunk) =>
        markSendingSql(kind, fence, version, chunk, new Date()),
      ),

    async recordOutcomes(fence, outcomes, events = []) {
      const build = (chunk: DeliveryOutcome[]) =>
        outcomesSql(
          kind,
          fence,
          chunk.map((o) => ({
            ...o,
            attempts: o.attempts ?? 1,
            settleAfter: o.status === 'sending' ? (o.settleAfter ?? null) : null,
          })),
          new Date(),
        );
      // The hot path (no event to write) stays on the direct connection, one statement per chunk.
      if (events.length === 0) return each(outcomes, rowsPerStatement, build);
      return db.$transaction(async (tx) => {
        let changed = 0;
        for (const chunk of chunks(outcomes, rowsPerStatement))
          changed += await tx.$executeRaw(build(chunk));
        // All or none were ours (the fence); a late writer's outcomes, and so their events, are
        // not recorded.
        if (changed === outcomes.length) await writeEvents(tx, events);
        return changed;
      });
    },

    deferSettlement: (fence, rows, settleAfter) =>
      each(rows, rowsPerStatement, (chunk) => deferSql(kind, fence, chunk, settleAfter)),
  };
}
