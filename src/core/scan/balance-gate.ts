// Which balance-reading sends may go now: top-ups and resets (they send what the balance they
// read is missing, or set it) and lot expiries (they take back at most the balance they read).
// Each read must already include every delta that can still land on that user — whatever
// strategy sent it, and lot expiries too: a delta in flight, or in doubt until its settle time,
// would land on top of a send computed without it. Two top-ups of different strategies would
// both fill the same gap and leave the user above the higher target; an expiry computed without
// a top-up's late delta takes back too little, one computed without another expiry's too much.
// Such a send waits, unsent and unmarked, for a later run: its row keeps its status and the
// settle passes send it once the doubt is settled.
//
// Because of it, a user has at most one balance-reading delta in doubt at a time, which is also
// what lets reconciliation by the user's total tell an expiry's outcome (reconcile-basis.ts).
// `add` grants do not read the balance, so nothing they send depends on another delta.
import type { ClaimedEntry } from '../model/ledger-entry.ts';
import { readsBalance } from '../grant-mode.ts';
import type { ClaimStore } from '../ports/claim-store.ts';

export interface GatedBatch {
  /** Sends whose balance read can be trusted: sent now. */
  send: ClaimedEntry[];
  /** Sends whose user has another delta that may still land: left for later. */
  waiting: ClaimedEntry[];
}

/** The grants whose send depends on the user's balance: their mode reads it. */
export const modeReadsBalance = (grant: ClaimedEntry): boolean => readsBalance(grant.mode ?? 'add');

export async function gateBalanceReads(
  grants: readonly ClaimedEntry[],
  store: Pick<ClaimStore, 'usersWithDeltasInFlight'>,
  dependsOnBalance: (grant: ClaimedEntry) => boolean = modeReadsBalance,
): Promise<GatedBatch> {
  const reading = grants.filter(dependsOnBalance);
  if (reading.length === 0) return { send: [...grants], waiting: [] };
  const inFlight = await store.usersWithDeltasInFlight(
    [...new Set(reading.map((g) => g.userId))],
    grants.map((g) => g.id),
  );
  const send: ClaimedEntry[] = [];
  const waiting: ClaimedEntry[] = [];
  // Two balance-reading sends to one user in a batch (occurrences caught up together, two lots
  // expiring together) would read the same balance at once: the first goes, the others wait
  // for its answer.
  const takenInBatch = new Set<string>();
  for (const grant of grants) {
    if (!dependsOnBalance(grant)) send.push(grant);
    else if (inFlight.has(grant.userId) || takenInBatch.has(grant.userId)) waiting.push(grant);
    else {
      takenInBatch.add(grant.userId);
      send.push(grant);
    }
  }
  return { send, waiting };
}
