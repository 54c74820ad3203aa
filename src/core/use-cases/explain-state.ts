// The strategy's side of an explanation, each fact on its own: enabled or not, the occurrence
// outside the start_at/end_at window, the occurrence closed for good, and the next fire time.
import type { Explanation } from '../model/explanation.ts';
import type { Strategy } from '../model/strategy.ts';
import type { ScanStore } from '../ports/scan-store.ts';
import { isOccurrenceClosed, previewedOccurrence } from '../scan/occurrence-policy.ts';
import { SINGLE_OCCURRENCE } from '../schedule.ts';

/** The occurrence's instant (now for a single strategy) outside [start_at, end_at]. */
export function outsideWindow(strategy: Strategy, occurrence: string, now: Date): boolean {
  const at = occurrence === SINGLE_OCCURRENCE ? now : new Date(occurrence);
  return (
    (strategy.startAt !== null && at < strategy.startAt) ||
    (strategy.endAt !== null && at > strategy.endAt)
  );
}

export async function strategyStateFor(
  strategy: Strategy,
  occurrence: string | null,
  now: Date,
  store: ScanStore,
): Promise<Explanation['state']> {
  const next = strategy.type === 'periodic' ? previewedOccurrence(strategy, 'next', now) : null;
  return {
    enabled: strategy.enabled,
    outsideWindow: occurrence !== null && outsideWindow(strategy, occurrence, now),
    occurrenceDone: occurrence !== null && (await isOccurrenceClosed(strategy, occurrence, store)),
    nextOccurrence: next,
  };
}
