// The step between a run's queue and the gateway: for each small batch (at most 2 × gateway
// concurrency grants), read each user's total first when reconciliation is on, then mark the
// rows `sending` in one compare-and-set statement under the run's lease. A crash can then leave
// in doubt only rows marked here; rows still `pending` were never sent. Other steps that must run
// just before a delta (a mode reading the balance) belong here too, each as its own function.
import type { ClaimedEntry, DeliveryOutcome, LedgerFence } from '../model/ledger-entry.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import type { RunDeps } from './run-deps.ts';

export interface PreparedBatch {
  send: ClaimedEntry[];
  settled: DeliveryOutcome[];
  /**
   * Not sent because the mark changed fewer rows than asked: the strategy changed since the run
   * read it, the lease was lost, or a row moved under the run. The run must stop.
   */
  refused?: ClaimedEntry[];
}

/**
 * Reads every user's total before sending. A grant whose total cannot be read is not sent and
 * not marked: it stays as it was (pending, or failed) for a later run.
 */
export async function readTotalsBefore(
  grants: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger'>,
): Promise<ClaimedEntry[]> {
  const send: ClaimedEntry[] = [];
  // The gateway client's limiter bounds these reads like every other call.
  const totals = await Promise.allSettled(grants.map((g) => deps.gateway.getQuota(g.userId)));
  totals.forEach((total, index) => {
    const grant = grants[index]!;
    if (total.status === 'fulfilled') {
      send.push({ ...grant, totalBefore: total.value });
      return;
    }
    deps.logger.warn('total not read before sending; grant not sent (a later run sends it)', {
      strategy_id: grant.strategyId,
      user_id: grant.userId,
      error: gatewayFailureOf(total.reason).message,
    });
  });
  return send;
}

/** The prepareSend step of a run's delivery pipeline. */
export async function prepareSend(
  strategy: { id: number; version: number },
  fence: LedgerFence,
  grants: ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store' | 'delivery'>,
): Promise<PreparedBatch> {
  // Only `add` rows are reconciled by their total; top_up and reset read the balance anyway.
  const isReconciled = (g: ClaimedEntry) => deps.delivery.reconcile && (g.mode ?? 'add') === 'add';
  const reconciled = grants.filter(isReconciled);
  const send = [
    ...(reconciled.length > 0 ? await readTotalsBefore(reconciled, deps) : []),
    ...grants.filter((g) => !isReconciled(g)).map((g) => ({ ...g, totalBefore: null })),
  ];
  if (send.length === 0) return { send, settled: [] };
  const marked = await deps.store.markSending(
    fence,
    strategy.version,
    send.map((g) => ({
      id: g.id,
      totalBefore: g.totalBefore ?? null,
      expectedStatus: g.status ?? 'pending',
      expectedToken: g.leaseToken ?? null,
    })),
  );
  if (marked < send.length) return { send: [], settled: [], refused: send };
  return { send, settled: [] };
}
