// The slice of the quota gateway the core uses, and how its calls fail. src/gateway implements
// it (GatewayError has the GatewayFailure shape); the core never sees HTTP.
import type { Deadline } from '../clock.ts';

/** How a gateway call fails. */
export interface GatewayFailure {
  message: string;
  /** The gateway may have applied the request anyway (timeout or connection lost after sending). */
  uncertain: boolean;
  /** The gateway's HTTP status, when it answered. */
  status?: number;
  /** Requests the client made before giving up (0 when nothing was sent). */
  attempts?: number;
  /** The call was ended by the daemon stopping, not by the gateway (see GrantGateway). */
  aborted?: boolean;
}

/** A rejection of a GrantGateway call as a GatewayFailure; anything else is a certain failure. */
export function gatewayFailureOf(error: unknown): GatewayFailure {
  if (!(error instanceof Error)) return { message: String(error), uncertain: false };
  return {
    message: error.message,
    uncertain: 'uncertain' in error && error.uncertain === true,
    status: 'status' in error && typeof error.status === 'number' ? error.status : undefined,
    attempts:
      'attempts' in error && typeof error.attempts === 'number' ? error.attempts : undefined,
    aborted: 'aborted' in error && error.aborted === true,
  };
}

/**
 * Options of a call that changes a balance. `sendBefore`: the caller's lease deadline; no
 * attempt (first or retry) starts once it has passed — the call then fails, uncertain only if
 * an earlier attempt was.
 */
export interface MutationOptions {
  sendBefore?: Deadline;
}

/**
 * Options of a read. `signal`: the caller stopped waiting (a preview whose request ended): no
 * attempt starts after it aborts, and one in flight is abandoned.
 */
export interface ReadOptions {
  signal?: AbortSignal;
}

/** Calls reject with an Error carrying the GatewayFailure fields (see gatewayFailureOf). */
export interface GrantGateway {
  /** Adds `value` (may be negative) to the user's quota counter. */
  deltaQuota(
    userId: string,
    value: number,
    options: MutationOptions & {
      /**
       * Sent as the `Idempotency-Key` header on the first attempt and on every retry, so a
       * gateway that honours it applies the delta at most once. The daemon's key is
       * `qm:<strategy>:<occurrence ISO or once>:<user>`.
       */
      idempotencyKey: string;
    },
  ): Promise<void>;
  /** The user's quota counter: the total (total-and-used protocol) or the balance itself. */
  getQuota(userId: string, options?: ReadOptions): Promise<number>;
  /** The used counter of the total-and-used protocol. */
  getUsed(userId: string, options?: ReadOptions): Promise<number>;
  /** Sets the quota counter to an absolute value (safe to re-send). */
  refreshQuota(userId: string, quota: number, options?: MutationOptions): Promise<void>;
}

/**
 * Whether the gateway is known to be down right now (its circuit breaker is open). The one
 * source of truth for "gateway down": runs stop claiming and sending while it says so.
 */
export interface GatewayHealth {
  available(): boolean;
}
