// The messages between the worker-thread gateway (worker-gateway.ts, main thread) and its worker
// (gateway-worker.ts). Calls and answers travel in batches, one message per event-loop turn on
// each side, because posting a message costs about as much as the smaller half of a request.
import type { GatewayClientOptions } from './client-options.ts';
import type { GatewayErrorReason } from './gateway-error.ts';

/** What the worker needs to build its client: plain data, no functions (they cannot cross). */
export type WorkerClientSettings = Pick<
  GatewayClientOptions,
  | 'baseUrl'
  | 'adminPath'
  | 'authHeader'
  | 'authValue'
  | 'timeoutMs'
  | 'maxAttempts'
  | 'retryBaseDelayMs'
  | 'retryMaxDelayMs'
  | 'retryAfterMaxMs'
  | 'honoursIdempotency'
  | 'concurrency'
>;

import type { Deadline } from '../core/clock.ts';

export type CallKind = 'get_quota' | 'get_used' | 'delta_quota' | 'refresh_quota';

/** One call; `value` is the delta or the absolute quota, `key` the delta's idempotency key. */
export interface CallMessage {
  id: number;
  kind: CallKind;
  userId: string;
  value?: number;
  key?: string;
  /** The caller's lease deadline: no attempt starts after it (see MutationOptions). */
  sendBefore?: Deadline;
}

export type ToWorker = { type: 'calls'; calls: CallMessage[] } | { type: 'abort' };

/** A GatewayError's fields: every one the scanner, the breaker and the metrics read. */
export interface GatewayErrorFields {
  message: string;
  reason: GatewayErrorReason;
  status?: number;
  retryable: boolean;
  uncertain: boolean;
  retryAfterMs?: number;
  attempts: number;
}

export type CallResult =
  /** `data`: the envelope's data of a read (the amount is parsed on the main thread). */
  | { id: number; ok: true; data?: unknown }
  | { id: number; ok: false; gatewayError: GatewayErrorFields }
  /** Anything but a GatewayError (a defect): passed on as a plain Error, like in-thread. */
  | { id: number; ok: false; message: string };

export interface LogRecord {
  msg: string;
  fields: Record<string, unknown>;
}

export interface FromWorker {
  /**
   * Sent once, before the worker takes its first call: a worker that dies before it said so
   * (it could not load) sent nothing, so its calls end certain.
   */
  ready?: true;
  results: CallResult[];
  /** The client's retry warnings, for the daemon's logger (which redacts, as for every line). */
  warnings: LogRecord[];
}
