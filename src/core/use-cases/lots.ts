// Reading credit lots: one user's (active and past), and every active lot expiring soon.
import { AppError } from '../errors.ts';
import { expiryInstant, parseExpiryRule } from '../lots/expiry-rule.ts';
import { EXPIRY_STRATEGY_ID, type Lot } from '../lots/lot.ts';
import type { LedgerEntry, LedgerStatus } from '../model/ledger-entry.ts';
import type { CountedPage } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';
import { keysetPage } from './keyset-page.ts';

type Deps = Pick<CoreDeps, 'scan' | 'clock' | 'defaultTimeZone'>;
type LotPage = CountedPage<Lot>;
type PageQuery = { afterId: number; limit: number };

function lotStore(deps: Deps) {
  if (deps.scan.lots === undefined)
    throw new AppError('not_found', 'credit lots are not kept by this server');
  return deps.scan.lots;
}

/** A user's lots by id. Lots outlive the user's row: a deleted user's lots are still listed. */
export async function userLots(deps: Deps, userId: string, page: PageQuery): Promise<LotPage> {
  const read = await lotStore(deps).listLots({ userId, ...page, limit: page.limit + 1 });
  return keysetPage(read, page.limit, (lot) => lot.id);
}

/** Active lots expiring between now and now + `within` (a duration or calendar boundary). */
export async function expiringLots(deps: Deps, within: string, page: PageQuery): Promise<LotPage> {
  const parsed = parseExpiryRule(within);
  if (!parsed.ok)
    throw new AppError('validation_failed', 'within is not a duration', [
      { field: 'within', message: parsed.message },
    ]);
  const until = expiryInstant(parsed.rule, deps.clock.now(), deps.defaultTimeZone);
  const read = await lotStore(deps).listLots({
    activeUntil: until,
    ...page,
    limit: page.limit + 1,
  });
  return keysetPage(read, page.limit, (lot) => lot.id);
}

/**
 * The expiries' ledger rows (EXPIRY_STRATEGY_ID), oldest first: the list an operator resolves
 * `unknown` expiries from, as a strategy's executions are for its grants.
 */
export async function expiryLedger(
  deps: Pick<CoreDeps, 'ledger'>,
  query: {
    userId?: string;
    status?: LedgerStatus;
    limit: number;
    afterId?: number;
    offset?: number;
  },
): Promise<CountedPage<LedgerEntry>> {
  const read = await deps.ledger.list({
    strategyId: EXPIRY_STRATEGY_ID,
    ...query,
    limit: query.limit + 1,
  });
  return keysetPage(read, query.limit, (row) => row.id);
}
