// The worker-thread gateway (gateway.worker_thread) against the real mock gateway over HTTP: the
// requests run in a real worker thread, and what crosses back must say exactly what the
// in-thread client says — above all, a delta whose answer was lost, or that was in flight when
// the daemon stopped, stays uncertain. The circuit breaker and the logger stay in this thread.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/gateway-failure.ts';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import {
  CircuitBreaker,
  createWorkerGateway,
  type GatewayClientOptions,
  type WorkerGateway,
} from '../../src/gateway/index.ts';

const KEY = 'worker-test-secret';
let gw: RunningMockGateway;
const opened: WorkerGateway[] = [];

beforeAll(async () => {
  gw = await startMockGateway({ authValue: KEY, honourIdempotency: true });
});
afterAll(async () => {
  await Promise.all(opened.map((gateway) => gateway.close()));
  await gw.close();
});
afterEach(() => {
  gw.setFaults({});
  gw.setFaults({ honour_idempotency: true });
});

const userId = () => `u-${randomUUID()}`;
const grantKey = () => `qm:1:once:${randomUUID()}`;

function gateway(overrides: Partial<GatewayClientOptions> = {}) {
  const warnings: { msg: string; fields: Record<string, unknown> }[] = [];
  const client = createWorkerGateway({
    baseUrl: gw.url,
    adminPath: '/v1/chat/completions/quota',
    authHeader: 'x-admin-key',
    authValue: KEY,
    timeoutMs: 5_000,
    maxAttempts: 3,
    retryBaseDelayMs: 1,
    retryMaxDelayMs: 5,
    logger: { warn: (msg, fields) => void warnings.push({ msg, fields: fields ?? {} }) },
    ...overrides,
  });
  opened.push(client);
  return { client, warnings };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the worker-thread gateway', () => {
  it('grants, reads and sets quotas through the worker, many calls at once', async () => {
    const { client } = gateway({ concurrency: 4 });
    const users = Array.from({ length: 40 }, userId);
    await Promise.all(users.map((u) => client.deltaQuota(u, 2.5, { idempotencyKey: grantKey() })));
    for (const u of users) expect(gw.state().quotas[u]).toBe(2.5);
    expect(await client.getQuota(users[0]!)).toBe(2.5);
    await client.refreshQuota(users[1]!, 40);
    expect(await client.getQuota(users[1]!)).toBe(40);
    expect(await client.getUsed(users[1]!)).toBe(0);
    await client.ping();
  });

  it('a refused request is a certain failure with every field of the in-thread error', async () => {
    // The main thread's redaction applies to messages made in the worker.
    const { client } = gateway({ redact: (text) => text.replaceAll('127.0.0.1', '[redacted]') });
    const user = userId();
    // The mock refuses a third decimal place: HTTP 400, the gateway's own refusal.
    const error = await failure(client.deltaQuota(user, 1.234, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'http_status',
      status: 400,
      retryable: false,
      uncertain: false,
      attempts: 1,
      aborted: false,
      code: 'gateway_error',
    });
    expect(error.message).toMatch(
      /^gateway delta_quota at http:\/\/\[redacted\]:\d+\/v1\/chat\/completions\/quota failed after 1 attempt: gateway answered HTTP 400: value must be a decimal/,
    );
    expect(gw.state().quotas[user]).toBeUndefined();

    const wrongKey = gateway({ authValue: `not-${KEY}` }).client;
    expect(await failure(wrongKey.getQuota(user))).toMatchObject({
      status: 401,
      uncertain: false,
      retryable: false,
    });
  });

  it('invalid arguments are refused in the calling thread, like the in-thread client', async () => {
    const { client } = gateway();
    expect(await failure(client.getQuota(''))).toMatchObject({ reason: 'invalid_argument' });
    expect(
      await failure(client.deltaQuota(userId(), Number.NaN, { idempotencyKey: grantKey() })),
    ).toMatchObject({ reason: 'invalid_argument', uncertain: false });
    expect(await failure(client.deltaQuota(userId(), 1, { idempotencyKey: '' }))).toMatchObject({
      reason: 'invalid_argument',
    });
  });

  it('a connection cut after the delta was applied stays uncertain across the thread boundary', async () => {
    const { client, warnings } = gateway({ honoursIdempotency: false });
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    const error = await failure(client.deltaQuota(user, 3, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'connection_lost',
      retryable: true,
      uncertain: true,
      attempts: 1, // never re-sent to a gateway that ignores keys
    });
    expect(warnings).toEqual([]);
    expect(gw.state().quotas[user]).toBe(3);
  });

  it("the worker's retry warnings reach this thread's logger, with their structured fields", async () => {
    const { client, warnings } = gateway({ maxAttempts: 2 });
    gw.setFaults({ failure_rate: 1, status: 503 });
    const user = userId();
    const error = await failure(client.getQuota(user));
    expect(error).toMatchObject({ status: 503, retryable: true, attempts: 2, uncertain: false });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      msg: 'gateway request failed, retrying',
      fields: { operation: 'get_quota', user_id: user, attempt: 1, max_attempts: 2, status: 503 },
    });
    expect(JSON.stringify(warnings)).not.toContain(KEY);
  });

  it('aborting the signal (shutdown) ends a delta in flight uncertain, and later calls are not sent', async () => {
    const controller = new AbortController();
    const { client } = gateway({ signal: controller.signal, honoursIdempotency: true });
    await client.getQuota(userId()); // the worker is up
    gw.setFaults({ latency_ms: 3_000 });
    const call = failure(client.deltaQuota(userId(), 1, { idempotencyKey: grantKey() }));
    await sleep(300); // the request is at the gateway
    const abortedAt = Date.now();
    controller.abort();
    const error = await call;
    expect(Date.now() - abortedAt).toBeLessThan(1_000);
    expect(error).toMatchObject({
      reason: 'aborted',
      aborted: true,
      uncertain: true,
      retryable: false,
      attempts: 1,
    });
    gw.setFaults({ latency_ms: 0 });
    const user = userId();
    const later = await failure(client.deltaQuota(user, 1, { idempotencyKey: grantKey() }));
    expect(later).toMatchObject({ reason: 'aborted', uncertain: false, attempts: 0 });
    await sleep(100);
    expect(gw.state().quotas[user]).toBeUndefined();
  });

  it('a delta in flight when the worker is terminated is uncertain; a read is not', async () => {
    const { client } = gateway();
    await client.getQuota(userId());
    gw.setFaults({ latency_ms: 3_000 });
    const delta = failure(client.deltaQuota(userId(), 1, { idempotencyKey: grantKey() }));
    const read = failure(client.getQuota(userId()));
    await sleep(300);
    await client.close();
    expect(await delta).toMatchObject({ reason: 'aborted', uncertain: true, retryable: false });
    expect(await read).toMatchObject({ reason: 'aborted', uncertain: false });
    expect(await failure(client.getQuota(userId()))).toMatchObject({ attempts: 0 });
  });

  it('the breaker in this thread opens after outages and then refuses without sending', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 });
    const { client } = gateway({ breaker, maxAttempts: 1 });
    gw.setFaults({ failure_rate: 1, status: 503 });
    for (let i = 0; i < 2; i += 1)
      await failure(client.deltaQuota(userId(), 1, { idempotencyKey: grantKey() }));
    expect(breaker.state).toBe('open');
    gw.setFaults({ failure_rate: 0 }); // the gateway would apply it now: nothing may be sent
    const user = userId();
    const refused = await failure(client.deltaQuota(user, 1, { idempotencyKey: grantKey() }));
    expect(refused).toMatchObject({ reason: 'circuit_open', uncertain: false, attempts: 0 });
    await sleep(100);
    expect(gw.state().quotas[user]).toBeUndefined();
    // A refusal (one request's problem) is not an outage: it leaves a closed breaker closed.
    const healthy = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const other = gateway({ breaker: healthy }).client;
    await failure(other.deltaQuota(userId(), 1.234, { idempotencyKey: grantKey() }));
    expect(healthy.state).toBe('closed');
    await other.deltaQuota(userId(), 1, { idempotencyKey: grantKey() });
    expect(healthy.state).toBe('closed');
  });
});
