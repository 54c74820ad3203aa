// One HTTP attempt against the gateway, turned into either a successful envelope or a
// GatewayError that says whether to retry and whether the request may have been applied.
//
// undici's Pool, driven through Dispatcher.dispatch with a handler of our own, rather than
// fetch() or node:http: a scan sends hundreds of thousands of small requests, and both fetch's
// WHATWG layers (Request/Response objects, web streams) and node:http's ClientRequest/
// IncomingMessage streams cost more CPU per request than undici's parser calling a handler
// with the status, the headers and the body chunks (bench/README.md, "Gateway client transport"). The handler also tells exactly when a request is handed to a socket
// (onRequestStart, right before it is written): a failure, timeout or abort before that point
// certainly sent nothing, one after it may have reached the gateway.
import { Pool, type Dispatcher } from 'undici';
import { excerpt, parseEnvelope, type Envelope } from './envelope.ts';
import { GatewayError } from './gateway-error.ts';
import {
  NotSentError,
  NotWrittenError,
  RequestAbortedError,
  RequestTimeoutError,
  transportError,
} from './transport-error.ts';
import {
  isRetryableEnvelopeCode,
  isRetryableStatus,
  isUncertainStatus,
  parseRetryAfterMs,
} from './retry.ts';

export interface GatewayRequest {
  method: 'GET' | 'POST';
  /** Path and query on the gateway (the transport knows the scheme, host and port). */
  path: string;
  headers: Record<string, string>;
  /** Form-encoded body (the Higress admin API takes forms, not JSON). */
  form?: URLSearchParams;
  /** Changes state at the gateway: decides whether a lost answer makes the outcome uncertain. */
  mutating: boolean;
}

/**
 * Pooled keep-alive connections to one gateway origin (http or https); one per client, closed
 * with it. Idle sockets do not keep the process alive (undici unrefs a socket with no request).
 */
export type HttpTransport = Pool;

/**
 * Idle pooled sockets are closed after this long, or sooner when the gateway announces a shorter
 * keep-alive (`Keep-Alive: timeout=N`, minus a second). Reusing a socket the server is closing
 * at that moment would fail a delta with an uncertain outcome, so the client gives up idle
 * sockets before common server defaults (Node 5 s, nginx 75 s, Envoy 1 h) do.
 */
const IDLE_SOCKET_MS = 4_000;

/**
 * `connections`: at most this many sockets (default unbounded); the client passes its limiter's
 * concurrency plus one, the spare for ping (which bypasses the limiter).
 */
export function createTransport(origin: string, connections?: number): HttpTransport {
  return new Pool(new URL(origin).origin, {
    connections: connections ?? null,
    keepAliveTimeout: IDLE_SOCKET_MS,
    keepAliveMaxTimeout: IDLE_SOCKET_MS,
    keepAliveTimeoutThreshold: 1_000,
    // One request per connection at a time, never pipelined. A delta is not idempotent unless
    // the gateway honours Idempotency-Key: on a pipelined connection that closes (a keep-alive
    // race, the gateway's Envoy resetting it) every request written behind the first may or may
    // not have been read, and undici re-sends the idempotent ones (GETs) on a new connection
    // without asking us, so only the head would be reported as uncertain. undici already never
    // pipelines a POST behind another request, and Envoy answers pipelined HTTP/1.1 requests one
    // after another: the deltas would gain nothing, the reads little, and the classification of
    // failures would get harder to trust.
    pipelining: 1,
    // sendRequest's own timer bounds connecting, sending and reading as one budget.
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

interface RawAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * One request; resolves once the whole body has arrived. `timeoutMs` covers waiting for a
 * connection, connecting, sending and reading. At the timeout, or when `signal` aborts, the
 * request is ended (undici then destroys its socket: a connection mid-request cannot be reused),
 * so nothing of it outlives the call. Failures before the request reached a socket are wrapped
 * in NotWrittenError / NotSentError: the gateway cannot have seen them.
 */
function exchange(
  request: GatewayRequest,
  timeoutMs: number,
  transport: HttpTransport,
  signal: AbortSignal | undefined,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(new RequestAbortedError(true));
      return;
    }
    const body = request.form?.toString();
    const headers: Record<string, string> =
      body === undefined
        ? request.headers
        : {
            ...request.headers,
            'content-type': 'application/x-www-form-urlencoded;charset=UTF-8',
          };
    /** Set right before the request is written; until then nothing can have been sent. */
    let controller: Dispatcher.DispatchController | undefined;
    /** Why the call ended early (timeout, abort) before a socket took the request. */
    let endedEarly: Error | undefined;
    let settled = false;
    let status = 0;
    let retryAfter: string | null = null;
    const chunks: Buffer[] = [];

    const finish = (error: Error | undefined) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else
        resolve({
          status,
          retryAfter,
          body:
            chunks.length === 1
              ? chunks[0]!.toString('utf8')
              : Buffer.concat(chunks).toString('utf8'),
        });
    };
    /** Ends the call: before the request reached a socket, it will be dropped unwritten. */
    const end = (sent: Error, unsent: Error) => {
      if (controller === undefined) {
        endedEarly = unsent;
        finish(unsent);
      } else {
        finish(sent);
        controller.abort(sent);
      }
    };
    // A plain timer rather than AbortSignal.timeout: one per request is the cheaper of the two
    // at a scan's request rate.
    const timer = setTimeout(() => {
      const message = `no complete answer within ${timeoutMs} ms`;
      end(new RequestTimeoutError(message), new NotWrittenError(new RequestTimeoutError(message)));
    }, timeoutMs);
    const onAbort = () => end(new RequestAbortedError(false), new RequestAbortedError(true));
    signal?.addEventListener('abort', onAbort, { once: true });

    transport.dispatch(
      { method: request.method, path: request.path, headers, body },
      {
        onRequestStart(started) {
          // The call already ended while the request waited for a connection: drop it unwritten.
          if (endedEarly !== undefined) started.abort(endedEarly);
          else controller = started;
        },
        onResponseStart(_controller, statusCode, responseHeaders) {
          status = statusCode;
          const value = responseHeaders['retry-after'];
          retryAfter = typeof value === 'string' ? value : null;
        },
        onResponseData(_controller, chunk) {
          chunks.push(chunk);
        },
        onResponseEnd() {
          finish(undefined);
        },
        onResponseError(_controller, error) {
          if (controller !== undefined) finish(error);
          // undici refused to build the request (an invalid header value, …): nothing left.
          else if ((error as { code?: string }).code === 'UND_ERR_INVALID_ARG')
            finish(new NotSentError(error));
          // Connecting (or TLS) failed, or the pool is closed: no socket ever took the request.
          else finish(new NotWrittenError(error));
        },
      },
    );
  });
}

export async function sendRequest(
  request: GatewayRequest,
  timeoutMs: number,
  nowMs: () => number,
  transport: HttpTransport,
  signal?: AbortSignal,
): Promise<Envelope> {
  let status: number;
  let body: string;
  let retryAfter: string | null;
  try {
    ({ status, body, retryAfter } = await exchange(request, timeoutMs, transport, signal));
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
    throw new GatewayError(
      `gateway answered HTTP ${status} with an unreadable body: ${excerpt(body) || '(empty)'}`,
      {
        reason: 'bad_response',
        status,
        retryable: false,
        uncertain: request.mutating,
      },
    );
  }
  if (!envelope.success) {
    throw new GatewayError(
      `gateway refused the request (code ${String(envelope.code)}): ${envelope.message ?? ''}`,
      {
        reason: 'rejected',
        status,
        retryable: isRetryableEnvelopeCode(envelope.code),
        uncertain: false,
      },
    );
  }
  return envelope;
}
