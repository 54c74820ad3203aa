// The worker thread's side of worker-gateway.ts: runs each call it is sent through the real
// client operations (requests, retries, limiter, timeouts) and sends back the outcome. No
// circuit breaker and no redaction here: both stay on the main thread, which owns the one
// breaker and the logger's secrets. Loaded through gateway-worker-entry.js.
import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { GatewayError } from './gateway-error.ts';
import { createGatewayOperations, type Operation } from './gateway-operations.ts';
import type {
  CallMessage,
  CallResult,
  FromWorker,
  LogRecord,
  ToWorker,
  WorkerClientSettings,
} from './worker-protocol.ts';

if (parentPort === null) throw new Error('gateway-worker.ts runs only as a worker thread');
const port = parentPort;

const stop = new AbortController();
// One listener per request in flight and per call waiting to retry: at the default concurrency,
// Node's leak warning (at 11 listeners) would be noise, not a leak.
setMaxListeners(0, stop.signal);
let results: CallResult[] = [];
let warnings: LogRecord[] = [];
let flushing = false;

/** One message per event-loop turn carries every answer that completed in it. */
function send(result: CallResult | undefined, warning?: LogRecord): void {
  if (result !== undefined) results.push(result);
  if (warning !== undefined) warnings.push(warning);
  if (flushing) return;
  flushing = true;
  setImmediate(() => {
    flushing = false;
    const message: FromWorker = { results, warnings };
    results = [];
    warnings = [];
    port.postMessage(message);
  });
}

const operations = createGatewayOperations({
  ...(workerData as WorkerClientSettings),
  signal: stop.signal,
  logger: { warn: (msg, fields) => send(undefined, { msg, fields: fields ?? {} }) },
});

function operationOf(call: CallMessage): Operation {
  switch (call.kind) {
    case 'get_quota':
      return operations.getQuota(call.userId);
    case 'get_used':
      return operations.getUsed(call.userId);
    case 'delta_quota':
      return operations.delta(call.userId, call.value!, call.key!, call.sendBefore);
    case 'refresh_quota':
      return operations.refresh(call.userId, call.value!, call.sendBefore);
  }
}

async function perform(call: CallMessage): Promise<void> {
  try {
    const envelope = await operations.run(operationOf(call));
    const read = call.kind === 'get_quota' || call.kind === 'get_used';
    send(read ? { id: call.id, ok: true, data: envelope.data } : { id: call.id, ok: true });
  } catch (error) {
    if (error instanceof GatewayError) {
      const { message, reason, status, retryable, uncertain, retryAfterMs, attempts } = error;
      const fields = { message, reason, status, retryable, uncertain, retryAfterMs, attempts };
      send({ id: call.id, ok: false, gatewayError: fields });
    } else {
      send({
        id: call.id,
        ok: false,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

port.postMessage({ ready: true, results: [], warnings: [] } satisfies FromWorker);
port.on('message', (message: ToWorker) => {
  if (message.type === 'abort') stop.abort();
  else for (const call of message.calls) void perform(call);
});
