// The stores as the model's replicas see them, with the checker's eye on every call: the lease
// statements take the latency the test chose (the database runs them after they were sent),
// and every ledger write by a token whose lease had ended must answer 0 and change nothing.
// Whether a lease ended is the checker's own account, kept from what the lease calls answered,
// not the fake's word.
import type { LedgerFence } from '../../../src/core/model/ledger-entry.ts';
import type { LeaseStore } from '../../../src/core/ports/lease-store.ts';
import type { ScanStore } from '../../../src/core/ports/scan-store.ts';
import type { MemoryLeases } from '../memory-lease.ts';
import type { MemoryLedger } from '../memory-ledger.ts';

/** What the checker believes the lease is: the last token granted and when it ends. */
export interface LeaseAccount {
  token: number;
  expiresAt: number;
}

export interface Watch {
  /**
   * Delay each way of the next lease statement (then back to 0): it runs on the database that
   * long after it was sent, and its answer arrives that long after it ran.
   */
  latencyMs: number;
  account: LeaseAccount | null;
  violations: string[];
}

export function watchedLeases(leases: MemoryLeases, watch: Watch): LeaseStore {
  const clock = leases.clock;
  const arrive = () => clock.advance(watch.latencyMs);
  const answer = <R>(result: R): R => {
    clock.advance(watch.latencyMs);
    watch.latencyMs = 0;
    return result;
  };
  return {
    async acquireLease(strategyId, holder, ttlMs) {
      arrive();
      const grant = await leases.acquireLease(strategyId, holder, ttlMs);
      if (grant !== null) {
        if (watch.account !== null && grant.token <= watch.account.token)
          watch.violations.push(`token ${grant.token} handed out again`);
        if (watch.account !== null && watch.account.expiresAt > clock.now())
          watch.violations.push(`lease of token ${watch.account.token} taken while it held`);
        watch.account = { token: grant.token, expiresAt: clock.now() + ttlMs };
      }
      return answer(grant);
    },
    async renewLease(strategyId, token, ttlMs) {
      arrive();
      const renewed = await leases.renewLease(strategyId, token, ttlMs);
      const account = watch.account;
      const mine = account?.token === token && account.expiresAt > clock.now();
      if (renewed && !mine) watch.violations.push(`token ${token} renewed after its lease ended`);
      if (renewed && account !== null) account.expiresAt = clock.now() + ttlMs;
      return answer(renewed);
    },
    async releaseLease(strategyId, token) {
      arrive();
      await leases.releaseLease(strategyId, token);
      const account = watch.account;
      if (account?.token === token && account.expiresAt > clock.now())
        account.expiresAt = clock.now();
      answer(undefined);
    },
  };
}

const notModelled = (): never => {
  throw new Error('not part of the ledger model');
};

export function watchedStore(
  leases: LeaseStore,
  ledger: MemoryLedger,
  now: () => number,
  watch: Watch,
): ScanStore {
  const snapshot = () => JSON.stringify([...ledger.rows.values()]);
  /** A write by a token whose lease ended: must answer 0 and leave every row as it was. */
  const fenced = async <R>(
    what: string,
    fence: LedgerFence,
    write: () => Promise<R>,
    changed: (result: R) => number,
  ): Promise<R> => {
    const account = watch.account;
    const ended = account?.token !== fence.token || account.expiresAt <= now();
    const before = ended ? snapshot() : '';
    const result = await write();
    if (ended && (changed(result) !== 0 || snapshot() !== before))
      watch.violations.push(`${what} by token ${fence.token} changed rows after its lease ended`);
    return result;
  };
  const count = (n: number) => n;
  return {
    ...leases,
    claimEntries: (rows, fence) =>
      fenced(
        'claim',
        fence,
        () => ledger.claimEntries(rows, fence),
        (r) => r.length,
      ),
    markSending: (fence, version, rows) =>
      fenced('mark', fence, () => ledger.markSending(fence, version, rows), count),
    recordOutcomes: (fence, outcomes) =>
      fenced('record', fence, () => ledger.recordOutcomes(fence, outcomes), count),
    releaseClaims: (fence, ids) =>
      fenced('release', fence, () => ledger.releaseClaims(fence, ids), count),
    deferSettlement: (fence, rows, settleAfter) =>
      fenced('defer', fence, () => ledger.deferSettlement(fence, rows, settleAfter), count),
    findEntries: (...args) => ledger.findEntries(...args),
    userLedgerStates: (...args) => ledger.userLedgerStates(...args),
    usersWithDeltasInFlight: (...args) => ledger.usersWithDeltasInFlight(...args),
    countCountedEntries: (...args) => ledger.countCountedEntries(...args),
    countUnsettled: (...args) => ledger.countUnsettled(...args),
    hasRowsToSettle: (...args) => ledger.hasRowsToSettle(...args),
    listEnabledStrategies: notModelled,
    currentStrategy: notModelled,
    findCandidates: notModelled,
    changeSequence: notModelled,
    scanPosition: notModelled,
    saveScanPosition: notModelled,
    isOccurrenceDone: notModelled,
    markOccurrenceOpen: notModelled,
    markOccurrenceDone: notModelled,
    latestRecordedOccurrence: notModelled,
    occurrenceEntryTotals: notModelled,
    occurrenceState: notModelled,
    markOccurrenceHeld: notModelled,
    releaseHold: notModelled,
    approveOccurrence: notModelled,
    findEntry: notModelled,
    heldOccurrences: notModelled,
    closeHolds: notModelled,
    closedHolds: notModelled,
    dismissOccurrence: notModelled,
  };
}
