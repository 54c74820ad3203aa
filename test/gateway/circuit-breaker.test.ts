// The circuit breaker as a state machine with a hand-moved clock, then inside the real client
// against the real mock gateway: an outage costs a bounded number of requests, not one per call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import {
  CircuitBreaker,
  createAiGatewayClient,
  GatewayError,
  type CircuitChange,
} from '../../src/gateway/index.ts';

function breakerAt(start = 1_000) {
  let now = start;
  const changes: CircuitChange[] = [];
  const breaker = new CircuitBreaker({
    failureThreshold: 3,
    cooldownMs: 1_000,
    maxCooldownMs: 3_000,
    now: () => now,
    onChange: (c) => changes.push(c),
  });
  return {
    breaker,
    changes,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('CircuitBreaker', () => {
  it('opens after the threshold of consecutive failures; a success in between resets the count', () => {
    const { breaker, changes } = breakerAt();
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state).toBe('closed');
    expect(breaker.allowsRequests()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    expect(breaker.allowsRequests()).toBe(false);
    expect(changes).toEqual([{ state: 'open', consecutiveFailures: 3, retryAt: 2_000 }]);
  });

  it('lets a probe through after the cooldown; success closes, failure doubles the wait up to the cap', () => {
    const { breaker, changes, advance } = breakerAt();
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    advance(999);
    expect(breaker.allowsRequests()).toBe(false);
    advance(1);
    expect(breaker.state).toBe('half_open');
    breaker.recordFailure(); // probe failed: 2 s
    expect(breaker.retryAt()).toBe(2_000 + 2_000);
    advance(2_000);
    breaker.recordFailure(); // 4 s, capped at 3 s
    expect(breaker.retryAt()).toBe(4_000 + 3_000);
    advance(3_000);
    breaker.recordSuccess();
    expect(breaker.state).toBe('closed');
    expect(changes.map((c) => c.state)).toEqual([
      'open',
      'half_open',
      'open',
      'half_open',
      'open',
      'closed',
    ]);
    // Closed again: the threshold and the first cooldown apply afresh.
    for (let i = 0; i < 3; i++) breaker.recordFailure();
    expect(breaker.retryAt()).toBe(7_000 + 1_000);
  });
});

describe('the gateway client with a circuit breaker', () => {
  const KEY = 'breaker-test-key';
  // A bare gateway the test controls and counts: 503 while `down`, the Higress envelope otherwise.
  let down = true;
  let requests = 0;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      requests++;
      req.resume();
      req.on('end', () => {
        res.writeHead(down ? 503 : 200, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify(
            down
              ? { success: false, code: 503, message: 'down' }
              : { success: true, code: 200, message: 'ok', data: { quota: 1 } },
          ),
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );

  const client = (breaker: CircuitBreaker, now: () => number, authValue = KEY) =>
    createAiGatewayClient({
      baseUrl: url,
      adminPath: '/v1/chat/completions/quota',
      authHeader: 'x-admin-key',
      authValue,
      timeoutMs: 2_000,
      maxAttempts: 3,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 2,
      sleep: async () => undefined,
      honoursIdempotency: true,
      breaker,
      now,
    });

  it('stops sending during an outage, probes after the cooldown, and recovers', async () => {
    let now = 1_000_000;
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 5_000, now: () => now });
    const gateway = client(breaker, () => now);
    const delta = (i: number) =>
      gateway.deltaQuota(`b-${i}`, 1, { idempotencyKey: `qm:9:once:b-${i}` });
    down = true;
    requests = 0;
    const errors: GatewayError[] = [];
    for (let i = 0; i < 20; i++)
      errors.push(
        await delta(i).then(
          () => {
            throw new Error('should fail');
          },
          (e: unknown) => {
            if (!(e instanceof GatewayError)) throw e;
            return e;
          },
        ),
      );
    // Two operations of three attempts each reached the gateway; the other 18 were refused here.
    expect(requests).toBe(6);
    expect(errors.slice(0, 2).every((e) => e.reason === 'http_status' && e.status === 503)).toBe(
      true,
    );
    expect(
      errors.slice(2).every((e) => e.reason === 'circuit_open' && !e.uncertain && !e.retryable),
    ).toBe(true);
    expect(errors[2]!.message).toContain(new Date(now + 5_000).toISOString());

    // Readiness pings are not refused: they report the gateway as it is.
    await expect(gateway.ping()).rejects.toMatchObject({ status: 503 });
    expect(requests).toBe(7);

    down = false;
    await expect(delta(100)).rejects.toMatchObject({ reason: 'circuit_open' });
    expect(requests).toBe(7);
    now += 5_000;
    await delta(101); // the probe goes through and closes the circuit
    expect(breaker.state).toBe('closed');
    await delta(102);
    expect(requests).toBe(9);
  });

  it('ping neither closes nor opens the circuit: /readyz cannot reset it from outside (issue 12 I)', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const gateway = client(breaker, Date.now);
    down = true;
    await expect(gateway.getQuota('x')).rejects.toMatchObject({ status: 503 });
    expect(breaker.state).toBe('open');
    down = false;
    await gateway.ping();
    expect(breaker.state).toBe('open');
    await expect(gateway.getQuota('x')).rejects.toMatchObject({ reason: 'circuit_open' });

    const closed = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 60_000 });
    const other = client(closed, Date.now);
    down = true;
    await expect(other.ping()).rejects.toMatchObject({ status: 503 });
    expect(closed.state).toBe('closed');
    down = false;
  });
});

describe('the gateway client against the mock gateway', () => {
  let gw: RunningMockGateway;
  beforeAll(async () => {
    gw = await startMockGateway({ authValue: 'right-key' });
  });
  afterAll(() => gw.close());

  it('a gateway that refuses our key opens the circuit too; a user it rejects does not', async () => {
    const options = {
      baseUrl: gw.url,
      adminPath: '/v1/chat/completions/quota',
      authHeader: 'x-admin-key',
      timeoutMs: 2_000,
      maxAttempts: 1,
      retryBaseDelayMs: 1,
      retryMaxDelayMs: 2,
    };
    const refused = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 5_000 });
    const wrongKey = createAiGatewayClient({ ...options, authValue: 'wrong', breaker: refused });
    await expect(wrongKey.getQuota('x')).rejects.toMatchObject({ status: 401 });
    await expect(wrongKey.getQuota('x')).rejects.toMatchObject({ status: 401 });
    expect(refused.state).toBe('open');

    const fine = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 5_000 });
    const rightKey = createAiGatewayClient({ ...options, authValue: 'right-key', breaker: fine });
    for (let i = 0; i < 3; i++)
      await expect(rightKey.deltaQuota('', 1, { idempotencyKey: 'k' })).rejects.toMatchObject({
        reason: 'invalid_argument',
      });
    expect(fine.state).toBe('closed');
  });
});
