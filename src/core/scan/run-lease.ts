// The lease one run holds on its strategy: its fencing token, the deadline before which it may
// still send, renewals in the background, and what the database's clock reads now.
//
// The deadline is what fences a process that was stopped (SIGSTOP, a paused VM, swapping): it
// is counted on this process's own clocks from the moment the last successful renewal was
// *sent* (the database set the expiry later than that), less a margin. A process that wakes up
// past it sends nothing more, even before any renewal tells it the lease is gone, because by
// then another replica may hold the lease and be settling its rows.
import {
  deadlinePassed,
  systemProcessClocks,
  type Deadline,
  type ProcessClocks,
} from '../clock.ts';
import type { LedgerFence } from '../model/ledger-entry.ts';
import type { LeaseStore } from '../ports/lease-store.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import { leaseRenewalIntervalMs } from './lease-timing.ts';

/** Time kept back from the lease's lifetime for the gap between a deadline check and a send. */
export function leaseMarginMs(leaseMs: number): number {
  return Math.max(100, Math.floor(leaseMs / 20));
}

type Reading = Deadline;

/** Calls `renew` every `everyMs` until the returned function is called. */
export type RenewalSchedule = (everyMs: number, renew: () => Promise<void>) => () => void;

const onTimer: RenewalSchedule = (everyMs, renew) => {
  const timer = setInterval(() => void renew(), everyMs);
  timer.unref();
  return () => clearInterval(timer);
};

export interface RunLeaseDeps {
  store: LeaseStore;
  logger: CoreLogger;
  holder: string;
  leaseMs: number;
  /** This process's clocks (absent: the system's); a model test moves them by hand. */
  clocks?: ProcessClocks;
  /** When renewals run (absent: a timer); a model test runs them as steps of its own. */
  renewals?: RenewalSchedule;
}

const read = (deps: RunLeaseDeps): Reading => (deps.clocks ?? systemProcessClocks).read();

export class RunLease {
  private lostFlag = false;
  private lostLogged = false;
  private stopTimer: (() => void) | undefined;
  /** When the last successful renewal (or the acquisition) was sent. */
  private renewedFrom: Reading;

  private constructor(
    readonly fence: LedgerFence,
    /** The database's clock when the lease was taken: no earlier holder sends after it. */
    readonly acquiredAtDatabaseMs: number,
    private readonly sentAt: Reading,
    private readonly answeredAt: Reading,
    private readonly deps: RunLeaseDeps,
  ) {
    this.renewedFrom = sentAt;
  }

  /** Takes the strategy's lease and starts renewing it; null when another process holds it. */
  static async acquire(strategyId: number, deps: RunLeaseDeps): Promise<RunLease | null> {
    const sent = read(deps);
    const grant = await deps.store.acquireLease(strategyId, deps.holder, deps.leaseMs);
    if (grant === null) return null;
    const lease = new RunLease(
      { strategyId, token: grant.token },
      grant.databaseNowMs,
      sent,
      read(deps),
      deps,
    );
    lease.keepRenewing();
    return lease;
  }

  /** The moment after which this run sends nothing (checked again before every attempt). */
  sendDeadline(): Deadline {
    const keep = this.deps.leaseMs - leaseMarginMs(this.deps.leaseMs);
    return {
      monotonicMs: this.renewedFrom.monotonicMs + keep,
      wallMs: this.renewedFrom.wallMs + keep,
    };
  }

  /** Lost (a renewal said so, or failed) or past its deadline: claim and send nothing more. */
  lost(): boolean {
    if (!this.lostFlag && deadlinePassed(this.sendDeadline(), this.deps.clocks))
      this.markLost('deadline passed');
    return this.lostFlag;
  }

  /**
   * Bounds on the database's clock now, from the acquisition's answer and the time elapsed
   * since on this process's clocks: `atLeast` to decide that a settle time has passed, `atMost`
   * to stamp one that must not come too early.
   */
  databaseNow(): { atLeast: number; atMost: number } {
    const now = read(this.deps);
    const since = (from: Reading) => ({
      monotonic: now.monotonicMs - from.monotonicMs,
      wall: now.wallMs - from.wallMs,
    });
    const answered = since(this.answeredAt);
    const sent = since(this.sentAt);
    return {
      atLeast: this.acquiredAtDatabaseMs + Math.max(0, Math.min(answered.monotonic, answered.wall)),
      atMost: this.acquiredAtDatabaseMs + Math.max(sent.monotonic, sent.wall),
    };
  }

  /** Stops renewing and gives the lease back (if it still holds it). */
  async release(): Promise<void> {
    this.stopRenewing();
    await this.deps.store.releaseLease(this.fence.strategyId, this.fence.token);
  }

  stopRenewing(): void {
    this.stopTimer?.();
    this.stopTimer = undefined;
  }

  private keepRenewing(): void {
    const schedule = this.deps.renewals ?? onTimer;
    this.stopTimer = schedule(leaseRenewalIntervalMs(this.deps.leaseMs), () => this.renew());
  }

  private async renew(): Promise<void> {
    if (this.lostFlag) return;
    const sent = read(this.deps);
    try {
      const { strategyId, token } = this.fence;
      if (await this.deps.store.renewLease(strategyId, token, this.deps.leaseMs)) {
        if (sent.monotonicMs > this.renewedFrom.monotonicMs) this.renewedFrom = sent;
      } else {
        this.markLost('renewal found the lease taken or expired');
      }
    } catch (error) {
      this.markLost(`renewal failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private markLost(why: string): void {
    this.lostFlag = true;
    this.stopRenewing();
    if (this.lostLogged) return;
    this.lostLogged = true;
    this.deps.logger.error('scan lease lost: this run claims, sends and records nothing more', {
      strategy_id: this.fence.strategyId,
      lease_token: this.fence.token,
      why,
    });
  }
}
