// QuotaGateway whose HTTP work runs in a worker thread (gateway.worker_thread): the scan's event
// loop then only queries, claims and records, while requests, retries, the limiter and timeouts
// run in gateway-worker.ts. What decides safety stays here, on the main thread: the one circuit
// breaker (shared with the scanner, /readyz and the metrics), argument checks, redaction, the
// logger. Each call's GatewayError is rebuilt here field by field; a mutation whose worker dies
// or is stopped while it is in flight ends uncertain, never "not sent".
import { Worker } from 'node:worker_threads';
import { createAiGatewayClient } from './ai-gateway-client.ts';
import { guardedByBreaker } from './breaker-guard.ts';
import type { GatewayClientOptions } from './client-options.ts';
import { GatewayError } from './gateway-error.ts';
import { amountFrom } from './gateway-amount.ts';
import {
  abortedBeforeAttempt,
  formatAmount,
  requireIdempotencyKey,
  requireUserId,
} from './gateway-operations.ts';
import type { GatewayClient } from './quota-gateway.ts';
import type {
  CallKind,
  CallMessage,
  FromWorker,
  GatewayErrorFields,
  ToWorker,
  WorkerClientSettings,
} from './worker-protocol.ts';

/** close() ends the worker thread; calls still in flight end as when it dies (see above). */
export type WorkerGateway = GatewayClient;

interface PendingCall {
  kind: CallKind;
  resolve: (data: unknown) => void;
  reject: (error: Error) => void;
  /** The worker it was posted to; undefined while it waits for the next batch. */
  worker?: Worker;
}

const ENTRY = new URL('./gateway-worker-entry.js', import.meta.url);

/**
 * `options.sleep`, `random` and `now` are not passed to the worker (functions cannot cross
 * threads): retries there use real time. ping() runs in this thread (one request per /readyz).
 */
export function createWorkerGateway(options: GatewayClientOptions): WorkerGateway {
  // Validates the options at wiring time, and answers ping() without the worker.
  const inThread = createAiGatewayClient(options);
  const settings = workerSettings(options);
  const now = options.now ?? Date.now;
  const redact = options.redact ?? ((text: string) => text);
  const pending = new Map<number, PendingCall>();
  let queue: CallMessage[] = [];
  let nextId = 1;
  let inFlight = 0;
  let worker: Worker | undefined;
  /** Workers that said they were ready to take calls (see FromWorker.ready). */
  const ready = new WeakSet<Worker>();
  let stopping = false;

  function start(): Worker {
    const started = new Worker(ENTRY, { workerData: settings });
    started.on('message', (message: FromWorker) => {
      if (message.ready === true) ready.add(started);
      receive(message);
    });
    started.on('error', (error) => {
      options.logger?.warn('gateway worker thread failed', { error: redact(error.message) });
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failInFlight(started, code);
    });
    return started;
  }

  function receive({ results, warnings }: FromWorker): void {
    for (const { msg, fields } of warnings) options.logger?.warn(msg, fields);
    for (const result of results) {
      const call = pending.get(result.id);
      if (call === undefined) continue;
      settled(result.id);
      if (result.ok) call.resolve(result.data);
      else if ('gatewayError' in result) call.reject(rebuilt(result.gatewayError));
      else call.reject(new Error(result.message));
    }
  }

  /**
   * Whatever a worker that took calls was sending when it ended may have reached the gateway. One
   * that never became ready took none: Node delivers a worker's messages before its 'exit'.
   */
  function failInFlight(dead: Worker, exitCode: number): void {
    for (const [id, call] of pending) {
      if (call.worker !== dead) continue;
      settled(id);
      if (!ready.has(dead)) {
        call.reject(notStarted(call.kind, exitCode));
        continue;
      }
      const mutating = call.kind === 'delta_quota' || call.kind === 'refresh_quota';
      const how = stopping ? 'was stopped' : `exited (code ${exitCode})`;
      call.reject(
        new GatewayError(
          `gateway ${call.kind}: the gateway worker thread ${how} with this call in flight${mutating ? '; it may have been applied' : ''}`,
          {
            reason: stopping ? 'aborted' : 'connection_lost',
            retryable: false,
            uncertain: mutating,
          },
        ),
      );
    }
  }

  function settled(id: number): void {
    pending.delete(id);
    // An idle worker must not keep the process alive (as idle pooled sockets do not).
    if (--inFlight === 0) worker?.unref();
  }

  const rebuilt = (fields: GatewayErrorFields) =>
    new GatewayError(redact(fields.message), {
      reason: fields.reason,
      status: fields.status,
      retryable: fields.retryable,
      uncertain: fields.uncertain,
      retryAfterMs: fields.retryAfterMs,
      attempts: fields.attempts,
    });

  /** One batch per event-loop turn: posting a message per call would cost most of what it saves. */
  function flush(): void {
    const calls = queue;
    queue = [];
    if (calls.length === 0) return;
    worker ??= start();
    worker.ref();
    for (const call of calls) pending.get(call.id)!.worker = worker;
    inFlight += calls.length;
    worker.postMessage({ type: 'calls', calls } satisfies ToWorker);
  }

  /** Calls not yet posted when the daemon stops were never sent: they end certain. */
  function dropQueued(): void {
    for (const call of queue) {
      const waiting = pending.get(call.id)!;
      pending.delete(call.id);
      waiting.reject(abortedBeforeAttempt(waiting.kind, 0, false));
    }
    queue = [];
  }

  function proxy(message: Omit<CallMessage, 'id'>): Promise<unknown> {
    if (stopping || options.signal?.aborted === true)
      return Promise.reject(abortedBeforeAttempt(message.kind, 0, false));
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { kind: message.kind, resolve, reject });
      if (queue.length === 0) setImmediate(flush);
      queue.push({ id, ...message });
    });
  }

  const execute = (message: Omit<CallMessage, 'id'>) =>
    guardedByBreaker(options.breaker, message.kind, now, () => proxy(message));

  options.signal?.addEventListener(
    'abort',
    () => {
      dropQueued();
      worker?.postMessage({ type: 'abort' } satisfies ToWorker);
    },
    { once: true },
  );

  let closing: Promise<void> | undefined;
  async function shutDown(): Promise<void> {
    stopping = true;
    dropQueued();
    const running = worker;
    if (running !== undefined) await running.terminate();
    await inThread.close();
  }

  // Arguments are checked here, in the order the in-thread client checks them, so an invalid
  // call is refused before the breaker sees it, exactly as there.
  return {
    // The worker's retries cannot see a signal of this thread: a read asked for after it
    // aborted is not sent; one already handed to the worker runs to its end.
    async getQuota(userId, opts) {
      requireUserId(userId);
      if (opts?.signal?.aborted === true) throw abortedBeforeAttempt('get_quota', 0, false);
      const data = await execute({ kind: 'get_quota', userId });
      return amountFrom('get_quota', data);
    },
    async getUsed(userId, opts) {
      requireUserId(userId);
      if (opts?.signal?.aborted === true) throw abortedBeforeAttempt('get_used', 0, false);
      const data = await execute({ kind: 'get_used', userId });
      return amountFrom('get_used', data);
    },
    async deltaQuota(userId, value, opts) {
      const key = opts.idempotencyKey;
      requireIdempotencyKey(key);
      requireUserId(userId);
      formatAmount(value);
      await execute({ kind: 'delta_quota', userId, value, key, sendBefore: opts.sendBefore });
    },
    async refreshQuota(userId, quota, opts) {
      requireUserId(userId);
      formatAmount(quota);
      await execute({ kind: 'refresh_quota', userId, value: quota, sendBefore: opts?.sendBefore });
    },
    ping: () => inThread.ping(),
    // Once: a second close() waits for the first.
    close: () => (closing ??= shutDown()),
  };
}

function notStarted(kind: CallKind, exitCode: number): GatewayError {
  return new GatewayError(
    `gateway ${kind} not sent: the gateway worker thread exited (code ${exitCode}) before it could take calls`,
    { reason: 'not_sent', retryable: false, uncertain: false, attempts: 0 },
  );
}

function workerSettings(options: GatewayClientOptions): WorkerClientSettings {
  return {
    baseUrl: options.baseUrl,
    adminPath: options.adminPath,
    authHeader: options.authHeader,
    authValue: options.authValue,
    timeoutMs: options.timeoutMs,
    maxAttempts: options.maxAttempts,
    retryBaseDelayMs: options.retryBaseDelayMs,
    retryMaxDelayMs: options.retryMaxDelayMs,
    retryAfterMaxMs: options.retryAfterMaxMs,
    honoursIdempotency: options.honoursIdempotency,
    concurrency: options.concurrency,
  };
}
