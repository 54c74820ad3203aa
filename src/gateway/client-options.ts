// The client's options and their one-time validation. Validation happens when the client is
// created (at wiring time), so a misconfiguration fails start-up rather than the first grant.
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { CircuitBreaker } from './circuit-breaker.ts';
import { GatewayConfigError } from './gateway-error.ts';
import { SENDABLE_HEADER_VALUE } from './header-value.ts';

// RFC 9110 token characters: anything else cannot be sent as a header name.
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export interface GatewayClientOptions {
  /** e.g. `http://127.0.0.1:8002`; a path prefix is kept (`http://host/gw` + admin path). */
  baseUrl: string;
  adminPath: string;
  authHeader: string;
  /** The admin key; an empty string sends no auth header at all. */
  authValue: string;
  /** Per attempt, covering connect, send and reading the answer. */
  timeoutMs: number;
  maxAttempts: number;
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  /** Longest Retry-After honoured before giving up instead (default 60 s). */
  retryAfterMaxMs?: number;
  /**
   * Whether the gateway applies a repeated Idempotency-Key only once (the mock does; the real
   * Higress plugin does not). Only when true is a delta whose outcome is unknown (timeout,
   * dropped connection) re-sent within the call. Default false, the safe side: the call then
   * ends with `GatewayError { uncertain: true }` and the caller decides (a later scan re-sends
   * with the same key if the gateway honours keys; otherwise the grant becomes `unknown`).
   */
  honoursIdempotency?: boolean;
  /** Maximum requests in flight; unbounded when omitted. */
  concurrency?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** Clock for Retry-After dates. */
  now?: () => number;
  /** Fields are structured data, never the auth value. */
  logger?: Pick<CoreLogger, 'warn'>;
  /**
   * Applied to every final error message: the gateway's answers are quoted there, and those
   * messages end up in ledger rows (`last_error`), API answers and logs. The daemon passes the
   * logger's secret redaction.
   */
  redact?: (text: string) => string;
  /** Stops calls for a while after repeated gateway failures; shared with the scanner. */
  breaker?: CircuitBreaker;
  /**
   * Aborting it ends every call: requests in flight are destroyed with their sockets (a delta
   * in flight ends uncertain), queued and retrying calls end without sending. The daemon aborts
   * it at shutdown, so stopping never waits for a slow gateway.
   */
  signal?: AbortSignal;
}

/** Validates the options once, at wiring time; returns the base URL without a trailing slash. */
export function checkOptions(options: GatewayClientOptions): string {
  let parsed: URL;
  try {
    parsed = new URL(options.baseUrl);
  } catch {
    throw new GatewayConfigError('baseUrl', `must be an absolute URL, got "${options.baseUrl}"`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new GatewayConfigError('baseUrl', 'must use http or https');
  }
  if (parsed.search || parsed.hash)
    throw new GatewayConfigError('baseUrl', 'must not have a query or fragment');
  // Credentials in a URL end up in logs (and the HTTP client would not send them as a header):
  // the key belongs in authValue.
  if (parsed.username || parsed.password)
    throw new GatewayConfigError('baseUrl', 'must not contain credentials');
  if (options.adminPath.replace(/\//g, '') === '')
    throw new GatewayConfigError('adminPath', 'must not be empty');
  if (!HEADER_NAME.test(options.authHeader))
    throw new GatewayConfigError('authHeader', 'must be a valid HTTP header name');
  // Node would refuse a non-Latin-1 key on every request; refuse it once, here, instead.
  if (!SENDABLE_HEADER_VALUE.test(options.authValue))
    throw new GatewayConfigError(
      'authValue',
      'must be printable ASCII without line breaks or surrounding spaces',
    );
  const positiveInts: [string, number | undefined][] = [
    ['timeoutMs', options.timeoutMs],
    ['maxAttempts', options.maxAttempts],
    ['concurrency', options.concurrency],
  ];
  for (const [name, value] of positiveInts) {
    if (value !== undefined && !(Number.isInteger(value) && value >= 1)) {
      throw new GatewayConfigError(name, `must be a positive integer, got ${value}`);
    }
  }
  const delays: [string, number | undefined][] = [
    ['retryBaseDelayMs', options.retryBaseDelayMs],
    ['retryMaxDelayMs', options.retryMaxDelayMs],
    ['retryAfterMaxMs', options.retryAfterMaxMs],
  ];
  for (const [name, value] of delays) {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new GatewayConfigError(name, `must be a non-negative number, got ${value}`);
    }
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}
