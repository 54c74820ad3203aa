// Which top-up and reset grants may be sent now. They send what the balance they read is
// missing, so the read must already include every delta of the strategy that can still land for
// that user: an earlier occurrence's delta in flight, or in doubt until its settle time, would
// land on top of a top-up computed without it and raise the user past the target (the nemesis
// found this with a late delta and a 3-second top-up). Such a grant waits, unsent and unmarked,
// for a later run: its row keeps its status and the settle passes send it once the doubt is
// settled. `add` grants do not read the balance, so nothing they send depends on another delta.
import type { ClaimedEntry } from '../model/ledger-entry.ts';
import { readsBalance } from '../grant-mode.ts';
import type { ClaimStore } from '../ports/claim-store.ts';

export interface GatedBatch {
  /** Grants whose balance read can be trusted: sent now. */
  send: ClaimedEntry[];
  /** Grants whose user has another delta of the strategy that may still land: left for later. */
  waiting: ClaimedEntry[];
}

export async function gateBalanceReads(
  strategyId: number,
  grants: readonly ClaimedEntry[],
  store: Pick<ClaimStore, 'usersWithGrantsInFlight'>,
): Promise<GatedBatch> {
  const reading = grants.filter((g) => readsBalance(g.mode ?? 'add'));
  if (reading.length === 0) return { send: [...grants], waiting: [] };
  const inFlight = await store.usersWithGrantsInFlight(
    strategyId,
    [...new Set(reading.map((g) => g.userId))],
    grants.map((g) => g.id),
  );
  const send: ClaimedEntry[] = [];
  const waiting: ClaimedEntry[] = [];
  // Two grants of one user in a batch (occurrences caught up together) would read the same
  // balance at once: the first goes, the others wait for its answer.
  const takenInBatch = new Set<string>();
  for (const grant of grants) {
    if (!readsBalance(grant.mode ?? 'add')) send.push(grant);
    else if (inFlight.has(grant.userId) || takenInBatch.has(grant.userId)) waiting.push(grant);
    else {
      takenInBatch.add(grant.userId);
      send.push(grant);
    }
  }
  return { send, waiting };
}
