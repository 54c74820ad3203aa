// The retry policy, pure: no I/O, no clock, no randomness of its own. The client asks it two
// questions after each failed attempt: may I try again, and how long do I wait first?

export interface RetryPolicy {
  /** Total attempts including the first; 1 disables retries. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /**
   * Longest Retry-After we wait for. A gateway asking for more is not hammered sooner than it
   * asked; we give up instead and the grant is retried by a later scan.
   */
  retryAfterMaxMs: number;
}

/** What a failed attempt tells the policy. */
export interface AttemptFailure {
  retryable: boolean;
  uncertain: boolean;
  retryAfterMs?: number;
}

export type RetryDecision =
  | { retry: true; delayMs: number }
  | {
      retry: false;
      why:
        | 'not_retryable'
        | 'uncertain_not_resendable'
        | 'attempts_exhausted'
        | 'retry_after_too_long';
    };

/** 408, 429 and every 5xx: the gateway (or something in front of it) may answer differently next time. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599);
}

/**
 * For a non-2xx answer to a request that changes something: can the change have happened?
 * 502 and 504 come from a proxy that may have forwarded the request before failing; any other
 * status is the gateway's own refusal.
 */
export function isUncertainStatus(status: number): boolean {
  return status === 502 || status === 504;
}

/** `success: false` inside a 2xx answer: a 4xx code is a refusal that will not change; anything else may. */
export function isRetryableEnvelopeCode(code: unknown): boolean {
  const numeric = typeof code === 'string' && /^\d{3}$/.test(code) ? Number(code) : code;
  return !(typeof numeric === 'number' && numeric >= 400 && numeric <= 499);
}

/**
 * Exponential backoff with full jitter: a uniformly random wait in [0, min(max, base·2^(n-1))].
 * Full jitter spreads the retries of many concurrent grants so a recovering gateway is not hit
 * by synchronised waves. `attempt` is the 1-based number of the attempt that just failed.
 */
export function backoffDelayMs(
  attempt: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(random() * ceiling);
}

/**
 * Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds,
 * or undefined when the header is absent or malformed (then normal backoff applies).
 */
export function parseRetryAfterMs(
  header: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (header === null || header === undefined) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  // Only the HTTP-date shapes; Date.parse alone would accept "1" or "2024" too.
  if (!/^[A-Za-z]{3},? /.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

export interface RetryQuestion {
  failure: AttemptFailure;
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  /**
   * May a request whose outcome is unknown be sent again? True for reads, for absolute sets and
   * for deltas to a gateway that honours Idempotency-Key; false for deltas to one that does not
   * (re-sending could grant twice).
   */
  resendableWhenUncertain: boolean;
  policy: RetryPolicy;
  random: () => number;
}

export function decideRetry(q: RetryQuestion): RetryDecision {
  if (!q.failure.retryable) return { retry: false, why: 'not_retryable' };
  if (q.failure.uncertain && !q.resendableWhenUncertain)
    return { retry: false, why: 'uncertain_not_resendable' };
  if (q.attempt >= q.policy.maxAttempts) return { retry: false, why: 'attempts_exhausted' };
  const asked = q.failure.retryAfterMs;
  if (asked !== undefined) {
    if (asked > q.policy.retryAfterMaxMs) return { retry: false, why: 'retry_after_too_long' };
    // The gateway said when; waiting exactly that long is the polite minimum.
    return { retry: true, delayMs: asked };
  }
  return { retry: true, delayMs: backoffDelayMs(q.attempt, q.policy, q.random) };
}
