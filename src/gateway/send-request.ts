// One HTTP attempt against the gateway, turned into either a successful envelope or a
// GatewayError that says whether to retry and whether the request may have been applied.
//
// node:http with a keep-alive agent per client rather than fetch(): a scan sends hundreds of
// thousands of small requests, and fetch's WHATWG layers (Request/Response objects, web
// streams, an AbortSignal per call) cost the scanner about twice the CPU per request of a plain
// http.request on the same pooled sockets (bench/README.md, "Gateway client").
import http from 'node:http';
import https from 'node:https';
import { excerpt, parseEnvelope, type Envelope } from './envelope.ts';
import { GatewayError } from './gateway-error.ts';
import {
  NotSentError,
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

/** Pooled connections to one gateway; one per client. Idle sockets do not keep the process alive. */
export interface HttpTransport {
  readonly agent: http.Agent;
  readonly request: typeof http.request;
  readonly protocol: string;
  readonly hostname: string;
  readonly port: string;
}

/**
 * Idle pooled sockets are closed after this long, or sooner when the gateway announces a shorter
 * keep-alive (`Keep-Alive: timeout=N`, minus a second). Reusing a socket the server is closing
 * at that moment would fail a delta with an uncertain outcome, so the client gives up idle
 * sockets before common server defaults (Node 5 s, nginx 75 s, Envoy 1 h) do.
 */
const IDLE_SOCKET_MS = 4_000;

/** Parses the gateway's origin once; every request then only names its path. */
export function createTransport(origin: string): HttpTransport {
  const url = new URL(origin);
  const secure = url.protocol === 'https:';
  // No maxSockets: the client's limiter bounds the requests in flight (and ping bypasses it).
  const options = { keepAlive: true, timeout: IDLE_SOCKET_MS, scheduling: 'lifo' as const };
  return {
    agent: secure ? new https.Agent(options) : new http.Agent(options),
    request: secure ? https.request : http.request,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port,
  };
}

interface RawAnswer {
  status: number;
  retryAfter: string | null;
  body: string;
}

/**
 * One request; resolves once the whole body has arrived. `timeoutMs` covers connecting, sending
 * and reading. At the timeout, or when `signal` aborts, the request is destroyed with its socket
 * (a pooled socket mid-request cannot be reused anyway), so nothing of it outlives the call.
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
    const headers: Record<string, string> = { ...request.headers };
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded;charset=UTF-8';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    let req: http.ClientRequest;
    try {
      req = transport.request({
        agent: transport.agent,
        protocol: transport.protocol,
        hostname: transport.hostname,
        port: transport.port,
        path: request.path,
        method: request.method,
        headers,
      });
    } catch (error) {
      // Thrown before any socket is used (ERR_INVALID_CHAR, ERR_INVALID_HTTP_TOKEN, …):
      // nothing left the process, so the outcome is certain.
      reject(new NotSentError(error));
      return;
    }
    // A plain timer rather than AbortSignal.timeout: one per request is the cheaper of the two
    // at a scan's request rate, and destroying the request is what either would do.
    const timer = setTimeout(
      () => req.destroy(new RequestTimeoutError(`no complete answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => req.destroy(new RequestAbortedError(false));
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    req.once('error', (error) => {
      settle();
      reject(error);
    });
    req.once('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      // An answer cut off mid-body surfaces as an 'error' ('aborted') on the request or response.
      res.once('error', (error) => {
        settle();
        reject(error);
      });
      res.once('end', () => {
        settle();
        if (!res.complete) {
          reject(Object.assign(new Error('the answer was cut off'), { code: 'ECONNRESET' }));
          return;
        }
        const retryAfter = res.headers['retry-after'];
        resolve({
          status: res.statusCode ?? 0,
          retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          body: text,
        });
      });
    });
    req.end(body);
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
