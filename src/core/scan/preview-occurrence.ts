// Dry run: who would a strategy grant to for one occurrence? Same streaming path as a real
// run, but nothing is claimed or sent.
import { parse } from '../../condition/index.ts';
import type { PreviewResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { matchingUsers, type MatchingDeps } from './matching-users.ts';
import { isOccurrenceClosed } from './occurrence-policy.ts';

const SAMPLE_SIZE = 20;

export async function previewOccurrence(
  strategy: Strategy,
  occurrence: string | null,
  deps: MatchingDeps,
): Promise<PreviewResult> {
  const preview: PreviewResult = {
    occurrence,
    occurrenceDone: false,
    matched: 0,
    wouldGrant: 0,
    totalAmount: 0,
    sampleUserIds: [],
  };
  const parsed = parse(strategy.condition);
  if (occurrence === null || !parsed.ok) return preview;
  if (await isOccurrenceClosed(strategy, occurrence, deps.store)) {
    return { ...preview, occurrenceDone: true };
  }
  for await (const page of matchingUsers(strategy, parsed.ast, occurrence, deps)) {
    preview.matched += page.matched.length + page.capped.length;
    preview.wouldGrant += page.matched.length;
    for (const id of page.matched) {
      if (preview.sampleUserIds.length >= SAMPLE_SIZE) break;
      preview.sampleUserIds.push(id);
    }
  }
  // Amounts have at most two decimals; sum in hundredths to stay exact.
  preview.totalAmount = (Math.round(strategy.amount * 100) * preview.wouldGrant) / 100;
  return preview;
}
