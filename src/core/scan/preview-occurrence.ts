// Dry run: who would a strategy grant to for one occurrence? Same streaming path as a real
// run, but nothing is claimed or sent.
import { parse } from '../../condition/index.ts';
import type { PreviewResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { readsBalance } from '../grant-mode.ts';
import { matchingUsers, type MatchingDeps } from './matching-users.ts';
import { isOccurrenceClosed } from './occurrence-policy.ts';
import type { RunDeps } from './run-deps.ts';
import { previewChange } from './send-grant.ts';

const SAMPLE_SIZE = 20;

export async function previewOccurrence(
  strategy: Strategy,
  occurrence: string | null,
  deps: MatchingDeps & Pick<RunDeps, 'delivery'>,
): Promise<PreviewResult> {
  const live = readsBalance(strategy.mode);
  const preview: PreviewResult = {
    occurrence,
    occurrenceDone: false,
    matched: 0,
    wouldGrant: 0,
    totalAmount: 0,
    sampleUserIds: [],
    amountsFrom: live ? 'live_balance' : 'strategy_amount',
    sampleChanges: live ? [] : null,
    balanceUnread: 0,
  };
  const parsed = parse(strategy.condition);
  if (occurrence === null || !parsed.ok) return preview;
  if (await isOccurrenceClosed(strategy, occurrence, deps.store)) {
    return { ...preview, occurrenceDone: true };
  }
  let liveCents = 0;
  for await (const page of matchingUsers(strategy, parsed.ast, occurrence, deps)) {
    preview.matched += page.matched.length + page.capped.length;
    preview.wouldGrant += page.matched.length;
    for (const id of page.matched) {
      if (preview.sampleUserIds.length >= SAMPLE_SIZE) break;
      preview.sampleUserIds.push(id);
    }
    if (live) liveCents += await liveChanges(strategy, page.matched, deps, preview);
  }
  // Amounts have at most two decimals; sum in hundredths to stay exact.
  preview.totalAmount = live
    ? liveCents / 100
    : (Math.round(strategy.amount * 100) * preview.wouldGrant) / 100;
  return preview;
}

/**
 * top_up and reset: what each user would get depends on their balance now, so it is read from
 * the gateway (one read per user, bounded by the client's concurrency). Users whose balance
 * cannot be read count in `balanceUnread` and not in the total. Returns the page's sum in cents.
 */
async function liveChanges(
  strategy: Strategy,
  userIds: string[],
  deps: Pick<RunDeps, 'gateway' | 'delivery'>,
  preview: PreviewResult,
): Promise<number> {
  const changes = await Promise.all(
    userIds.map((userId) =>
      previewChange(
        strategy.mode,
        strategy.amount,
        userId,
        deps.gateway,
        deps.delivery.balance,
      ).then(
        (seen) => ({ userId, ...seen }),
        () => null,
      ),
    ),
  );
  let cents = 0;
  for (const seen of changes) {
    if (seen === null) {
      preview.balanceUnread++;
      continue;
    }
    cents += Math.round(seen.change * 100);
    if (preview.sampleChanges !== null && preview.sampleChanges.length < SAMPLE_SIZE)
      preview.sampleChanges.push(seen);
  }
  return cents;
}
