// Ending gateway calls: a request slower than the timeout, and every call when the client's
// signal aborts (the daemon's shutdown), is destroyed with its connection rather than left
// running; a delta cut off in flight is uncertain (never a plain failure), and nothing more is
// sent. Against the real mock gateway over HTTP, through a TCP relay that records when the
// client's connections close, which is what the gateway sees.
import { randomUUID } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/gateway-failure.ts';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import { createAiGatewayClient, type GatewayClientOptions } from '../../src/gateway/index.ts';

const KEY = 'abort-test-secret';
const ADMIN = '/v1/chat/completions/quota';
let gw: RunningMockGateway;
let relay: Server;
let relayUrl: string;
/** When each client connection through the relay closed (ms since the epoch). */
const closedAt: number[] = [];
let open = 0;

beforeAll(async () => {
  gw = await startMockGateway({ authValue: KEY });
  const target = new URL(gw.url);
  relay = createServer((client: Socket) => {
    open += 1;
    const upstream = createConnection(Number(target.port), target.hostname);
    client.pipe(upstream).on('error', () => undefined);
    upstream.pipe(client).on('error', () => undefined);
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      open -= 1;
      closedAt.push(Date.now());
      upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const address = relay.address();
  if (address === null || typeof address === 'string') throw new Error('relay has no port');
  relayUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => relay.close(() => resolve()));
  await gw.close();
});
afterEach(() => {
  gw.setFaults({});
});

function client(overrides: Partial<GatewayClientOptions> = {}) {
  return createAiGatewayClient({
    baseUrl: relayUrl,
    adminPath: ADMIN,
    authHeader: 'x-admin-key',
    authValue: KEY,
    timeoutMs: 5_000,
    maxAttempts: 3,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1_000,
    ...overrides,
  });
}

const key = () => `qm:1:once:${randomUUID()}`;

/** Resolves once the relay has seen `n` connection closes in all, or rejects after `ms`. */
async function closes(n: number, ms = 2_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (closedAt.length < n) {
    if (Date.now() > deadline) throw new Error(`relay saw ${closedAt.length} closes, not ${n}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('gateway calls that end early', () => {
  it('a delta slower than the timeout ends at the timeout, uncertain, and its connection is closed', async () => {
    gw.setFaults({ latency_ms: 3_000 });
    const before = closedAt.length;
    const started = Date.now();
    const error = await failure(
      client({ timeoutMs: 300 }).deltaQuota(`u-${randomUUID()}`, 1, { idempotencyKey: key() }),
    );
    const elapsed = Date.now() - started;
    expect(error.reason).toBe('timeout');
    expect(error.uncertain).toBe(true);
    expect(error.attempts).toBe(1); // an uncertain delta is not re-sent to a key-ignoring gateway
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(1_000);
    // The gateway sees the connection go at the timeout, not when its slow answer would come.
    await closes(before + 1, 500);
    expect(closedAt.at(-1)! - started).toBeLessThan(1_000);
  });

  it('aborting the signal ends a delta in flight at once: uncertain, reason aborted, connection closed', async () => {
    gw.setFaults({ latency_ms: 3_000 });
    const controller = new AbortController();
    const gateway = client({ signal: controller.signal, honoursIdempotency: true });
    const before = closedAt.length;
    const call = failure(gateway.deltaQuota(`u-${randomUUID()}`, 1, { idempotencyKey: key() }));
    await new Promise((resolve) => setTimeout(resolve, 200)); // the request is at the gateway
    expect(open).toBeGreaterThan(0);
    const abortedAt = Date.now();
    controller.abort();
    const error = await call;
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(error.reason).toBe('aborted');
    expect(error.aborted).toBe(true);
    // It may have reached the gateway: uncertain, and not re-sent even with honoured keys.
    expect(error.uncertain).toBe(true);
    expect(error.retryable).toBe(false);
    expect(error.attempts).toBe(1);
    await closes(before + 1, 500);
    expect(closedAt.at(-1)! - abortedAt).toBeLessThan(500);
  });

  it('a call waiting to retry ends at once when the signal aborts, and sends nothing more', async () => {
    gw.setFaults({ failure_rate: 1, status: 503 });
    const controller = new AbortController();
    const gateway = client({
      signal: controller.signal,
      retryBaseDelayMs: 10_000,
      retryMaxDelayMs: 10_000,
      // The top of the full-jitter range: a random wait could fall inside the 300 ms below.
      random: () => 1,
    });
    const deltasBefore = gw.state().deltas;
    const call = failure(gateway.getQuota(`u-${randomUUID()}`));
    await new Promise((resolve) => setTimeout(resolve, 300)); // first attempt failed; waiting
    const abortedAt = Date.now();
    controller.abort();
    const error = await call;
    expect(Date.now() - abortedAt).toBeLessThan(200);
    expect(error.reason).toBe('aborted');
    expect(error.uncertain).toBe(false); // a read, and a 503 before anything was applied
    expect(error.attempts).toBe(1);
    expect(gw.state().deltas).toBe(deltasBefore);
  });

  it('after the signal aborted, a delta is not sent at all: certain, zero attempts', async () => {
    const controller = new AbortController();
    controller.abort();
    const gateway = client({ signal: controller.signal });
    const user = `u-${randomUUID()}`;
    const opened = closedAt.length + open;
    const error = await failure(gateway.deltaQuota(user, 1, { idempotencyKey: key() }));
    expect(error.reason).toBe('aborted');
    expect(error.uncertain).toBe(false);
    expect(error.attempts).toBe(0);
    expect(closedAt.length + open).toBe(opened); // no connection was made
    expect(gw.state().quotas[user]).toBeUndefined();
  });
});
