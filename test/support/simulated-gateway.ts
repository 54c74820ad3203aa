// The far side of the protocol for the ledger model test: a quota counter per user and a log of
// every delta ever sent, with its idempotency key, who sent it and what became of it. A delta
// may land at once, later (while its call is open or after the answer was lost), or never; the
// test decides, within the protocol's assumption: no delta lands later than the settle time
// after it left (`after_send`, what the orphan stamp of settle-doubts.ts relies on) or, read
// literally as docs/reliability.md words it, after its call ended (`after_call_end`).
import { deadlinePassed, type ProcessClocks } from '../../src/core/clock.ts';
import type { GrantGateway } from '../../src/core/ports/gateway.ts';
import { GatewayError } from '../../src/gateway/index.ts';
import type { DatabaseClock } from './memory-lease.ts';

export type DeltaState = 'in_flight' | 'landed' | 'deduped' | 'dropped';
export type Lateness = 'after_send' | 'after_call_end';

export interface LoggedDelta {
  seq: number;
  key: string;
  userId: string;
  value: number;
  sender: string;
  sentAt: number;
  /** The database time by which it has landed or never will (null: its call is still open). */
  landBy: number | null;
  willLand: boolean;
  state: DeltaState;
  /** Whether the sender's call has ended (answered, timed out, or the sender died). */
  callEnded: boolean;
}

export interface GatewayOptions {
  honoursIdempotency: boolean;
  settleMs: number;
  lateness: Lateness;
}

/** One process's view of the gateway: its clocks fence its sends; the test sets each fate. */
export interface GatewayHandle {
  api: GrantGateway;
  /** Whether the next delta this process sends ever lands. */
  willLand: boolean;
  /** Called with each delta's sequence number as it leaves. */
  onSend: (seq: number) => void;
}

interface OpenCall {
  resolve: () => void;
  reject: (error: GatewayError) => void;
}

export class SimulatedGateway {
  readonly log: LoggedDelta[] = [];
  readonly counters = new Map<string, number>();
  private readonly open = new Map<number, OpenCall>();

  constructor(
    private readonly clock: DatabaseClock,
    readonly options: GatewayOptions,
  ) {}

  handle(sender: string, clocks: ProcessClocks): GatewayHandle {
    const handle: GatewayHandle = {
      willLand: true,
      onSend: () => undefined,
      api: {
        deltaQuota: (userId, value, { idempotencyKey, sendBefore }) => {
          this.catchUp();
          // The client's check before every attempt (gateway-operations.ts); the gap between
          // it and the bytes leaving is modelled as zero (assumption (c)).
          if (sendBefore !== undefined && deadlinePassed(sendBefore, clocks))
            return Promise.reject(
              new GatewayError('not sent: the scan lease deadline had passed', {
                reason: 'fenced',
                retryable: false,
                uncertain: false,
                attempts: 0,
              }),
            );
          const seq = this.log.length;
          const now = this.clock.now();
          this.log.push({
            ...{ seq, key: idempotencyKey, userId, value, sender, sentAt: now },
            landBy: this.options.lateness === 'after_send' ? now + this.options.settleMs : null,
            willLand: handle.willLand,
            state: 'in_flight',
            callEnded: false,
          });
          handle.onSend(seq);
          return new Promise<void>((resolve, reject) => this.open.set(seq, { resolve, reject }));
        },
        getQuota: async (userId) => {
          this.catchUp();
          return this.counters.get(userId) ?? 0;
        },
        getUsed: async () => 0,
        refreshQuota: () => Promise.reject(new Error('refresh is not modelled (mode add only)')),
      },
    };
    return handle;
  }

  /**
   * The sender hears back: `lost` is a timeout (uncertain); otherwise the gateway answers what
   * it did — applied (the delta lands now if it had not) or refused (it never will).
   */
  answer(seq: number, lost: boolean): void {
    this.catchUp();
    const delta = this.log[seq]!;
    const call = this.open.get(seq)!;
    this.endCall(delta);
    if (lost) {
      call.reject(
        new GatewayError('timeout', { reason: 'timeout', retryable: true, uncertain: true }),
      );
    } else if (delta.willLand) {
      if (delta.state === 'in_flight') this.land(delta);
      call.resolve();
    } else {
      delta.state = 'dropped';
      call.reject(
        new GatewayError('refused', { reason: 'http_status', retryable: false, uncertain: false }),
      );
    }
  }

  /** The sender died mid-call: nobody hears the answer, the delta goes on as it would. */
  abandon(seq: number): void {
    this.endCall(this.log[seq]!);
  }

  /** A delta still on its way lands now (early), if it is one that lands at all. */
  landEarly(seq: number): void {
    const delta = this.log[seq];
    if (delta?.state === 'in_flight' && delta.willLand) this.land(delta);
  }

  /** Deltas whose time is up land or are gone for good, as the assumption promises. */
  catchUp(): void {
    const now = this.clock.now();
    for (const delta of this.log) {
      if (delta.state !== 'in_flight' || delta.landBy === null || delta.landBy > now) continue;
      if (delta.willLand) this.land(delta);
      else delta.state = 'dropped';
    }
  }

  /** Deltas of `key` that changed the counter. */
  applied(key: string): number {
    return this.log.filter((d) => d.key === key && d.state === 'landed').length;
  }

  inFlight(key?: string): LoggedDelta[] {
    return this.log.filter((d) => d.state === 'in_flight' && (key === undefined || d.key === key));
  }

  /** Calls whose sender has not heard back yet. */
  openCalls(): number[] {
    return [...this.open.keys()];
  }

  private endCall(delta: LoggedDelta): void {
    this.open.delete(delta.seq);
    delta.callEnded = true;
    delta.landBy ??= this.clock.now() + this.options.settleMs;
  }

  private land(delta: LoggedDelta): void {
    if (this.options.honoursIdempotency && this.applied(delta.key) > 0) {
      delta.state = 'deduped';
      return;
    }
    delta.state = 'landed';
    this.counters.set(delta.userId, (this.counters.get(delta.userId) ?? 0) + delta.value);
  }
}
