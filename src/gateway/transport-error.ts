// How an HTTP attempt that broke turns into a GatewayError: whether it was sent at all, whether
// it may have been applied (uncertain), whether to retry. The error classes send-request.ts
// ends or rejects a request with are declared here, next to their translation.
import { GatewayError } from './gateway-error.ts';

/**
 * Error codes that mean the connection was never established, so the request was never sent.
 * undici reports them before it hands the request to a socket, so send-request.ts already wraps
 * them in NotWrittenError; the set stays as a second line for an error that arrives unwrapped.
 * Anything else that breaks a connection (UND_ERR_SOCKET, ECONNRESET, a timeout) may have
 * happened after the gateway read the request.
 */
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
]);

export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

/** The caller's signal ended the request (the daemon is stopping): the socket is destroyed. */
export class RequestAbortedError extends Error {
  override readonly name = 'RequestAbortedError';
  constructor(readonly beforeSending: boolean) {
    super(beforeSending ? 'aborted before it was sent' : 'aborted while in flight');
  }
}

/** The HTTP client refused to build the request; carries its own error as its cause. */
export class NotSentError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
  }
}

/**
 * The request never reached a socket: connecting (or the TLS handshake) failed, the pool was
 * closed, or the call timed out while it waited for a connection. Certain: nothing was written.
 */
export class NotWrittenError extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message, { cause });
  }
}

export function transportError(error: unknown, mutating: boolean, timeoutMs: number): GatewayError {
  if (error instanceof NotSentError) {
    // Not an outage and not uncertain: retrying cannot help and the gateway saw nothing.
    return new GatewayError(`request not sent (the HTTP client refused it): ${error.message}`, {
      reason: 'not_sent',
      retryable: false,
      uncertain: false,
      cause: error.cause,
    });
  }
  if (error instanceof NotWrittenError) {
    // Retryable like any outage (the gateway may be starting), never uncertain.
    const code = errorCode(error.cause);
    const waited = error.cause instanceof RequestTimeoutError;
    return new GatewayError(
      waited
        ? `gateway not reached within ${timeoutMs} ms (no connection; nothing sent)`
        : // A plain connect error's message only repeats its code and the address ("connect
          // ECONNREFUSED 127.0.0.1:9"); the gateway URL is named by the caller. Others (TLS,
          // a closed pool) say something the code does not.
          code !== undefined && NOT_SENT_CODES.has(code)
          ? `cannot connect to the gateway (${code})`
          : `cannot connect to the gateway${code ? ` (${code})` : ''}: ${error.message}`,
      {
        reason: waited ? 'timeout' : 'connect_failed',
        retryable: true,
        uncertain: false,
        cause: error.cause,
      },
    );
  }
  if (error instanceof RequestAbortedError) {
    // Stopping, not failing: never retried. A mutation that may have reached the gateway is
    // uncertain exactly like a timeout, and is settled the same way (reconciliation).
    return new GatewayError(`request ${error.message}: the caller stopped waiting`, {
      reason: 'aborted',
      retryable: false,
      uncertain: mutating && !error.beforeSending,
      cause: error,
    });
  }
  const name = error instanceof Error ? error.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new GatewayError(`gateway did not answer within ${timeoutMs} ms`, {
      reason: 'timeout',
      retryable: true,
      uncertain: mutating,
      cause: error,
    });
  }
  const code = errorCode(error);
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return new GatewayError(`cannot connect to the gateway (${code})`, {
      reason: 'connect_failed',
      retryable: true,
      uncertain: false,
      cause: error,
    });
  }
  const cause =
    error instanceof Error
      ? error.cause instanceof Error
        ? error.cause.message
        : error.message
      : String(error);
  return new GatewayError(`connection to the gateway broke${code ? ` (${code})` : ''}: ${cause}`, {
    reason: 'connection_lost',
    retryable: true,
    uncertain: mutating,
    cause: error,
  });
}

/** The socket error's code, on the error itself (node:http) or on a wrapped error's cause. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    // Happy-eyeballs connects fail with an AggregateError of one error per address.
    if (current instanceof AggregateError && current.errors.length > 0) {
      const codes = current.errors.map(errorCode);
      return codes.every((c) => c !== undefined && NOT_SENT_CODES.has(c))
        ? codes[0]
        : codes.find(Boolean);
    }
    current = current.cause;
  }
  return undefined;
}
