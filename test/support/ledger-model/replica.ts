// One replica of the daemon in the ledger model: a run of the strategy cut into the steps another
// replica can interleave with. Each step calls the real core code a run calls (RunLease,
// prepareSend, deliverEntry, RunLedger, planDoubts, settleAdopted) against the in-memory stores
// and the simulated gateway; only the order of steps is the test's, so it can reach orders a
// real run's scheduling makes rare (a stall between any two of them).
import type { ProcessClocks } from '../../../src/core/clock.ts';
import type { ClaimedEntry, DeliveryOutcome } from '../../../src/core/model/ledger-entry.ts';
import { deliverEntry } from '../../../src/core/scan/deliver-entry.ts';
import { prepareSend } from '../../../src/core/scan/prepare-send.ts';
import { RunLease } from '../../../src/core/scan/run-lease.ts';
import { RunLedger } from '../../../src/core/scan/run-ledger.ts';
import { newEntries } from '../../../src/core/scan/run-steps.ts';
import { planDoubts, settleAdopted } from '../../../src/core/scan/settle-doubts.ts';
import type { GatewayHandle } from '../simulated-gateway.ts';
import { silent, type World } from './world.ts';

interface Call {
  seq: number;
  id: number;
  outcome: Promise<DeliveryOutcome>;
}

interface Run {
  lease: RunLease;
  ledger: RunLedger;
  /** The lease's renewal, as RunLease scheduled it (null once it stopped renewing). */
  renewal: { renew: (() => Promise<void>) | null };
  /** Claimed or found, not marked yet. */
  queue: ClaimedEntry[];
  /** Marked `sending`, not sent yet. */
  ready: ClaimedEntry[];
  /** Taken by this run and never sent (a refused mark): given back when the run ends. */
  unsent: ClaimedEntry[];
  calls: Call[];
  /** Answered, not recorded yet. */
  outcomes: DeliveryOutcome[];
  /** How far `next` got through the run's passes (settle, retry, claim, end). */
  pass: number;
}

export class Replica {
  run: Run | null = null;
  private incarnation = 0;
  private gateway: GatewayHandle;
  private readonly clocks: ProcessClocks;

  constructor(
    private readonly world: World,
    readonly name: string,
    /** Where this process's clocks stand against the database's: offsets, never rates. */
    offsets: { monotonic: number; wall: number },
  ) {
    this.clocks = {
      read: () => ({
        monotonicMs: world.clock.now() + offsets.monotonic,
        wallMs: world.clock.now() + offsets.wall,
      }),
    };
    this.gateway = world.gateway.handle(this.holder(), this.clocks);
  }

  holder(): string {
    return `${this.name}#${this.incarnation}`;
  }

  async acquire(latencyMs: number): Promise<void> {
    const world = this.world;
    const renewal: { renew: (() => Promise<void>) | null } = { renew: null };
    world.latencyMs = latencyMs;
    const lease = await RunLease.acquire(world.strategy.id, {
      store: world.leaseStore,
      logger: silent,
      holder: this.holder(),
      leaseMs: world.leaseMs,
      clocks: this.clocks,
      renewals: (_everyMs, renew) => {
        renewal.renew = renew;
        return () => (renewal.renew = null);
      },
    });
    if (lease === null) return;
    const counts = { matched: 0, granted: 0, skipped: 0, failed: 0 };
    const ledger = new RunLedger(() => lease, world.strategy.version, world.deps, counts);
    this.run = {
      lease,
      ledger,
      renewal,
      queue: [],
      ready: [],
      unsent: [],
      calls: [],
      outcomes: [],
      pass: 0,
    };
  }

  async renew(latencyMs: number): Promise<void> {
    this.world.latencyMs = latencyMs;
    await this.run?.renewal.renew?.();
  }

  async claim(userId: string): Promise<void> {
    const run = this.run!;
    const rows = newEntries(this.world.strategy, [userId], this.world.occurrence, false);
    run.queue.push(...(await this.world.deps.store.claimEntries(rows, run.lease.fence)));
  }

  /** The pending and failed passes of settleEarlierEntries: rows to send again. */
  async retry(): Promise<void> {
    const run = this.run!;
    const store = this.world.deps.store;
    const found = [
      ...(await store.findEntries(this.world.strategy.id, ['pending'], { limit: 100 })),
      ...(await store.findEntries(this.world.strategy.id, ['failed'], {
        limit: 100,
        maxAttempts: this.world.maxAttempts,
      })),
    ];
    run.queue.push(...found.filter((e) => !this.holds(e.id)));
  }

  /**
   * settleUncertain of run-strategy.ts, step by step. A run meets only rows earlier holders
   * left: it settles before it marks anything, so rows under its own token are not its doubts.
   */
  async settle(): Promise<void> {
    const run = this.run!;
    const found = (
      await this.world.deps.store.findEntries(this.world.strategy.id, ['sending'], { limit: 100 })
    ).filter((e) => e.leaseToken !== run.lease.fence.token && !this.holds(e.id));
    const plan = planDoubts(found, this.world.delivery, run.lease.databaseNow().atLeast);
    await run.ledger.defer(plan.unstamped);
    run.queue.push(...plan.resend);
    for (const [entries, how] of [
      [plan.reconcile, 'reconcile'],
      [plan.unknown, 'unknown'],
    ] as const) {
      if (entries.length === 0 || !(await run.ledger.adopt(entries))) continue;
      await run.ledger.record(
        await settleAdopted(entries, how, this.gateway.api, this.world.deps.store),
      );
    }
  }

  /** prepareSend on the first `count` queued grants; a refused batch is never sent. */
  async mark(count: number): Promise<void> {
    const run = this.run!;
    const batch = run.queue.splice(0, count);
    const { strategy, deps } = this.world;
    const deliveryDeps = { ...deps, gateway: this.gateway.api };
    const prepared = await prepareSend(strategy, run.lease.fence, batch, deliveryDeps);
    run.ready.push(...prepared.send);
    run.unsent.push(...(prepared.refused ?? []));
  }

  /** deliverEntry on the first marked grant, under the lease's deadline as it stands now. */
  async send(willLand: boolean): Promise<void> {
    const run = this.run!;
    const entry = run.ready.shift()!;
    this.gateway.willLand = willLand;
    let sent: (seq: number) => void = () => undefined;
    const left = new Promise<number>((resolve) => (sent = resolve));
    this.gateway.onSend = sent;
    const outcome = deliverEntry(
      entry,
      this.gateway.api,
      this.world.delivery,
      silent,
      run.lease.sendDeadline(),
    );
    const first = await Promise.race([left, outcome]);
    if (typeof first === 'number') {
      run.calls.push({ seq: first, id: entry.id, outcome });
      // Rule 2: the deadline ends a run's sends before its lease ends on the database.
      if (!this.world.leaseHeld(run.lease.fence.token))
        this.world.watch.violations.push(`${this.holder()} sent a delta after its lease ended`);
    } else run.outcomes.push(first);
  }

  async answer(lost: boolean): Promise<void> {
    const run = this.run!;
    const call = run.calls.shift()!;
    this.world.gateway.answer(call.seq, lost);
    run.outcomes.push(await call.outcome);
  }

  async record(): Promise<void> {
    const run = this.run!;
    await run.ledger.record(run.outcomes.splice(0));
  }

  /** windDown and release: unsent grants go back while the lease holds, then the lease. */
  async end(): Promise<void> {
    const run = this.run!;
    const unsent = [...run.unsent, ...run.queue, ...run.ready];
    if (unsent.length > 0 && !run.lease.lost())
      await this.world.deps.store.releaseClaims(
        run.lease.fence,
        unsent.map((e) => e.id),
      );
    await run.lease.release();
    this.run = null;
  }

  /** kill -9: nothing is recorded or released; calls in flight go on without a listener. */
  crash(): void {
    const run = this.run;
    if (run === null) return;
    run.lease.stopRenewing();
    for (const call of run.calls) this.world.gateway.abandon(call.seq);
    this.run = null;
    this.incarnation++;
    this.gateway = this.world.gateway.handle(this.holder(), this.clocks);
  }

  /**
   * The step a run would take next, in a run's order: record what was answered, hear the
   * oldest call, send what is marked, mark what is queued, else its next pass. Says which.
   */
  async next(choice: { lost: boolean; lands: boolean; latencyMs: number }): Promise<string> {
    const run = this.run;
    if (run === null) return this.acquire(choice.latencyMs).then(() => 'acquire');
    if (run.outcomes.length > 0) return this.record().then(() => 'record');
    if (run.calls.length > 0) return this.answer(choice.lost).then(() => 'answer');
    if (run.ready.length > 0) return this.send(choice.lands).then(() => 'send');
    if (run.queue.length > 0) return this.mark(2).then(() => 'mark');
    const pass = run.pass++;
    if (pass === 0) return this.settle().then(() => 'settle');
    if (pass === 1) return this.retry().then(() => 'retry');
    if (pass === 2) {
      for (const userId of this.world.users) await this.claim(userId);
      return 'claim';
    }
    return this.end().then(() => 'end');
  }

  /** Whether this run has the row in hand (queued, marked, in flight or answered). */
  private holds(id: number): boolean {
    const run = this.run!;
    return [...run.queue, ...run.ready, ...run.unsent, ...run.calls, ...run.outcomes].some(
      (e) => e.id === id,
    );
  }
}
