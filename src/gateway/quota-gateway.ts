// The gateway as the daemon holds it: the core's one port (GrantGateway, core/ports/gateway.ts)
// with a readiness probe and a close. The scanner and the API see operations and typed errors,
// never HTTP (the requests are made in ai-gateway-client.ts and send-request.ts, on this thread
// or in the gateway worker), so another gateway product can be added by implementing this.
import type { GrantGateway, MutationOptions, ReadOptions } from '../core/ports/gateway.ts';

export type { MutationOptions, ReadOptions };

/** deltaQuota's options: the lease deadline and the `Idempotency-Key` (see GrantGateway). */
export type DeltaOptions = Parameters<GrantGateway['deltaQuota']>[2];

/** The core's port, plus the one probe /readyz makes. */
export interface QuotaGateway extends GrantGateway {
  /** One cheap authenticated request, no retries: for /readyz. */
  ping(): Promise<void>;
}

/** A client that holds pooled connections to its gateway. */
export interface GatewayClient extends QuotaGateway {
  /** Closes the connections once the requests in flight have ended; later calls fail, unsent. */
  close(): Promise<void>;
}
