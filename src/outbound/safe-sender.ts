// The HTTP client for URLs operators give us (webhook endpoints, chat bots). The address check
// runs inside the socket's own DNS lookup, so the address checked is the address connected to:
// a name that resolves to a public address when checked and to 127.0.0.1 when connected (DNS
// rebinding) cannot slip through. IP literals skip DNS and are checked before connecting.
// Redirects are never followed (a 3xx is returned as the answer), the whole exchange has one
// deadline, and only the first few KB of an answer are read.
import { lookup as systemLookup, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { blockedAddressKind } from './address-policy.ts';
import { blockedTargetError, OutboundError } from './outbound-error.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface SafeSenderOptions {
  /** Lets loopback, private and link-local targets through (tests, closed networks). */
  allowPrivateTargets: boolean;
  /** Deadline for connecting, sending and reading the answer; default 5 s. */
  timeoutMs?: number;
  /** How much of an answer's body is kept; default 4 KiB. */
  maxResponseBytes?: number;
  /** Name resolution; default the system resolver (getaddrinfo, as every client uses). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
}

export interface OutboundRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface OutboundResponse {
  status: number;
  /** Set for a redirect, which is reported and not followed. */
  location?: string;
  /** The first `maxResponseBytes` of the answer, as UTF-8. */
  body: string;
  truncated: boolean;
}

export interface SafeSender {
  post(request: OutboundRequest): Promise<OutboundResponse>;
  close(): Promise<void>;
}

const systemResolve = (hostname: string) =>
  new Promise<ResolvedAddress[]>((resolve, reject) =>
    systemLookup(hostname, { all: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses as ResolvedAddress[]),
    ),
  );

function checkedLookup(options: SafeSenderOptions): LookupFunction {
  const resolveName = options.resolve ?? systemResolve;
  return (hostname, lookupOptions, callback) => {
    resolveName(hostname).then(
      (addresses) => {
        const allowed = options.allowPrivateTargets
          ? addresses
          : addresses.filter(({ address }) => blockedAddressKind(address) === null);
        if (allowed.length === 0) {
          const first = addresses[0];
          const error = first
            ? blockedTargetError(hostname, first.address, blockedAddressKind(first.address)!)
            : new OutboundError('dns_failed', `${hostname} has no address`);
          callback(error, '', 0);
        } else if (lookupOptions.all) callback(null, allowed);
        else callback(null, allowed[0]!.address, allowed[0]!.family);
      },
      (error: unknown) => {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        callback(new OutboundError('dns_failed', `cannot resolve ${hostname}: ${reason}`), '', 0);
      },
    );
  };
}

function targetUrl(raw: string, allowPrivateTargets: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('invalid_url', 'the target is not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundError(
      'unsupported_scheme',
      `the target must be http or https, not ${url.protocol}`,
    );
  // The URL parser has already turned every IPv4 spelling (2130706433, 0x7f.1) into dotted form.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literalKind = /^[\d.]+$|:/.test(host) ? blockedAddressKind(host) : null;
  if (literalKind && !allowPrivateTargets) throw blockedTargetError(host, host, literalKind);
  return url;
}

/** The OutboundError inside whatever undici threw. */
function translate(error: unknown, timedOut: boolean): OutboundError {
  for (let cause = error; cause instanceof Error; cause = cause.cause)
    if (cause instanceof OutboundError) return cause;
  if (timedOut) return new OutboundError('timeout', 'the target did not answer in time');
  const code = (error as NodeJS.ErrnoException).code ?? '';
  if (/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT/.test(code))
    return new OutboundError('connect_failed', `cannot connect to the target (${code})`);
  return new OutboundError('request_failed', `the request failed (${code || 'no code'})`);
}

async function readCapped(body: AsyncIterable<Buffer>, max: number) {
  const chunks: Buffer[] = [];
  let size = 0;
  let truncated = false;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size > max) {
      truncated = true;
      break; // leaving the loop destroys the stream: the rest is never read
    }
  }
  return { body: Buffer.concat(chunks).subarray(0, max).toString('utf8'), truncated };
}

export function createSafeSender(options: SafeSenderOptions): SafeSender {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxResponseBytes = options.maxResponseBytes ?? 4096;
  const agent = new Agent({ connect: { lookup: checkedLookup(options), timeout: timeoutMs } });
  return {
    async post({ url, headers, body }) {
      const target = targetUrl(url, options.allowPrivateTargets);
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await request(target, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body,
          dispatcher: agent,
          signal,
        });
        const location = response.headers.location;
        return {
          status: response.statusCode,
          ...(typeof location === 'string' ? { location } : {}),
          ...(await readCapped(response.body, maxResponseBytes)),
        };
      } catch (error) {
        throw translate(error, signal.aborted);
      }
    },
    close: () => agent.close(),
  };
}
