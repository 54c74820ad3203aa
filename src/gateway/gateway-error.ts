// Every gateway failure surfaces as one typed error. `retryable` says whether trying again may
// help; `uncertain` says whether the gateway may have applied the request anyway, which is what
// decides between "failed, safe to retry" and "unknown, needs a human" for a grant.

export type GatewayErrorReason =
  /** The gateway answered with a non-2xx status. */
  | 'http_status'
  /** The gateway answered 2xx with `success: false`. */
  | 'rejected'
  /** No complete answer within the per-request timeout. */
  | 'timeout'
  /** The connection could not be made, so nothing was sent. */
  | 'connect_failed'
  /** Node refused to build the request (e.g. a header it cannot encode): nothing was sent. */
  | 'not_sent'
  /** The connection broke after the request may have been sent. */
  | 'connection_lost'
  /** The answer was not the Higress envelope we expect. */
  | 'bad_response'
  /**
   * One user's counter is beyond what quota-manager computes with exactly (envelope.ts,
   * MAX_GATEWAY_AMOUNT): that user's problem, not the gateway's, so not an outage.
   */
  | 'out_of_range'
  /** The caller passed something that cannot be sent (NaN amount, empty user id). */
  | 'invalid_argument'
  /** Not sent: the circuit breaker is open after repeated gateway failures. */
  | 'circuit_open'
  /**
   * The caller's signal ended the call (the daemon is stopping); uncertain when a mutation was
   * in flight. Never retried.
   */
  | 'aborted'
  /**
   * Not sent: the caller's lease deadline had passed (a stalled process woke up, or the lease
   * is gone), so another replica may be settling this grant. Uncertain only if an earlier
   * attempt was. Never retried.
   */
  | 'fenced';

export interface GatewayErrorInit {
  reason: GatewayErrorReason;
  retryable: boolean;
  uncertain: boolean;
  status?: number;
  retryAfterMs?: number;
  attempts?: number;
  cause?: unknown;
}

export class GatewayError extends Error {
  readonly code = 'gateway_error' as const;
  readonly reason: GatewayErrorReason;
  readonly status?: number;
  readonly retryable: boolean;
  /** The request may have been applied (timeout or connection loss after sending, 502/504). */
  readonly uncertain: boolean;
  /** From a Retry-After header, when the gateway sent one. */
  readonly retryAfterMs?: number;
  /** How many attempts were made before giving up (1 when no retry happened). */
  readonly attempts: number;
  /** The caller's signal ended the call (reason `aborted`): the daemon is stopping. */
  readonly aborted: boolean;

  constructor(message: string, init: GatewayErrorInit) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'GatewayError';
    this.reason = init.reason;
    this.status = init.status;
    this.retryable = init.retryable;
    this.uncertain = init.uncertain;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = init.attempts ?? 1;
    this.aborted = init.reason === 'aborted';
  }

  /** The same error with another message (e.g. with secrets redacted). */
  withMessage(message: string): GatewayError {
    return new GatewayError(message, {
      reason: this.reason,
      status: this.status,
      retryable: this.retryable,
      uncertain: this.uncertain,
      retryAfterMs: this.retryAfterMs,
      attempts: this.attempts,
      cause: this.cause,
    });
  }

  /**
   * The error a caller finally sees. Uncertainty is sticky: if any earlier attempt may have
   * been applied, the operation as a whole is uncertain even when the last attempt failed cleanly.
   */
  final(operation: string, attempts: number, uncertain: boolean, where?: string): GatewayError {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`;
    const at = where === undefined ? '' : ` at ${where}`;
    return new GatewayError(`gateway ${operation}${at} failed after ${tries}: ${this.message}`, {
      reason: this.reason,
      status: this.status,
      retryable: this.retryable,
      uncertain: this.uncertain || uncertain,
      retryAfterMs: this.retryAfterMs,
      attempts,
      cause: this.cause,
    });
  }
}

/** Invalid client options: a wiring mistake caught at start-up, named after the option. */
export class GatewayConfigError extends Error {
  readonly code = 'config_invalid' as const;
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(`gateway client option ${option} ${message}`);
    this.name = 'GatewayConfigError';
  }
}
