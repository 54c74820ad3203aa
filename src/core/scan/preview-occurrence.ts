// Dry run: who would a strategy grant to for one occurrence? The same counting as the budget
// check (occurrence-forecast.ts), so a preview says "held" exactly when a run would hold.
import { parse } from '../../condition/index.ts';
import type { PreviewResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { forecastOccurrence, type ForecastDeps } from './occurrence-forecast.ts';
import { isOccurrenceClosed } from './occurrence-policy.ts';

const SAMPLE_SIZE = 20;

export async function previewOccurrence(
  strategy: Strategy,
  occurrence: string | null,
  deps: ForecastDeps,
): Promise<PreviewResult> {
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
  };
}
