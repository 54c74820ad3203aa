// Reading credit lots: one user's (active and past), and every active lot expiring soon.
import { AppError } from '../errors.ts';
import { expiryInstant, parseExpiryRule } from '../lots/expiry-rule.ts';
import { EXPIRY_STRATEGY_ID, type Lot } from '../lots/lot.ts';
import type { LedgerEntry, LedgerStatus } from '../model/ledger-entry.ts';
import type { Page } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'clock' | 'defaultTimeZone'>;
type LotPage = { items: Lot[]; total: number };

function lotStore(deps: Deps) {
  if (deps.scan.lots === undefined)
    throw new AppError('not_found', 'credit lots are not kept by this server');
  return deps.scan.lots;
}

/** A user's lots by id. Lots outlive the user's row: a deleted user's lots are still listed. */
export function userLots(
  deps: Deps,
  userId: string,
  page: { afterId: number; limit: number },
): Promise<LotPage> {
  return lotStore(deps).listLots({ userId, ...page });
}

/** Active lots expiring between now and now + `within` (a duration or calendar boundary). */
export function expiringLots(
  deps: Deps,
  within: string,
  page: { afterId: number; limit: number },
): Promise<LotPage> {
  const parsed = parseExpiryRule(within);
  if (!parsed.ok)
    throw new AppError('validation_failed', 'within is not a duration', [
      { field: 'within', message: parsed.message },
    ]);
  const until = expiryInstant(parsed.rule, deps.clock.now(), deps.defaultTimeZone);
  return lotStore(deps).listLots({ activeUntil: until, ...page });
}

/**
 * The expiries' ledger rows (EXPIRY_STRATEGY_ID), oldest first: the list an operator resolves
 * `unknown` expiries from, as a strategy's executions are for its grants.
 */
export function expiryLedger(
  deps: Pick<CoreDeps, 'ledger'>,
  query: { userId?: string; status?: LedgerStatus; limit: number; offset: number },
): Promise<Page<LedgerEntry>> {
  return deps.ledger.list({ strategyId: EXPIRY_STRATEGY_ID, ...query });
}
