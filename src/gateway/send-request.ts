// One HTTP attempt against the gateway, turned into either a successful envelope or a
// GatewayError that says whether to retry and whether the request may have been applied.
import { excerpt, parseEnvelope, type Envelope } from './envelope.ts';
import { GatewayError } from './gateway-error.ts';
import { isRetryableEnvelopeCode, isRetryableStatus, isUncertainStatus, parseRetryAfterMs } from './retry.ts';

export interface GatewayRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  /** Form-encoded body (the Higress admin API takes forms, not JSON). */
  form?: URLSearchParams;
  /** Changes state at the gateway: decides whether a lost answer makes the outcome uncertain. */
  mutating: boolean;
}

/**
 * Error codes that mean the connection was never established, so the request was never sent.
 * Anything else that breaks a connection may have happened after the gateway read the request.
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

export async function sendRequest(request: GatewayRequest, timeoutMs: number, nowMs: () => number): Promise<Envelope> {
  // One signal covers connecting, sending and reading the whole body.
  const signal = AbortSignal.timeout(timeoutMs);
  let status: number;
  let body: string;
  let retryAfter: string | null;
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.form,
      signal,
    });
    status = response.status;
    retryAfter = response.headers.get('retry-after');
    body = await response.text();
  } catch (error) {
    throw transportError(error, request.mutating, timeoutMs);
  }

  const envelope = parseEnvelope(body);
  if (status < 200 || status > 299) {
    const detail = envelope?.message ?? excerpt(body);
    throw new GatewayError(`gateway answered HTTP ${status}${detail ? `: ${detail}` : ''}`, {
      reason: 'http_status',
      status,
      retryable: isRetryableStatus(status),
      uncertain: request.mutating && isUncertainStatus(status),
      retryAfterMs: parseRetryAfterMs(retryAfter, nowMs()),
    });
  }
  if (!envelope) {
    // A 2xx we cannot read: for a mutation the gateway probably applied it, so say we do not know.
    throw new GatewayError(`gateway answered HTTP ${status} with an unreadable body: ${excerpt(body) || '(empty)'}`, {
      reason: 'bad_response',
      status,
      retryable: false,
      uncertain: request.mutating,
    });
  }
  if (!envelope.success) {
    throw new GatewayError(`gateway refused the request (code ${String(envelope.code)}): ${envelope.message ?? ''}`, {
      reason: 'rejected',
      status,
      retryable: isRetryableEnvelopeCode(envelope.code),
      uncertain: false,
    });
  }
  return envelope;
}

function transportError(error: unknown, mutating: boolean, timeoutMs: number): GatewayError {
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
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
  return new GatewayError(`connection to the gateway broke${code ? ` (${code})` : ''}: ${cause}`, {
    reason: 'connection_lost',
    retryable: true,
    uncertain: mutating,
    cause: error,
  });
}

/** undici wraps the socket error as `TypeError('fetch failed', { cause })`; the code sits on the cause. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as NodeJS.ErrnoException).code;
    if (typeof code === 'string') return code;
    // Happy-eyeballs connects fail with an AggregateError of one error per address.
    if (current instanceof AggregateError && current.errors.length > 0) {
      const codes = current.errors.map(errorCode);
      return codes.every((c) => c !== undefined && NOT_SENT_CODES.has(c)) ? codes[0] : codes.find(Boolean);
    }
    current = current.cause;
  }
  return undefined;
}
