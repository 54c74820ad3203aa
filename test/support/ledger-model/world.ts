// Everything the ledger model's replicas share: the database (its clock, the lease, the ledger),
// the simulated gateway with its delta log, and the checker, which reads only the log and the
// ledger: at most one delta applied per idempotency key, an `applied` row has exactly one, no
// write by a process whose lease ended changed anything, and once everything has settled every
// grant is `applied` or `unknown` (never silently lost).
import { idempotencyKey } from '../../../src/core/model/ledger-entry.ts';
import { withDefaults, type Strategy } from '../../../src/core/model/strategy.ts';
import type { LeaseStore } from '../../../src/core/ports/lease-store.ts';
import type { CoreLogger } from '../../../src/core/ports/runtime-services.ts';
import type { ScanStore } from '../../../src/core/ports/scan-store.ts';
import { leaseRenewalIntervalMs } from '../../../src/core/scan/lease-timing.ts';
import type { DeliveryOptions } from '../../../src/core/scan/run-deps.ts';
import { DatabaseClock, MemoryLeases } from '../memory-lease.ts';
import { MemoryLedger } from '../memory-ledger.ts';
import { SimulatedGateway, type Lateness } from '../simulated-gateway.ts';
import { Replica } from './replica.ts';
import { watchedLeases, watchedStore, type Watch } from './watched-store.ts';

export const silent: CoreLogger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

export interface ModelConfig {
  honoursIdempotency: boolean;
  reconcile: boolean;
  lateness: Lateness;
  /** AIGATEWAY_SETTLE_AFTER_MS: shorter than the lease, or longer. */
  settleMs: number;
  /** One per replica: its clocks' offsets from the database's. */
  offsets: { monotonic: number; wall: number }[];
}

export const LEASE_MS = 3000;

export class World {
  readonly clock = new DatabaseClock();
  readonly leases = new MemoryLeases(this.clock);
  readonly ledger = new MemoryLedger(this.leases);
  readonly gateway: SimulatedGateway;
  readonly leaseMs = LEASE_MS;
  readonly maxAttempts = 1000;
  readonly users = ['u1', 'u2', 'u3'];
  readonly occurrence = 'once';
  readonly strategy: Strategy = {
    ...withDefaults(
      { name: 'model', title: 'model', type: 'single', amount: 5, condition: 'true' },
      'UTC',
    ),
    ...{ id: 1, version: 1, enabled: true, createdAt: new Date(0), updatedAt: new Date(0) },
  };
  readonly delivery: DeliveryOptions;
  readonly watch: Watch = { latencyMs: 0, account: null, violations: [] };
  readonly leaseStore: LeaseStore = watchedLeases(this.leases, this.watch);
  readonly deps: { store: ScanStore; logger: CoreLogger; delivery: DeliveryOptions };
  readonly replicas: Replica[];
  /** The steps taken so far, for the report of a failing run. */
  readonly history: string[] = [];

  constructor(readonly config: ModelConfig) {
    this.gateway = new SimulatedGateway(this.clock, {
      honoursIdempotency: config.honoursIdempotency,
      settleMs: config.settleMs,
      lateness: config.lateness,
    });
    this.delivery = {
      concurrency: 2,
      honoursIdempotency: config.honoursIdempotency,
      reconcile: config.reconcile,
      balance: 'total_minus_used',
      uncertainSettleAfterMs: config.settleMs,
    };
    this.ledger.strategies.set(this.strategy.id, { version: 1, enabled: true });
    const store = watchedStore(this.leaseStore, this.ledger, () => this.clock.now(), this.watch);
    this.deps = { store, logger: silent, delivery: this.delivery };
    this.replicas = config.offsets.map((offsets, i) => new Replica(this, `r${i}`, offsets));
  }

  set latencyMs(ms: number) {
    this.watch.latencyMs = ms;
  }

  /**
   * The database's clock moves on by `ms`; each running replica's renewal timer fires on its
   * interval meanwhile, unless the replica is stalled (stopped, paused, swapping).
   */
  async pass(ms: number, stalled: (index: number) => boolean): Promise<void> {
    const every = leaseRenewalIntervalMs(this.leaseMs);
    for (let left = ms; left > 0; left -= every) {
      this.clock.advance(Math.min(left, every));
      for (const [i, replica] of this.replicas.entries())
        if (!stalled(i) && replica.run !== null) await replica.renew(0);
    }
  }

  /** The checker's account: `token` is the current lease and has not expired. */
  leaseHeld(token: number): boolean {
    const account = this.watch.account;
    return account?.token === token && account.expiresAt > this.clock.now();
  }

  keyOf(userId: string): string {
    return idempotencyKey(this.strategy.id, this.occurrence, userId);
  }

  rowOf(userId: string) {
    return this.ledger.findByKey(this.strategy.id, this.occurrence, userId);
  }

  /** The invariants that hold after every step; throws with the whole state when one breaks. */
  check(after: string): void {
    this.gateway.catchUp();
    const problems = [...this.watch.violations];
    for (const userId of this.users) {
      const key = this.keyOf(userId);
      const applied = this.gateway.applied(key);
      if (applied > 1) problems.push(`${key}: ${applied} deltas applied (granted twice)`);
      const row = this.rowOf(userId);
      if (row?.status === 'applied' && applied !== 1)
        problems.push(`${key}: row applied, ${applied} deltas applied`);
    }
    if (problems.length > 0)
      throw new Error(`after ${after}: ${problems.join('; ')}\n${this.describe()}`);
  }

  /** Every claimed grant is `applied` or `unknown`, as `statuses` allows. */
  checkSettled(statuses: readonly string[]): void {
    const lost = this.users.filter((u) => !statuses.includes(this.rowOf(u)?.status ?? 'absent'));
    if (lost.length > 0)
      throw new Error(
        `after settling: ${lost.join(', ')} neither ${statuses.join(' nor ')}\n${this.describe()}`,
      );
  }

  /**
   * An operator's call on an `unknown` grant, made from the gateway's side (its delta log) once
   * no delta of it is still on its way: applied if one landed, else retry.
   */
  resolve(userId: string): void {
    this.gateway.catchUp();
    const row = this.rowOf(userId);
    if (row?.status !== 'unknown' || this.gateway.inFlight(row.idempotencyKey).length > 0) return;
    const landed = this.gateway.applied(row.idempotencyKey) > 0;
    this.ledger.resolve(row.id, landed ? 'applied' : 'retry');
  }

  describe(): string {
    const rows = [...this.ledger.rows.values()].map(
      (r) =>
        `  row ${r.id} ${r.userId} ${r.status} token=${r.leaseToken} attempts=${r.attempts} settleAfter=${r.settleAfter} totalBefore=${r.totalBefore}`,
    );
    const deltas = this.gateway.log.map(
      (d) =>
        `  delta ${d.seq} ${d.key} by ${d.sender} at ${d.sentAt} ${d.state} landBy=${d.landBy} willLand=${d.willLand}`,
    );
    const lease = this.leases.current(this.strategy.id);
    const state = `db now=${this.clock.now()} lease=${JSON.stringify(lease)}`;
    return [`steps: ${this.history.join(', ')}`, state, ...rows, ...deltas].join('\n');
  }
}
