// Reading the grant ledger, and an operator's resolution of a grant whose outcome is unknown.
import { AppError, notFound } from '../errors.ts';
import type { LedgerEntry, LedgerStatus, Resolution } from '../model/ledger-entry.ts';
import type { CountedPage, GrantFilter } from '../ports/stores.ts';
import { keysetPage } from './keyset-page.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

export interface PageQuery {
  status?: LedgerStatus;
  limit: number;
  /** Keyset: continue after this id (in the list's order). Wins over `offset`. */
  afterId?: number;
  /** Deprecated offset paging. */
  offset?: number;
}

/**
 * One strategy's ledger, oldest first. A deleted strategy's rows stay readable (they are kept
 * for audit); 404 only when no strategy has the id and the ledger has no row of it either.
 */
export async function strategyLedger(
  deps: Pick<CoreDeps, 'strategies' | 'ledger'>,
  strategyId: number,
  query: PageQuery & { userId?: string },
): Promise<CountedPage<LedgerEntry>> {
  const exists = await deps.strategies.get(strategyId).then(
    () => true,
    (error: unknown) => {
      if (error instanceof AppError && error.code === 'not_found') return false;
      throw error;
    },
  );
  const page = await deps.ledger.list({ strategyId, ...query, limit: query.limit + 1 });
  if (!exists) {
    const anyRow = await deps.ledger.list({ strategyId, limit: 1 });
    if (anyRow.total === 0) throw notFound('strategy', strategyId);
  }
  return keysetPage(page, query.limit, (row) => row.id);
}

/** The whole ledger, newest first: one page and the id to continue before (null at the end). */
export async function listGrants(
  deps: Pick<CoreDeps, 'ledger'>,
  filter: GrantFilter,
): Promise<{ items: LedgerEntry[]; next: number | null }> {
  const rows = await deps.ledger.grants({ ...filter, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  return { items, next: rows.length > filter.limit ? items[items.length - 1]!.id : null };
}

/** One user's ledger entries across strategies, newest first; 404 when the user is unknown. */
export async function userLedger(
  deps: Pick<CoreDeps, 'users' | 'ledger'>,
  userId: string,
  query: PageQuery,
): Promise<CountedPage<LedgerEntry>> {
  if (!(await deps.users.get(userId))) throw notFound('user', userId);
  const page = await deps.ledger.list({
    userId,
    ...query,
    limit: query.limit + 1,
    newestFirst: true,
  });
  return keysetPage(page, query.limit, (row) => row.id);
}

/** Mark an unknown (or failed) grant applied, or send it again on the next scan. */
export async function resolveLedgerEntry(
  deps: Pick<CoreDeps, 'ledger' | 'clock' | 'logger' | 'audit' | 'actor'>,
  strategyId: number,
  id: number,
  resolution: Resolution,
): Promise<LedgerEntry> {
  const entry = await deps.ledger.resolve(strategyId, id, resolution, deps.clock.now());
  await deps.audit.record(
    auditFor(deps, {
      action: 'grant.resolve',
      targetType: 'grant',
      targetId: String(id),
      changes: { strategy_id: strategyId, resolution, status: { after: entry.status } },
    }),
  );
  deps.logger.info('grant resolved by operator', {
    strategy_id: strategyId,
    execution_id: id,
    status: entry.status,
  });
  return entry;
}
