// The first steps of a run: the rows earlier runs left, settled while this run holds the lease
// (no other run works on them meanwhile) — `sending` rows in doubt (settle-doubts.ts), `pending`
// rows a run claimed and died before sending, and `failed` rows due another attempt.
import type { ClaimedEntry } from '../model/ledger-entry.ts';
import type { RunDeps } from './run-deps.ts';
import type { RunLedger } from './run-ledger.ts';
import { forEachEntryPage } from './run-steps.ts';
import { planDoubts, settleAdopted } from './settle-doubts.ts';

/** What the settle passes use of the run that holds the lease (run-strategy.ts). */
export interface SettlingRun {
  strategyId: number;
  deps: RunDeps;
  ledger: RunLedger;
  /** The database clock's lower bound now, in ms (run-lease.ts). */
  databaseNowAtLeast(): number;
  /** The breaker says the gateway is down: stop sending (logged once per run). */
  gatewayDown(): boolean;
  /** Throws when the lease was lost; true when the process is stopping. */
  checkpoint(): boolean;
  /** Sends a page of earlier rows, records their outcomes and takes back what was not sent. */
  resend(entries: ClaimedEntry[]): Promise<void>;
  /** The pipeline refused a send (the strategy changed): stop. */
  refused(): boolean;
}

export async function settleEarlierEntries(run: SettlingRun): Promise<void> {
  const { deps, strategyId } = run;
  const send = async (entries: ClaimedEntry[]) => {
    if (run.gatewayDown()) return true;
    await run.resend(entries);
    return run.checkpoint() || run.refused();
  };
  // `sending`: a run died while these were in flight; their outcome is uncertain.
  await forEachEntryPage(deps.store, strategyId, ['sending'], deps, (entries) =>
    settleUncertain(run, entries),
  );
  // `pending`: claimed by a run that died before sending them; known never sent.
  await forEachEntryPage(deps.store, strategyId, ['pending'], deps, send);
  // `failed`: re-sent with the same key, a bounded number of times in total.
  await forEachEntryPage(deps.store, strategyId, ['failed'], deps, send, deps.ledgerMaxAttempts);
}

/**
 * Rows in doubt that earlier runs left `sending` (settle-doubts.ts): stamped with a settle
 * time when they have none, then — once it has passed — re-sent (a gateway that honours keys;
 * top_up and reset, which re-read the balance), settled by the user's total, or `unknown`.
 */
async function settleUncertain(run: SettlingRun, found: ClaimedEntry[]): Promise<boolean> {
  const { deps, ledger } = run;
  const plan = planDoubts(found, deps.delivery, run.databaseNowAtLeast());
  await ledger.defer(plan.unstamped);
  const waiting = plan.unstamped.length + plan.waiting.length;
  if (waiting > 0)
    deps.logger.info('grants in doubt wait: a late delta may still arrive', { waiting });
  if (plan.resend.length > 0) {
    if (run.gatewayDown()) return true;
    await run.resend(plan.resend);
  }
  if (plan.reconcile.length > 0 && run.gatewayDown()) return true;
  for (const [entries, how] of [
    [plan.reconcile, 'reconcile'],
    [plan.unknown, 'unknown'],
  ] as const) {
    if (entries.length === 0 || !(await ledger.adopt(entries))) continue;
    await ledger.record(await settleAdopted(entries, how, deps.gateway, deps.store));
  }
  return run.checkpoint();
}
