// The send deadline (a scan lease's fence): no attempt of a balance-changing call starts once
// the caller's deadline has passed — not the first, not a retry — whether the client runs in
// this thread or in the gateway worker thread. A call refused that way is `fenced`, uncertain
// only if an earlier attempt was. Against the real mock gateway over HTTP; its delta log says
// what reached it.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { monotonicMs, type Deadline } from '../../src/core/clock.ts';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import {
  createAiGatewayClient,
  createWorkerGateway,
  type GatewayClientOptions,
} from '../../src/gateway/index.ts';
import { failure } from '../support/gateway-failure.ts';

const KEY = 'fence-test-secret';
let gw: RunningMockGateway;

beforeAll(async () => {
  gw = await startMockGateway({ authValue: KEY });
});
afterAll(async () => {
  await gw.close();
});
afterEach(() => {
  gw.setFaults({});
});

const options = (overrides: Partial<GatewayClientOptions> = {}): GatewayClientOptions => ({
  baseUrl: gw.url,
  adminPath: '/v1/chat/completions/quota',
  authHeader: 'x-admin-key',
  authValue: KEY,
  timeoutMs: 300,
  maxAttempts: 3,
  retryBaseDelayMs: 400,
  retryMaxDelayMs: 400,
  honoursIdempotency: true,
  ...overrides,
});

/** A deadline `ms` from now on both clocks (negative: already passed). */
const deadlineIn = (ms: number): Deadline => ({
  monotonicMs: monotonicMs() + ms,
  wallMs: Date.now() + ms,
});

const deltasFor = (user: string) => gw.deltaLog(0, 10_000).items.filter((d) => d.user_id === user);

describe.each([
  ['in this thread', (o: GatewayClientOptions) => createAiGatewayClient(o)],
  ['in the worker thread', (o: GatewayClientOptions) => createWorkerGateway(o)],
] as const)('fenced sends %s', (_, create) => {
  it('a delta past its deadline is not sent: fenced, certain', async () => {
    const client = create(options());
    try {
      const user = `u-${randomUUID()}`;
      const error = await failure(
        client.deltaQuota(user, 5, {
          idempotencyKey: `qm:1:once:${user}`,
          sendBefore: deadlineIn(-1),
        }),
      );
      expect(error).toMatchObject({ reason: 'fenced', uncertain: false, attempts: 0 });
      const refreshed = await failure(client.refreshQuota(user, 9, { sendBefore: deadlineIn(-1) }));
      expect(refreshed).toMatchObject({ reason: 'fenced', uncertain: false });
      expect(deltasFor(user)).toEqual([]);
      expect(gw.state().quotas[user] ?? 0).toBe(0);
    } finally {
      await client.close();
    }
  });

  it('a retry that would start past the deadline is not sent; the call stays uncertain', async () => {
    const client = create(options());
    try {
      const user = `u-${randomUUID()}`;
      // A worker thread starts on its first call: start it before the deadline counts.
      await client.getQuota(user);
      // Each attempt times out after 300 ms (the mock answers after 1 s, and applies); the
      // waits between attempts are random (full jitter, up to 400 ms), so the deadline at 500 ms
      // falls before the second or the third attempt: never all three are sent.
      gw.setFaults({ latency_ms: 1_000 });
      const error = await failure(
        client.deltaQuota(user, 5, {
          idempotencyKey: `qm:1:once:${user}`,
          sendBefore: deadlineIn(500),
        }),
      );
      expect(error).toMatchObject({ reason: 'fenced', uncertain: true });
      expect([1, 2]).toContain(error.attempts);
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      // What reached the gateway is exactly the attempts made before the deadline.
      expect(deltasFor(user)).toHaveLength(error.attempts);
    } finally {
      await client.close();
    }
  });

  it('a deadline in the future changes nothing', async () => {
    const client = create(options());
    try {
      const user = `u-${randomUUID()}`;
      await client.deltaQuota(user, 5, {
        idempotencyKey: `qm:1:once:${user}`,
        sendBefore: deadlineIn(60_000),
      });
      expect(deltasFor(user)).toHaveLength(1);
    } finally {
      await client.close();
    }
  });
});
