// Dry run: who would a strategy grant to for one occurrence? The same counting as the budget
// check (occurrence-forecast.ts), so a preview says "held" exactly when a run would hold.
import { expiryFor, lotSettings, occurrenceTerms } from '../lots/lot-terms.ts';
import { parse } from '../../condition/index.ts';
import type { PreviewResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { readsBalance } from '../grant-mode.ts';
import { forecastOccurrence, type ForecastDeps } from './occurrence-forecast.ts';
import { isOccurrenceClosed } from './occurrence-policy.ts';

const SAMPLE_SIZE = 20;

/** The expiry a grant for the occurrence would carry if granted at `now` (lot-terms.ts). */
export function lotExpiry(strategy: Strategy, occurrence: string, now: Date): Date | null {
  const terms = occurrenceTerms(lotSettings(strategy), occurrence);
  return terms === null ? null : expiryFor(terms, now);
}

export async function previewOccurrence(
  strategy: Strategy,
  occurrence: string | null,
  deps: ForecastDeps,
  now: Date,
): Promise<PreviewResult> {
  const live = readsBalance(strategy.mode);
  const preview: PreviewResult = {
    occurrence,
    occurrenceDone: false,
    matched: 0,
    alreadyGranted: 0,
    capped: 0,
    heldByBudget: 0,
    wouldGrant: 0,
    totalAmount: 0,
    held: null,
    sampleUserIds: [],
    amountsFrom: live ? 'live_balance' : 'strategy_amount',
    sampleChanges: live ? [] : null,
    balanceUnread: 0,
    balanceNotRead: 0,
    lotExpiresAt: occurrence === null ? null : lotExpiry(strategy, occurrence, now),
  };
  const parsed = parse(strategy.condition);
  if (occurrence === null || !parsed.ok) return preview;
  if (await isOccurrenceClosed(strategy, occurrence, deps.store)) {
    return { ...preview, occurrenceDone: true };
  }
  const forecast = await forecastOccurrence(strategy, parsed.ast, occurrence, deps, SAMPLE_SIZE);
  const held = forecast.held === null ? null : { occurrence, ...forecast.held };
  return {
    ...preview,
    matched: forecast.alreadyGranted + forecast.capped + forecast.eligible,
    alreadyGranted: forecast.alreadyGranted,
    capped: forecast.capped,
    heldByBudget: held ? forecast.eligible : 0,
    wouldGrant: held ? 0 : forecast.eligible,
    totalAmount: held ? 0 : forecast.eligibleAmountCents / 100,
    held,
    sampleUserIds: forecast.sample,
    sampleChanges: live ? forecast.sampleChanges : null,
    balanceUnread: forecast.balanceUnread,
    balanceNotRead: forecast.balanceNotRead,
  };
}
