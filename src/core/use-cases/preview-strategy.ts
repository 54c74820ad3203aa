// Previews: the counts of one occurrence (past, due or future), and the list of every user it
// would grant, paged or streamed. Nothing is claimed or sent, so a disabled strategy may be
// previewed too: that is how an operator checks a strategy before enabling it.
import type { PreviewResult } from '../model/run-result.ts';
import type { Strategy } from '../model/strategy.ts';
import { previewedOccurrence } from '../scan/occurrence-policy.ts';
import { previewOccurrence } from '../scan/preview-occurrence.ts';
import { previewUserPages, previewUsersPage, type PreviewUser } from '../scan/preview-users.ts';
import type { CoreDeps } from './deps.ts';
import { requestScanDeps } from './request-scan-deps.ts';

type Deps = Pick<CoreDeps, 'scan' | 'scope'>;
/** An ISO instant, `next`, or absent (the occurrence due now). */
export type PreviewTarget = Date | 'next' | undefined;

const matchingDeps = requestScanDeps;

/** Who would the strategy grant to for the occurrence? Nothing is claimed or sent. */
export function previewStrategy(
  deps: Deps,
  strategy: Strategy,
  target?: PreviewTarget,
): Promise<PreviewResult> {
  const now = deps.scan.clock.now();
  const occurrence = previewedOccurrence(strategy, target, now);
  return previewOccurrence(strategy, occurrence, matchingDeps(deps), now);
}

/** One page of the users the occurrence would grant, after `cursor`. */
export async function previewUsers(
  deps: Deps,
  strategy: Strategy,
  query: { target?: PreviewTarget; cursor: string | null; limit: number },
): Promise<{ occurrence: string | null; items: PreviewUser[]; nextCursor: string | null }> {
  const occurrence = previewedOccurrence(strategy, query.target, deps.scan.clock.now());
  const page = await previewUsersPage(
    strategy,
    occurrence,
    matchingDeps(deps),
    query.cursor,
    query.limit,
  );
  return { occurrence, ...page };
}

/**
 * Every user the occurrence would grant, page by page (for CSV). The occurrence is resolved
 * (and a bad one refused) before the first page, so errors come before any byte is streamed.
 */
export function streamPreviewUsers(
  deps: Deps,
  strategy: Strategy,
  target?: PreviewTarget,
): AsyncGenerator<PreviewUser[]> {
  const occurrence = previewedOccurrence(strategy, target, deps.scan.clock.now());
  return previewUserPages(strategy, occurrence, matchingDeps(deps));
}
