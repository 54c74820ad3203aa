// The step between a run's queue and the gateway: for each small batch (at most 2 × gateway
// concurrency grants), read each user's total first when reconciliation is on, then mark the
// rows `sending` in one compare-and-set statement under the run's lease. A crash can then leave
// in doubt only rows marked here; rows still `pending` were never sent. Other steps that must run
// just before a delta belong here too, each as its own function: the balance gate (a send that
// depends on the balance waits while another delta to its user may land) and, for take-backs
// (lot expiries), the cap to the balance read just before the mark (take-back.ts).
import type { ClaimedEntry, DeliveryOutcome, LedgerFence } from '../model/ledger-entry.ts';
import { gatewayFailureOf } from '../ports/gateway.ts';
import { gateBalanceReads, modeReadsBalance } from './balance-gate.ts';
import { reconcileBasis, usersWithSeveralGrants } from './reconcile-basis.ts';
import type { RunDeps } from './run-deps.ts';
import { readBalance } from './send-grant.ts';
import { takeBackToSend, takesNothing } from './take-back.ts';

/**
 * What a batch sends: `grant`s of a strategy in their mode, or `take_back`s (lot expiries:
 * negative deltas decided earlier, each capped to the balance when it is sent).
 */
export type SendKind = 'grant' | 'take_back';

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
 * Reads each grant's user with `read`, and the user's other grants as the ledger showed them
 * just before and just after the reads (reconcile-basis.ts): a basis per grant. Two grants of
 * one user in the batch are each other's grant in flight: neither gets a basis.
 */
type Reads = { read: ClaimedEntry[]; unread: { grant: ClaimedEntry; error: string }[] };

async function readWithBasis(
  grants: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'logger' | 'store'>,
  read: (grants: readonly ClaimedEntry[]) => Promise<Reads>,
): Promise<Reads> {
  const users = [...new Set(grants.map((g) => g.userId))];
  const ids = grants.map((g) => g.id);
  const before = await deps.store.userLedgerStates(users, ids);
  const result = await read(grants);
  const after = await deps.store.userLedgerStates(users, ids);
  const several = usersWithSeveralGrants(grants);
  const basisOf = (userId: string) =>
    several.has(userId) ? null : reconcileBasis(before.get(userId), after.get(userId));
  return {
    read: result.read.map((g) => ({ ...g, reconcileBasis: basisOf(g.userId) })),
    unread: result.unread,
  };
}

/**
 * Reads each take-back's user's balance (and total) just before the mark, and decides what it
 * sends: the decided amount capped to that balance (take-back.ts). The total is kept for
 * reconciliation, with its basis, when reconciliation is on.
 */
async function readTakeBacks(
  takeBacks: readonly ClaimedEntry[],
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store' | 'delivery'>,
) {
  const { balance: protocol, reconcile } = deps.delivery;
  return readWithBasis(takeBacks, deps, async (grants) => {
    const { read, unread }: Reads = { read: [], unread: [] };
    const readings = await Promise.allSettled(
      grants.map((g) => readBalance(deps.gateway, g.userId, protocol)),
    );
    readings.forEach((reading, index) => {
      const grant = grants[index]!;
      if (reading.status === 'rejected') {
        const error = gatewayFailureOf(reading.reason).message;
        deps.logger.warn('balance not read before taking back; not sent', {
          strategy_id: grant.strategyId,
          user_id: grant.userId,
          error,
        });
        unread.push({ grant: { ...grant, totalBefore: null }, error });
        return;
      }
      const { balance, used } = reading.value;
      // What only admin calls move: the total (total − used = balance), or the single counter.
      const total =
        protocol === 'quota' ? balance : (Math.round(balance * 100) + Math.round(used * 100)) / 100;
      read.push({
        ...grant,
        totalBefore: reconcile ? total : null,
        balanceBefore: balance,
        deltaSent: takeBackToSend(grant, balance),
      });
    });
    return { read, unread };
  });
}

/**
 * The grants of a batch to send, read as their kind needs: take-backs capped to the balance,
 * `add` grants with their total when reconciliation is on (top_up and reset read the balance
 * when they send anyway); and those whose read failed (not to be sent).
 */
async function readBeforeMark(
  grants: readonly ClaimedEntry[],
  kind: SendKind,
  deps: Pick<RunDeps, 'gateway' | 'logger' | 'store' | 'delivery'>,
): Promise<Reads> {
  if (kind === 'take_back') {
    const nothing = grants.filter(takesNothing).map((g) => ({ ...g, deltaSent: 0 }));
    const taking = grants.filter((g) => !takesNothing(g));
    const { read, unread } =
      taking.length > 0 ? await readTakeBacks(taking, deps) : { read: [], unread: [] };
    return { read: [...nothing, ...read], unread };
  }
  const isReconciled = (g: ClaimedEntry) => deps.delivery.reconcile && (g.mode ?? 'add') === 'add';
  const reconciled = grants.filter(isReconciled);
  const { read, unread } =
    reconciled.length > 0
      ? await readWithBasis(reconciled, deps, (g) => readTotalsBefore(g, deps))
      : { read: [], unread: [] };
  const others = grants.filter((g) => !isReconciled(g)).map((g) => ({ ...g, totalBefore: null }));
  return { read: [...read, ...others], unread };
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
  kind: SendKind = 'grant',
): Promise<PreparedBatch> {
  // Every take-back with something to take depends on the balance it is capped by.
  const dependsOnBalance =
    kind === 'take_back' ? (g: ClaimedEntry) => !takesNothing(g) : modeReadsBalance;
  const { send: grants, waiting } = await gateBalanceReads(batch, deps.store, dependsOnBalance);
  if (waiting.length > 0)
    deps.logger.info('balance-reading sends wait: an earlier delta to their user may still land', {
      strategy_id: strategy.id,
      waiting: waiting.length,
    });
  const { read: send, unread } = await readBeforeMark(grants, kind, deps);
  const marking = [...send, ...unread.map((u) => u.grant)];
  const marked = await deps.store.markSending(
    fence,
    strategy.version,
    marking.map((g) => ({
      id: g.id,
      totalBefore: g.totalBefore ?? null,
      reconcileBasis: g.reconcileBasis ?? null,
      ...(kind === 'take_back'
        ? { balanceBefore: g.balanceBefore ?? null, deltaSent: g.deltaSent ?? null }
        : {}),
      expectedStatus: g.status ?? 'pending',
      expectedToken: g.leaseToken ?? null,
    })),
  );
  if (marked < marking.length) return { send: [], settled: [], waiting, refused: marking };
  const settled: DeliveryOutcome[] = unread.map(({ grant, error }) => ({
    id: grant.id,
    status: 'failed',
    lastError:
      `not sent: the user's ${kind === 'take_back' ? 'balance' : 'total'} could not be read first (${error})`.slice(
        0,
        500,
      ),
    // The read was a request: counted, so a total that never reads bounds the retries too.
    attempts: 1,
  }));
  return { send, settled, waiting };
}
