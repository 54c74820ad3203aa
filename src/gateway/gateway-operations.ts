// The part of the client that talks HTTP. Each operation is described as a request plus one flag
// (may it be re-sent when its outcome is unknown?); one loop runs every operation through the
// retry policy, the concurrency limiter and the per-request timeout. No circuit breaker here:
// ai-gateway-client.ts wraps these operations with one in the same thread, and the worker-thread
// gateway (worker-gateway.ts) with the main thread's one, across the thread boundary.
import { deadlinePassed, type Deadline } from '../core/clock.ts';
import type { Envelope } from './envelope.ts';
import { checkOptions, type GatewayClientOptions } from './client-options.ts';
import { GatewayError } from './gateway-error.ts';
import { encodeHeaderText } from './header-value.ts';
import { createLimiter } from './limiter.ts';
import { decideRetry, type RetryPolicy } from './retry.ts';
import { createTransport, sendRequest, type GatewayRequest } from './send-request.ts';

export type OperationName = 'get_quota' | 'delta_quota' | 'refresh_quota' | 'get_used' | 'ping';

export interface Operation {
  name: OperationName;
  request: GatewayRequest;
  /** See RetryQuestion.resendableWhenUncertain. */
  resendableWhenUncertain: boolean;
  maxAttempts: number;
  /** For log lines. */
  userId: string;
  /** false lets the request skip the concurrency limiter (see ping). */
  limited: boolean;
  /** No attempt starts after this (the caller's lease deadline); absent: no deadline. */
  sendBefore?: Deadline;
  /** The caller stopped waiting (ReadOptions.signal): no attempt starts after it aborts. */
  signal?: AbortSignal;
}

/** Builds operations (validating their arguments) and runs them with retries. */
export interface GatewayOperations {
  getQuota(userId: string): Operation;
  getUsed(userId: string): Operation;
  delta(userId: string, value: number, idempotencyKey: string, sendBefore?: Deadline): Operation;
  refresh(userId: string, quota: number, sendBefore?: Deadline): Operation;
  ping(): Operation;
  /** One operation with its retries; its final error is redacted. */
  run(op: Operation): Promise<Envelope>;
  /** Closes the pooled connections (see GatewayClient.close). */
  close(): Promise<void>;
}

/** Probe id for ping(): querying an unknown user is a cheap read that still checks the admin key. */
const PING_USER_ID = '__quota_manager_readiness_probe__';

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `sleep(ms)`, cut short when `signal` aborts (the retry loop then stops). */
function sleepUnlessAborted(
  sleep: (ms: number) => Promise<void>,
  ms: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) return sleep(ms);
  if (signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    sleep(ms).then(done, (error: unknown) => {
      signal.removeEventListener('abort', done);
      reject(error instanceof Error ? error : new Error(String(error)));
    });
  });
}

/** Ignores `options.breaker`: the caller decides where the breaker sits. */
export function createGatewayOperations(options: GatewayClientOptions): GatewayOperations {
  const base = checkOptions(options);
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts,
    baseDelayMs: options.retryBaseDelayMs,
    maxDelayMs: options.retryMaxDelayMs,
    retryAfterMaxMs: options.retryAfterMaxMs ?? 60_000,
  };
  const honoursKeys = options.honoursIdempotency ?? false;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;
  const limiter = createLimiter(options.concurrency);
  const baseUrl = new URL(base);
  const transport = createTransport(baseUrl.origin, options.concurrency && options.concurrency + 1);
  // The base URL's own path (`http://host/gw`) prefixes every request.
  const prefix = `${baseUrl.pathname.replace(/\/+$/, '')}/${options.adminPath.replace(/^\/+|\/+$/g, '')}`;

  const url = (suffix: string, query?: Record<string, string>) =>
    `${prefix}${suffix}${query ? `?${new URLSearchParams(query).toString()}` : ''}`;
  // An empty key means "send no key" (config.yaml's default), not an empty header.
  const auth: Record<string, string> =
    options.authValue === '' ? {} : { [options.authHeader]: options.authValue };
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...auth,
    accept: 'application/json',
    ...extra,
  });

  const read = (name: OperationName, suffix: string, userId: string): Operation => ({
    name,
    request: {
      method: 'GET',
      path: url(suffix, { user_id: userId }),
      headers: headers(),
      mutating: false,
    },
    resendableWhenUncertain: true,
    maxAttempts: policy.maxAttempts,
    userId,
    limited: true,
  });

  // Named in every final error, so a ledger row's last_error says which gateway failed.
  const where = `${baseUrl.origin}${prefix}`;
  const redact = options.redact ?? ((text: string) => text);
  /** Gateway answers are quoted in errors; one that echoes a secret must not leak it. */
  const redacted = (error: GatewayError): GatewayError => {
    const message = redact(error.message);
    return message === error.message ? error : error.withMessage(message);
  };

  async function run(op: Operation): Promise<Envelope> {
    const signal =
      op.signal === undefined
        ? options.signal
        : options.signal === undefined
          ? op.signal
          : AbortSignal.any([options.signal, op.signal]);
    let uncertainSoFar = false;
    for (let attempt = 1; ; attempt += 1) {
      if (signal?.aborted === true)
        throw abortedBeforeAttempt(op.name, attempt - 1, uncertainSoFar);
      try {
        const attemptOnce = () => {
          // Checked after the limiter let the attempt through: waiting for a slot takes time too.
          if (op.sendBefore !== undefined && deadlinePassed(op.sendBefore))
            throw fencedBeforeAttempt(op.name, attempt - 1, uncertainSoFar);
          // Also checked here: a read queued behind a scan's grants may wait a while for a slot.
          if (signal?.aborted === true)
            throw abortedBeforeAttempt(op.name, attempt - 1, uncertainSoFar);
          return sendRequest(op.request, options.timeoutMs, now, transport, signal);
        };
        return await (op.limited ? limiter.run(attemptOnce) : attemptOnce());
      } catch (error) {
        if (!(error instanceof GatewayError)) throw error;
        // Refused before sending: it already counts the attempts made, and is never retried.
        if (error.reason === 'fenced') throw error;
        uncertainSoFar ||= error.uncertain;
        const decision = decideRetry({
          failure: error,
          attempt,
          resendableWhenUncertain: op.resendableWhenUncertain,
          policy: { ...policy, maxAttempts: op.maxAttempts },
          random,
        });
        if (!decision.retry) throw redacted(error.final(op.name, attempt, uncertainSoFar, where));
        // Structured fields only; the auth value lives in a header and is never logged.
        options.logger?.warn('gateway request failed, retrying', {
          operation: op.name,
          user_id: op.userId,
          attempt,
          max_attempts: op.maxAttempts,
          status: error.status,
          reason: error.reason,
          uncertain: error.uncertain,
          delay_ms: decision.delayMs,
        });
        await sleepUnlessAborted(sleep, decision.delayMs, signal);
      }
    }
  }

  return {
    getQuota: (userId) => read('get_quota', '', requireUserId(userId)),
    getUsed: (userId) => read('get_used', '/used', requireUserId(userId)),
    delta(userId, value, key, sendBefore) {
      requireIdempotencyKey(key);
      const user = requireUserId(userId);
      return {
        name: 'delta_quota',
        request: {
          method: 'POST',
          path: url('/delta'),
          // The same object (so the same key) is sent on every attempt; user ids may hold any
          // character, so the key travels percent-encoded (docs/gateway.md).
          headers: headers({ 'idempotency-key': encodeHeaderText(key) }),
          form: new URLSearchParams({ user_id: user, value: formatAmount(value) }),
          mutating: true,
        },
        resendableWhenUncertain: honoursKeys,
        maxAttempts: policy.maxAttempts,
        userId: user,
        limited: true,
        sendBefore,
      };
    },
    refresh(userId, quota, sendBefore) {
      const user = requireUserId(userId);
      return {
        name: 'refresh_quota',
        request: {
          method: 'POST',
          path: url('/refresh'),
          headers: headers(),
          form: new URLSearchParams({ user_id: user, quota: formatAmount(quota) }),
          mutating: true,
        },
        // Setting an absolute value twice leaves the same value: safe to re-send.
        resendableWhenUncertain: true,
        maxAttempts: policy.maxAttempts,
        userId: user,
        limited: true,
        sendBefore,
      };
    },
    // One attempt, and no queueing behind a scan's grants (a spare connection is kept for it):
    // readiness must answer quickly and report the gateway as it is now.
    ping: () => ({ ...read('ping', '', PING_USER_ID), maxAttempts: 1, limited: false }),
    run,
    close: () => transport.close(),
  };
}

/** Stopped between attempts (or before the first): this attempt was never sent. */
export function abortedBeforeAttempt(
  operation: OperationName,
  attemptsMade: number,
  uncertainSoFar: boolean,
): GatewayError {
  return new GatewayError(
    `gateway ${operation} stopped after ${attemptsMade} attempt(s): the caller stopped waiting`,
    {
      reason: 'aborted',
      retryable: false,
      uncertain: uncertainSoFar,
      attempts: attemptsMade,
    },
  );
}

/** Not sent: the caller's lease deadline had passed before this attempt could start. */
export function fencedBeforeAttempt(
  operation: OperationName,
  attemptsMade: number,
  uncertainSoFar: boolean,
): GatewayError {
  return new GatewayError(
    `gateway ${operation} not sent after ${attemptsMade} attempt(s): the scan lease's deadline had passed`,
    { reason: 'fenced', retryable: false, uncertain: uncertainSoFar, attempts: attemptsMade },
  );
}

function invalidArgument(message: string): GatewayError {
  return new GatewayError(message, {
    reason: 'invalid_argument',
    retryable: false,
    uncertain: false,
  });
}

export function requireIdempotencyKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0)
    throw invalidArgument('idempotencyKey must be a non-empty string');
}

export function requireUserId(userId: string): string {
  if (typeof userId !== 'string' || userId.length === 0)
    throw invalidArgument('userId must be a non-empty string');
  return userId;
}

/**
 * Amounts go on the wire as plain decimals. The shortest round-trip form (`String`) is exact for
 * the 2-decimal amounts the daemon stores; exponent forms (1e21, 1e-7) are refused rather than
 * silently rounded, because a quota is money-like.
 */
export function formatAmount(value: number): string {
  const text = String(value);
  if (!Number.isFinite(value) || /e/i.test(text))
    throw invalidArgument(`amount ${text} cannot be sent as a plain decimal`);
  return text;
}
