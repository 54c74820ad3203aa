// Reading the grant ledger, and an operator's resolution of a grant whose outcome is unknown.
import { notFound } from '../errors.ts';
import type { LedgerEntry, LedgerStatus, Resolution } from '../model/ledger-entry.ts';
import type { Page } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';

interface PageQuery {
  status?: LedgerStatus;
  limit: number;
  offset: number;
}

/** One strategy's ledger, oldest first; 404 when the strategy does not exist. */
export async function strategyLedger(
  deps: Pick<CoreDeps, 'strategies' | 'ledger'>,
  strategyId: number,
  query: PageQuery & { userId?: string },
): Promise<Page<LedgerEntry>> {
  await deps.strategies.get(strategyId);
  return deps.ledger.list({ strategyId, ...query });
}

/** One user's ledger entries across strategies, newest first; 404 when the user is unknown. */
export async function userLedger(
  deps: Pick<CoreDeps, 'users' | 'ledger'>,
  userId: string,
  query: PageQuery,
): Promise<Page<LedgerEntry>> {
  if (!(await deps.users.get(userId))) throw notFound('user', userId);
  return deps.ledger.list({ userId, ...query, newestFirst: true });
}

/** Mark an unknown (or failed) grant applied, or send it again on the next scan. */
export async function resolveLedgerEntry(
  deps: Pick<CoreDeps, 'ledger' | 'clock' | 'logger'>,
  strategyId: number,
  id: number,
  resolution: Resolution,
): Promise<LedgerEntry> {
  const entry = await deps.ledger.resolve(strategyId, id, resolution, deps.clock.now());
  deps.logger.info('grant resolved by operator', {
    strategy_id: strategyId,
    execution_id: id,
    status: entry.status,
  });
  return entry;
}
