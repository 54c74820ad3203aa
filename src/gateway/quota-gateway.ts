// The port the scanner and the API depend on. They see operations and typed errors, never HTTP
// (the requests are made in ai-gateway-client.ts and send-request.ts, on this thread or in the
// gateway worker), so another gateway product can be added by implementing this interface.
import type { MutationOptions, ReadOptions } from '../core/ports/gateway.ts';

export type { MutationOptions, ReadOptions };

export interface DeltaOptions extends MutationOptions {
  /**
   * Sent as the `Idempotency-Key` header on the first attempt and on every retry, so a gateway
   * that honours it applies the delta at most once. The daemon's key is
   * `qm:<strategy>:<occurrence ISO or once>:<user>`.
   */
  idempotencyKey: string;
}

export interface QuotaGateway {
  /** The user's total quota (0 for a user the gateway has never seen). */
  getQuota(userId: string, options?: ReadOptions): Promise<number>;
  /** Adds `value` (may be negative) to the user's total quota. */
  deltaQuota(userId: string, value: number, opts: DeltaOptions): Promise<void>;
  /** Sets the user's total quota. Setting an absolute value is naturally safe to repeat. */
  refreshQuota(userId: string, quota: number, opts?: MutationOptions): Promise<void>;
  /** The quota the user has consumed. */
  getUsed(userId: string, options?: ReadOptions): Promise<number>;
  /** One cheap authenticated request, no retries: for /readyz. */
  ping(): Promise<void>;
}

/** A client that holds pooled connections to its gateway. */
export interface GatewayClient extends QuotaGateway {
  /** Closes the connections once the requests in flight have ended; later calls fail, unsent. */
  close(): Promise<void>;
}
