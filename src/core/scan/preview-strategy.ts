// Dry run: who would a strategy grant to right now? Same streaming path as a real run, but
// nothing is claimed or sent.
import { parse } from '../../condition/index.ts';
import type { Strategy } from '../strategy.ts';
import { matchingUsers, type MatchingDeps } from './matching-users.ts';
import { isOccurrenceClosed } from './run-strategy.ts';

export interface PreviewResult {
  occurrence: string | null;
  /**
   * The occurrence is already done: a run would not scan it again (409 occurrence_done), so
   * nobody would be granted, whoever matches now.
   */
  occurrence_done: boolean;
  matched: number;
  would_grant: number;
  total_amount: number;
  sample_user_ids: string[];
}

const SAMPLE_SIZE = 20;

export async function previewStrategy(
  strategy: Strategy,
  occurrence: string | null,
  deps: MatchingDeps,
): Promise<PreviewResult> {
  const preview: PreviewResult = {
    occurrence,
    occurrence_done: false,
    matched: 0,
    would_grant: 0,
    total_amount: 0,
    sample_user_ids: [],
  };
  const parsed = parse(strategy.condition);
  if (occurrence === null || !parsed.ok) return preview;
  if (await isOccurrenceClosed(strategy, occurrence, deps.store)) {
    return { ...preview, occurrence_done: true };
  }
  for await (const page of matchingUsers(strategy, parsed.ast, occurrence, deps)) {
    preview.matched += page.matched.length + page.capped.length;
    preview.would_grant += page.matched.length;
    for (const id of page.matched) {
      if (preview.sample_user_ids.length >= SAMPLE_SIZE) break;
      preview.sample_user_ids.push(id);
    }
  }
  // Amounts have at most two decimals; sum in hundredths to stay exact.
  preview.total_amount = (Math.round(strategy.amount * 100) * preview.would_grant) / 100;
  return preview;
}
