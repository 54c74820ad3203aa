// Remembers that the gateway is down, so a long outage costs a few failed calls instead of one
// per eligible user. Without it, every tick of an outage claims whole pages of grants and walks
// each of them through every retry and backoff, only to record them as failed; with it, the
// scanner stops claiming and sending (see run-strategy.ts) until a probe gets through.
//
// States: `closed` (normal); `open` after `failureThreshold` consecutive failed operations
// (each already retried with backoff by the client), refusing calls for `cooldownMs`; then
// `half_open`: calls are let through, the first success closes it, a failure opens it again
// for twice as long (up to `maxCooldownMs`).

export type CircuitState = 'closed' | 'open' | 'half_open';

export interface CircuitChange {
  state: CircuitState;
  /** Consecutive failed operations behind the change. */
  consecutiveFailures: number;
  /** When an open circuit lets the next probe through (epoch ms); null unless open. */
  retryAt: number | null;
}

export interface CircuitBreakerOptions {
  failureThreshold: number;
  cooldownMs: number;
  /** Longest cooldown after repeated failed probes (default 8 × cooldownMs). */
  maxCooldownMs?: number;
  now?: () => number;
  /** Hears every state change (logs, metrics); must not throw. */
  onChange?: (change: CircuitChange) => void;
}

export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private openUntil = 0;
  private cooldownMs: number;
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.cooldownMs = options.cooldownMs;
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() >= this.openUntil) this.change('half_open');
    return this.current;
  }

  /** False while open: calls would only add load to a gateway that is down. */
  allowsRequests(): boolean {
    return this.state !== 'open';
  }

  /** When an open circuit lets calls through again (epoch ms), or null. */
  retryAt(): number | null {
    return this.state === 'open' ? this.openUntil : null;
  }

  recordSuccess(): void {
    this.failures = 0;
    this.cooldownMs = this.options.cooldownMs;
    if (this.current !== 'closed') this.change('closed');
  }

  recordFailure(): void {
    this.failures++;
    const state = this.state;
    if (state === 'half_open') {
      // The probe failed: the gateway is still down; wait longer before the next one.
      this.cooldownMs = Math.min(
        this.cooldownMs * 2,
        this.options.maxCooldownMs ?? this.options.cooldownMs * 8,
      );
      this.open();
    } else if (state === 'closed' && this.failures >= this.options.failureThreshold) {
      this.open();
    }
  }

  private open(): void {
    this.openUntil = this.now() + this.cooldownMs;
    this.change('open');
  }

  private change(state: CircuitState): void {
    this.current = state;
    this.options.onChange?.({
      state,
      consecutiveFailures: this.failures,
      retryAt: state === 'open' ? this.openUntil : null,
    });
  }
}
