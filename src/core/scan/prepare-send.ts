// The step between a run's queue and the gateway: for each small batch (at most 2 × gateway
// concurrency grants), read each user's total first when reconciliation is on, then mark the
// rows `sending` in one statement. A crash can then leave uncertain only rows marked here;
// rows still `pending` were never sent. Other steps that must run just before a delta (a mode
// reading the balance) belong here too, each as its own function.
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import type { RunDeps } from './run-deps.ts';

export interface PreparedBatch {
  send: ClaimedEntry[];
  settled: DeliveryOutcome[];
  /** Not sent because the strategy changed since the run read it: the run must stop. */
  refused?: ClaimedEntry[];
}

/** Reads every user's total before sending; a grant whose total cannot be read is not sent. */
export async function readTotalsBefore(
  grants: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger'>,
): Promise<PreparedBatch> {
  const batch: PreparedBatch = { send: [], settled: [] };
  // The gateway client's limiter bounds these reads like every other call.
  const totals = await Promise.allSettled(grants.map((g) => deps.gateway.getQuota(g.userId)));
  totals.forEach((total, index) => {
    const grant = grants[index]!;
    if (total.status === 'fulfilled') {
      batch.send.push({ ...grant, totalBefore: total.value });
      return;
    }
    const failure = gatewayFailureOf(total.reason);
    deps.logger.warn('total not read before sending; grant not sent', {
      strategy_id: grant.strategyId,
      user_id: grant.userId,
      error: failure.message,
    });
    batch.settled.push({
      id: grant.id,
      status: 'failed',
      lastError: `not sent: the user's total could not be read first (${failure.message})`.slice(
        0,
        500,
      ),
    });
  });
  return batch;
}

/** The prepareSend step of a run's delivery pipeline. */
export async function prepareSend(
  strategy: { id: number; version: number },
  grants: ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store' | 'delivery'>,
): Promise<PreparedBatch> {
  // Only `add` rows are reconciled by their total; top_up and reset read the balance anyway.
  const reconciled = deps.delivery.reconcile
    ? grants.filter((g) => (g.mode ?? 'add') === 'add')
    : [];
  const batch: PreparedBatch =
    reconciled.length > 0 ? await readTotalsBefore(reconciled, deps) : { send: [], settled: [] };
  for (const g of grants) if (!reconciled.includes(g)) batch.send.push({ ...g, totalBefore: null });
  if (batch.send.length === 0) return batch;
  const marked = await deps.store.markSending(
    strategy,
    batch.send.map((g) => ({ id: g.id, totalBefore: g.totalBefore ?? null })),
  );
  // The mark is guarded by the strategy's version: fewer rows marked means it changed.
  if (marked < batch.send.length) return { send: [], settled: batch.settled, refused: batch.send };
  return batch;
}
