// Decorators that tell the loop-stall monitor which scan phase is running: every call into the
// scan's store or the gateway first enters its phase (loop-stalls.ts). The core stays unaware
// of it; the composition root wraps the ports it hands to the scanner.
import type { ScanStore } from '../core/ports/scan-store.ts';
import type { QuotaGateway } from '../gateway/index.ts';
import type { LoopStallMonitor, ScanPhase } from './loop-stalls.ts';

/** Every ScanStore method and the phase its statements belong to (exhaustive by type). */
const STORE_PHASES: Record<keyof ScanStore, ScanPhase> = {
  listEnabledStrategies: 'strategy_check',
  currentStrategy: 'strategy_check',
  acquireLease: 'lease',
  renewLease: 'lease',
  releaseLease: 'lease',
  findCandidates: 'candidates',
  countCountedEntries: 'candidates',
  claimEntries: 'claim',
  releaseClaims: 'claim',
  markSending: 'delivery',
  usersWithDeltasInFlight: 'delivery',
  recordOutcomes: 'outcome_write',
  deferSettlement: 'reconcile',
  userLedgerStates: 'reconcile',
  findEntries: 'reconcile',
  hasRowsToSettle: 'reconcile',
  occurrenceEntryTotals: 'budget_check',
  occurrenceState: 'budget_check',
  markOccurrenceHeld: 'budget_check',
  releaseHold: 'budget_check',
  approveOccurrence: 'budget_check',
  heldOccurrences: 'budget_check',
  closeHolds: 'budget_check',
  dismissOccurrence: 'budget_check',
  isOccurrenceDone: 'occurrence_bookkeeping',
  markOccurrenceOpen: 'occurrence_bookkeeping',
  markOccurrenceDone: 'occurrence_bookkeeping',
  latestRecordedOccurrence: 'occurrence_bookkeeping',
  countUnsettled: 'occurrence_bookkeeping',
  changeSequence: 'change_position',
  scanPosition: 'change_position',
  saveScanPosition: 'change_position',
  findEntry: 'api',
  closedHolds: 'api',
};

export function phaseTrackedStore(store: ScanStore, monitor: LoopStallMonitor): ScanStore {
  const tracked = {} as Record<string, unknown>;
  for (const [method, phase] of Object.entries(STORE_PHASES)) {
    const call = (store as unknown as Record<string, (...args: unknown[]) => unknown>)[method]!;
    tracked[method] = (...args: unknown[]) => {
      monitor.enter(phase);
      return call.apply(store, args);
    };
  }
  return tracked as unknown as ScanStore;
}

/** Gateway calls are the delivery phase (reads of a total before a delta included). */
export function phaseTrackedGateway(
  gateway: QuotaGateway,
  monitor: LoopStallMonitor,
): QuotaGateway {
  const enter = <T>(call: () => Promise<T>): Promise<T> => {
    monitor.enterWithoutStatements('delivery');
    return call();
  };
  return {
    getQuota: (userId, o) => enter(() => gateway.getQuota(userId, o)),
    deltaQuota: (userId, value, opts) => enter(() => gateway.deltaQuota(userId, value, opts)),
    refreshQuota: (userId, quota, opts) => enter(() => gateway.refreshQuota(userId, quota, opts)),
    getUsed: (userId, o) => enter(() => gateway.getUsed(userId, o)),
    ping: () => gateway.ping(),
  };
}
