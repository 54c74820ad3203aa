// The retry policy is pure, so it is tested as a table: no servers, no clocks, no timers.
import { describe, expect, it } from 'vitest';
import {
  backoffDelayMs,
  decideRetry,
  isRetryableEnvelopeCode,
  isRetryableStatus,
  isUncertainStatus,
  parseRetryAfterMs,
  type RetryPolicy,
} from '../../src/gateway/retry.ts';

const policy: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  retryAfterMaxMs: 30_000,
};
const almostOne = () => 0.999_999;

describe('backoffDelayMs (full jitter)', () => {
  it.each([
    [1, 100],
    [2, 200],
    [3, 400],
    [4, 800],
    [5, 1_000], // capped at maxDelayMs
    [30, 1_000],
  ])('after attempt %i the ceiling is %i ms', (attempt, ceiling) => {
    expect(backoffDelayMs(attempt, policy, almostOne)).toBe(ceiling);
    expect(backoffDelayMs(attempt, policy, () => 0)).toBe(0);
    expect(backoffDelayMs(attempt, policy, () => 0.5)).toBe(Math.round(ceiling / 2));
  });

  it('spreads delays across the whole range', () => {
    let seed = 42;
    const lcg = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 1_000 }, () => backoffDelayMs(3, policy, lcg));
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
    expect(delays.filter((d) => d < 200).length).toBeGreaterThan(350);
    expect(delays.filter((d) => d >= 200).length).toBeGreaterThan(350);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it.each<[string | null | undefined, number | undefined]>([
    ['7', 7_000],
    ['0', 0],
    [' 12 ', 12_000],
    ['Sat, 01 Mar 2025 12:00:30 GMT', 30_000],
    ['Sat, 01 Mar 2025 11:59:00 GMT', 0], // a date in the past means "now"
    ['-1', undefined],
    ['1.5', undefined],
    ['soon', undefined],
    ['2025-03-01T12:00:30Z', undefined], // ISO 8601 is not an HTTP date
    ['', undefined],
    [null, undefined],
    [undefined, undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseRetryAfterMs(header, now)).toBe(expected);
  });
});

describe('status classification', () => {
  it.each([
    [400, false, false],
    [401, false, false],
    [403, false, false],
    [404, false, false],
    [408, true, false],
    [409, false, false],
    [422, false, false],
    [429, true, false],
    [500, true, false],
    [502, true, true],
    [503, true, false],
    [504, true, true],
  ])('HTTP %i: retryable %s, uncertain for a mutation %s', (status, retryable, uncertain) => {
    expect(isRetryableStatus(status)).toBe(retryable);
    expect(isUncertainStatus(status)).toBe(uncertain);
  });

  it.each<[unknown, boolean]>([
    [400, false],
    [403, false],
    ['404', false],
    [500, true],
    [503, true],
    ['ai-gateway.error', true],
    [undefined, true],
  ])('success:false with code %j is retryable: %s', (code, retryable) => {
    expect(isRetryableEnvelopeCode(code)).toBe(retryable);
  });
});

describe('decideRetry', () => {
  const ask = (
    failure: { retryable: boolean; uncertain: boolean; retryAfterMs?: number },
    attempt: number,
    resendableWhenUncertain = true,
  ) => decideRetry({ failure, attempt, resendableWhenUncertain, policy, random: () => 0.5 });

  it('retries a retryable failure with jittered backoff until the attempts run out', () => {
    expect(ask({ retryable: true, uncertain: false }, 1)).toEqual({ retry: true, delayMs: 50 });
    expect(ask({ retryable: true, uncertain: false }, 2)).toEqual({ retry: true, delayMs: 100 });
    expect(ask({ retryable: true, uncertain: false }, 3)).toEqual({ retry: true, delayMs: 200 });
    expect(ask({ retryable: true, uncertain: false }, 4)).toEqual({
      retry: false,
      why: 'attempts_exhausted',
    });
  });

  it('never retries a failure that will not change', () => {
    expect(ask({ retryable: false, uncertain: false }, 1)).toEqual({
      retry: false,
      why: 'not_retryable',
    });
  });

  it('waits exactly what Retry-After asks, and gives up when it asks for too long', () => {
    expect(ask({ retryable: true, uncertain: false, retryAfterMs: 7_000 }, 1)).toEqual({
      retry: true,
      delayMs: 7_000,
    });
    expect(ask({ retryable: true, uncertain: false, retryAfterMs: 0 }, 1)).toEqual({
      retry: true,
      delayMs: 0,
    });
    expect(ask({ retryable: true, uncertain: false, retryAfterMs: 30_001 }, 1)).toEqual({
      retry: false,
      why: 'retry_after_too_long',
    });
  });

  it('re-sends an uncertain request only where re-sending cannot apply it twice', () => {
    expect(ask({ retryable: true, uncertain: true }, 1, true)).toEqual({
      retry: true,
      delayMs: 50,
    });
    expect(ask({ retryable: true, uncertain: true }, 1, false)).toEqual({
      retry: false,
      why: 'uncertain_not_resendable',
    });
    // A certain failure is retried either way.
    expect(ask({ retryable: true, uncertain: false }, 1, false)).toEqual({
      retry: true,
      delayMs: 50,
    });
  });
});
