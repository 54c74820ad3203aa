// Each user's other ledger rows as reconciliation needs them (core/scan/reconcile-basis.ts):
// one grouped statement for a batch of users.
import type { UserLedgerState } from '../core/scan/reconcile-basis.ts';
import { Prisma } from './client.ts';
import type { DirectSql } from './direct-sql.ts';
import { decimalToNumber } from './row-mappers.ts';

interface GroupRow {
  user_id: string;
  status: string;
  mode: string;
  n: number | bigint;
  total: unknown;
}

/**
 * One statement per batch of balance-reading sends (core/scan/balance-gate.ts): every strategy's
 * rows count, since any delta that lands after a read makes the read stale.
 */
export async function usersWithDeltasInFlight(
  direct: DirectSql,
  userIds: string[],
  excludingIds: number[],
): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const excluded =
    excludingIds.length === 0
      ? Prisma.empty
      : Prisma.sql`AND id NOT IN (${Prisma.join(excludingIds)})`;
  const rows = await direct.query<{ user_id: string }>(Prisma.sql`
    SELECT DISTINCT user_id FROM quota_execute
    WHERE status = 'sending' AND user_id IN (${Prisma.join(userIds)}) ${excluded}`);
  return new Set(rows.map((row) => row.user_id));
}

/** Sent on the driver's connection directly (direct-sql.ts): two per batch of grants. */
export async function userLedgerStates(
  direct: DirectSql,
  userIds: string[],
  excludingIds: number[],
): Promise<Map<string, UserLedgerState>> {
  const states = new Map<string, UserLedgerState>();
  if (userIds.length === 0) return states;
  const excluded =
    excludingIds.length === 0
      ? Prisma.empty
      : Prisma.sql`AND id NOT IN (${Prisma.join(excludingIds)})`;
  // What an applied row added: delta_sent (a top_up's real raise); rows older than it, amount.
  const rows = await direct.query<GroupRow>(Prisma.sql`
    SELECT user_id, status, mode, COUNT(*) AS n, SUM(COALESCE(delta_sent, amount)) AS total
    FROM quota_execute WHERE user_id IN (${Prisma.join(userIds)}) ${excluded}
    GROUP BY user_id, status, mode`);
  for (const row of rows) {
    const state = states.get(row.user_id) ?? { applied: 0, appliedCents: 0, resets: 0, inDoubt: 0 };
    const count = Number(row.n);
    if (row.status === 'sending' || row.status === 'unknown') state.inDoubt += count;
    else if (row.status === 'applied' && row.mode === 'reset') state.resets += count;
    else if (row.status === 'applied') {
      state.applied += count;
      state.appliedCents += Math.round(decimalToNumber(row.total ?? 0) * 100);
    }
    states.set(row.user_id, state);
  }
  return states;
}
