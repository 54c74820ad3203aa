// The events a run's recorded outcomes are: grant.unknown for every grant whose outcome a
// person must settle, grant.applied per user only while an endpoint subscribes to it (one
// occurrence can make 200 000; nobody pays for them unasked). The entries sent are remembered
// from claim to outcome (at most the pipeline's pages in flight), since an outcome names only
// its row. Also the per-occurrence tallies occurrence.completed reports.
import { domainEvent, type DomainEvent } from '../model/domain-event.ts';
import type { ClaimedEntry, DeliveryOutcome } from '../model/ledger-entry.ts';
import type { RunDeps } from './run-deps.ts';

export interface GrantTally {
  granted: number;
  grantedCents: number;
  failed: number;
  unknown: number;
}

export const emptyTally = (): GrantTally => ({
  granted: 0,
  grantedCents: 0,
  failed: 0,
  unknown: 0,
});

export class GrantEvents {
  private readonly sent = new Map<number, ClaimedEntry>();
  /** Since the run began; an occurrence's share is the difference across it. */
  readonly totals = emptyTally();

  constructor(private readonly deps: Pick<RunDeps, 'events'> & Partial<Pick<RunDeps, 'clock'>>) {}

  remember(entries: readonly ClaimedEntry[]): void {
    for (const entry of entries) this.sent.set(entry.id, entry);
  }

  /** The events of these outcomes, to be written with them. */
  of(outcomes: readonly DeliveryOutcome[]): DomainEvent[] {
    const recorder = this.deps.events;
    if (recorder === undefined) return [];
    const applied = recorder.wanted('grant.applied');
    const at = this.deps.clock?.now() ?? new Date();
    const events: DomainEvent[] = [];
    for (const outcome of outcomes) {
      const entry = this.sent.get(outcome.id);
      if (entry === undefined) continue;
      if (outcome.status === 'unknown')
        events.push(
          domainEvent('grant.unknown', at, { ...grantData(entry), last_error: outcome.lastError }),
        );
      else if (outcome.status === 'applied' && applied)
        events.push(
          domainEvent('grant.applied', at, {
            ...grantData(entry),
            delta_sent: outcome.deltaSent ?? entry.amount,
          }),
        );
    }
    return events;
  }

  tally(outcomes: readonly DeliveryOutcome[]): void {
    for (const outcome of outcomes) {
      const entry = this.sent.get(outcome.id);
      if (outcome.status === 'applied') {
        this.totals.granted++;
        this.totals.grantedCents += Math.round((outcome.deltaSent ?? entry?.amount ?? 0) * 100);
      } else if (outcome.status === 'unknown') this.totals.unknown++;
      else if (outcome.status === 'failed') this.totals.failed++;
      // A doubt (`sending`) is settled by a later run; until then the row stays remembered.
      if (outcome.status !== 'sending') this.sent.delete(outcome.id);
    }
  }
}

function grantData(entry: ClaimedEntry) {
  return {
    grant_id: entry.id,
    strategy_id: entry.strategyId,
    occurrence: entry.occurrence,
    user_id: entry.userId,
    amount: entry.amount,
  };
}
