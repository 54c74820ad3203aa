// The step between a run's queue and the gateway: for each small batch (at most 2 × gateway
// concurrency grants), read each user's total first when reconciliation is on, then mark the
// rows `sending` in one compare-and-set statement under the run's lease. A crash can then leave
// in doubt only rows marked here; rows still `pending` were never sent. Other steps that must run
// just before a delta (a mode reading the balance) belong here too, each as its own function.
import type { ClaimedEntry, DeliveryOutcome, LedgerFence } from '../model/ledger-entry.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import { gateBalanceReads } from './balance-gate.ts';
import { reconcileBasis, usersWithSeveralGrants } from './reconcile-basis.ts';
import type { RunDeps } from './run-deps.ts';

export interface PreparedBatch {
  send: ClaimedEntry[];
  settled: DeliveryOutcome[];
  /** Left as they are, unmarked, for a later run (balance-gate.ts): not sent, not taken back. */
  waiting?: ClaimedEntry[];
  /**
   * Not sent because the mark changed fewer rows than asked: the strategy changed since the run
   * read it, the lease was lost, or a row moved under the run. The run must stop.
   */
  refused?: ClaimedEntry[];
}

/**
 * Reads every user's total before sending: the grants whose total was read (with it), and
 * those whose total could not be read (not to be sent).
 */
export async function readTotalsBefore(
  grants: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger'>,
): Promise<{ read: ClaimedEntry[]; unread: { grant: ClaimedEntry; error: string }[] }> {
  const read: ClaimedEntry[] = [];
  const unread: { grant: ClaimedEntry; error: string }[] = [];
  // The gateway client's limiter bounds these reads like every other call.
  const totals = await Promise.allSettled(grants.map((g) => deps.gateway.getQuota(g.userId)));
  totals.forEach((total, index) => {
    const grant = grants[index]!;
    if (total.status === 'fulfilled') {
      read.push({ ...grant, totalBefore: total.value });
      return;
    }
    const error = gatewayFailureOf(total.reason).message;
    deps.logger.warn('total not read before sending; grant not sent', {
      strategy_id: grant.strategyId,
      user_id: grant.userId,
      error,
    });
    unread.push({ grant: { ...grant, totalBefore: null }, error });
  });
  return { read, unread };
}

/**
 * The totals read before sending, each with its basis (reconcile-basis.ts): the user's other
 * grants as the ledger showed them just before and just after the reads. Two grants of one user
 * in the batch are each other's grant in flight: neither gets a basis.
 */
async function readTotalsWithBasis(
  grants: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store'>,
): Promise<Awaited<ReturnType<typeof readTotalsBefore>>> {
  const users = [...new Set(grants.map((g) => g.userId))];
  const ids = grants.map((g) => g.id);
  const before = await deps.store.userLedgerStates(users, ids);
  const totals = await readTotalsBefore(grants, deps);
  const after = await deps.store.userLedgerStates(users, ids);
  const several = usersWithSeveralGrants(grants);
  const basisOf = (userId: string) =>
    several.has(userId) ? null : reconcileBasis(before.get(userId), after.get(userId));
  return {
    read: totals.read.map((g) => ({ ...g, reconcileBasis: basisOf(g.userId) })),
    unread: totals.unread,
  };
}

/**
 * The prepareSend step of a run's delivery pipeline. Grants whose total could not be read are
 * marked with the others and recorded `failed` at once without a call (a certain failure, which
 * the compare-and-set lets only the marker record): the run's counts and the ledger say so.
 */
export async function prepareSend(
  strategy: { id: number; version: number | null },
  fence: LedgerFence,
  batch: ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store' | 'delivery'>,
): Promise<PreparedBatch> {
  const { send: grants, waiting } = await gateBalanceReads(batch, deps.store);
  if (waiting.length > 0)
    deps.logger.info('balance-reading sends wait: an earlier delta to their user may still land', {
      strategy_id: strategy.id,
      waiting: waiting.length,
    });
  // Only `add` rows are reconciled by their total; top_up and reset read the balance anyway.
  const isReconciled = (g: ClaimedEntry) => deps.delivery.reconcile && (g.mode ?? 'add') === 'add';
  const reconciled = grants.filter(isReconciled);
  const { read, unread } =
    reconciled.length > 0 ? await readTotalsWithBasis(reconciled, deps) : { read: [], unread: [] };
  const send = [
    ...read,
    ...grants.filter((g) => !isReconciled(g)).map((g) => ({ ...g, totalBefore: null })),
  ];
  const marking = [...send, ...unread.map((u) => u.grant)];
  const marked = await deps.store.markSending(
    fence,
    strategy.version,
    marking.map((g) => ({
      id: g.id,
      totalBefore: g.totalBefore ?? null,
      reconcileBasis: g.reconcileBasis ?? null,
      expectedStatus: g.status ?? 'pending',
      expectedToken: g.leaseToken ?? null,
    })),
  );
  if (marked < marking.length) return { send: [], settled: [], waiting, refused: marking };
  const settled: DeliveryOutcome[] = unread.map(({ grant, error }) => ({
    id: grant.id,
    status: 'failed',
    lastError: `not sent: the user's total could not be read first (${error})`.slice(0, 500),
    // The read was a request: counted, so a total that never reads bounds the retries too.
    attempts: 1,
  }));
  return { send, settled, waiting };
}
