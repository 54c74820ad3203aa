// The AiGateway client against the real mock gateway over HTTP. `sleep` is injected so retries
// are instant and their delays can be asserted; faults are switched on and off through the
// running mock, sometimes from inside `sleep` to model a gateway that recovers mid-retry.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/gateway-failure.ts';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import {
  CircuitBreaker,
  createAiGatewayClient,
  GatewayConfigError,
  type GatewayClientOptions,
  type QuotaGateway,
} from '../../src/gateway/index.ts';
import { createTransport, sendRequest } from '../../src/gateway/send-request.ts';

const KEY = 'client-test-secret-value';
const ADMIN = '/v1/chat/completions/quota';
let gw: RunningMockGateway;

beforeAll(async () => {
  gw = await startMockGateway({ authValue: KEY, honourIdempotency: true });
});
afterAll(() => gw.close());
afterEach(() => {
  gw.setFaults({});
  gw.setFaults({ honour_idempotency: true });
});

const userId = () => `u-${randomUUID()}`;
const grantKey = () => `qm:1:once:${randomUUID()}`;

interface Harness {
  client: QuotaGateway;
  sleeps: number[];
  warnings: { msg: string; fields: Record<string, unknown> }[];
}

/** A client with instant, recorded sleeps; `onSleep` runs during each wait (e.g. to heal the gateway). */
function harness(
  overrides: Partial<GatewayClientOptions> = {},
  onSleep?: (n: number) => void,
): Harness {
  const sleeps: number[] = [];
  const warnings: Harness['warnings'] = [];
  const client = createAiGatewayClient({
    baseUrl: gw.url,
    adminPath: ADMIN,
    authHeader: 'x-admin-key',
    authValue: KEY,
    timeoutMs: 2_000,
    maxAttempts: 3,
    retryBaseDelayMs: 100,
    retryMaxDelayMs: 1_000,
    random: () => 0.5,
    sleep: async (ms) => {
      sleeps.push(ms);
      onSleep?.(sleeps.length);
    },
    logger: {
      warn: (msg, fields) => void warnings.push({ msg, fields: fields ?? {} }),
    },
    ...overrides,
  });
  return { client, sleeps, warnings };
}

async function waitFor(check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('protocol', () => {
  it('refreshQuota, deltaQuota and getQuota round-trip through the gateway', async () => {
    const { client } = harness();
    const user = userId();
    expect(await client.getQuota(user)).toBe(0);
    await client.refreshQuota(user, 100);
    await client.deltaQuota(user, 25.5, { idempotencyKey: grantKey() });
    await client.deltaQuota(user, -0.5, { idempotencyKey: grantKey() });
    expect(await client.getQuota(user)).toBe(125);
    expect(gw.state().quotas[user]).toBe(125);
  });

  it('keeps decimals exact end to end (0.1 + 0.2 = 0.3)', async () => {
    const { client } = harness();
    const user = userId();
    await client.deltaQuota(user, 0.1, { idempotencyKey: grantKey() });
    await client.deltaQuota(user, 0.2, { idempotencyKey: grantKey() });
    expect(await client.getQuota(user)).toBe(0.3);
  });

  it('getUsed reads the used balance', async () => {
    const { client } = harness();
    const user = userId();
    await fetch(`${gw.url}${ADMIN}/used/refresh`, {
      method: 'POST',
      headers: { 'x-admin-key': KEY },
      body: new URLSearchParams({ user_id: user, quota: '42.42' }),
    });
    expect(await client.getUsed(user)).toBe(42.42);
    expect(await client.getQuota(user)).toBe(0);
  });

  it('user ids with reserved characters are encoded, not mangled', async () => {
    const { client } = harness();
    const user = `odd id&user_id=x/${randomUUID()}?#`;
    await client.deltaQuota(user, 3, { idempotencyKey: grantKey() });
    expect(gw.state().quotas[user]).toBe(3);
    expect(await client.getQuota(user)).toBe(3);
  });

  it('ping succeeds against a healthy gateway and fails fast, without retries, against a failing one', async () => {
    const { client, sleeps } = harness();
    await expect(client.ping()).resolves.toBeUndefined();
    gw.setFaults({ failure_rate: 1 });
    const error = await failure(client.ping());
    expect(error).toMatchObject({ status: 503, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('a base URL with a path prefix and trailing slashes is joined correctly', async () => {
    const { client } = harness({ baseUrl: `${gw.url}/`, adminPath: `${ADMIN}/` });
    const user = userId();
    await client.deltaQuota(user, 1, { idempotencyKey: grantKey() });
    expect(gw.state().quotas[user]).toBe(1);
  });
});

describe('errors that retrying cannot fix', () => {
  it('a wrong admin key is a non-retryable 401, tried once', async () => {
    const { client, sleeps } = harness({ authValue: 'wrong' });
    const user = userId();
    const error = await failure(client.deltaQuota(user, 1, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      code: 'gateway_error',
      reason: 'http_status',
      status: 401,
      retryable: false,
      uncertain: false,
      attempts: 1,
    });
    expect(error.message).toContain('missing or wrong x-admin-key header');
    expect(sleeps).toEqual([]);
    expect(gw.state().quotas[user]).toBeUndefined();
    await expect(failure(client.ping())).resolves.toMatchObject({ status: 401 });
  });

  it('an empty admin key sends no auth header at all', async () => {
    const seen: (string | undefined)[] = [];
    const probe = createServer((req, res) => {
      seen.push(req.headers['x-admin-key'] as string | undefined);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"success":true,"data":{"quota":1}}');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    try {
      const { client } = harness({
        baseUrl: `http://127.0.0.1:${(probe.address() as { port: number }).port}`,
        authValue: '',
      });
      expect(await client.getQuota('u')).toBe(1);
      expect(seen).toEqual([undefined]);
    } finally {
      probe.closeAllConnections();
      await new Promise((resolve) => probe.close(resolve));
    }
  });

  it('an amount the gateway refuses (3 decimals) is a non-retryable 400', async () => {
    const { client, sleeps } = harness();
    const error = await failure(client.deltaQuota(userId(), 0.125, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({ status: 400, retryable: false, uncertain: false, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it.each<[string, (c: QuotaGateway) => Promise<unknown>]>([
    ['NaN amount', (c) => c.deltaQuota('u', Number.NaN, { idempotencyKey: 'k' })],
    ['infinite amount', (c) => c.refreshQuota('u', Number.POSITIVE_INFINITY)],
    ['amount in exponent form', (c) => c.deltaQuota('u', 1e21, { idempotencyKey: 'k' })],
    ['empty user id', (c) => c.deltaQuota('', 1, { idempotencyKey: 'k' })],
    ['empty idempotency key', (c) => c.deltaQuota('u', 1, { idempotencyKey: '' })],
    ['empty user id on a read', (c) => c.getQuota('')],
  ])('%s is refused before anything is sent', async (_name, call) => {
    const { client } = harness();
    const before = gw.state();
    const error = await failure(call(client));
    expect(error).toMatchObject({ reason: 'invalid_argument', retryable: false, uncertain: false });
    expect(gw.state()).toEqual(before);
  });

  it.each<[string, Partial<GatewayClientOptions>]>([
    ['baseUrl', { baseUrl: 'not a url' }],
    ['baseUrl', { baseUrl: 'ftp://example.com' }],
    ['baseUrl', { baseUrl: 'http://user:pass@example.com' }],
    ['adminPath', { adminPath: '/' }],
    ['maxAttempts', { maxAttempts: 0 }],
    ['timeoutMs', { timeoutMs: 1.5 }],
    ['concurrency', { concurrency: 0 }],
    ['retryBaseDelayMs', { retryBaseDelayMs: -1 }],
  ])('invalid option %s is a GatewayConfigError naming it', (option, overrides) => {
    let thrown: unknown;
    try {
      harness(overrides);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(GatewayConfigError);
    expect(thrown).toMatchObject({ code: 'config_invalid', option });
  });
});

describe('retries', () => {
  it('a gateway that keeps failing is retried maxAttempts times with jittered backoff, then a retryable error', async () => {
    const { client, sleeps, warnings } = harness();
    const user = userId();
    gw.setFaults({ failure_rate: 1, status: 503 });
    const error = await failure(client.deltaQuota(user, 5, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'http_status',
      status: 503,
      retryable: true,
      uncertain: false,
      attempts: 3,
    });
    // The message names the gateway, so a ledger row's last_error says where it failed.
    expect(error.message).toBe(
      `gateway delta_quota at ${gw.url}${ADMIN} failed after 3 attempts: gateway answered HTTP 503: injected failure`,
    );
    // random() = 0.5: half of 100 ms, then half of 200 ms.
    expect(sleeps).toEqual([50, 100]);
    expect(gw.state().quotas[user]).toBeUndefined();

    expect(warnings.map((w) => w.fields)).toEqual([
      {
        operation: 'delta_quota',
        user_id: user,
        attempt: 1,
        max_attempts: 3,
        status: 503,
        reason: 'http_status',
        uncertain: false,
        delay_ms: 50,
      },
      {
        operation: 'delta_quota',
        user_id: user,
        attempt: 2,
        max_attempts: 3,
        status: 503,
        reason: 'http_status',
        uncertain: false,
        delay_ms: 100,
      },
    ]);
    expect(warnings.every((w) => w.msg === 'gateway request failed, retrying')).toBe(true);
    expect(JSON.stringify(warnings)).not.toContain(KEY);
  });

  it('a gateway that recovers mid-retry gets the grant exactly once', async () => {
    const user = userId();
    const before = gw.state().deltas;
    const { client, sleeps } = harness({ maxAttempts: 5 }, (n) => {
      if (n === 2) gw.setFaults({ failure_rate: 0 });
    });
    gw.setFaults({ failure_rate: 1 });
    await client.deltaQuota(user, 12.34, { idempotencyKey: grantKey() });
    expect(sleeps).toHaveLength(2);
    expect(gw.state().quotas[user]).toBe(12.34);
    expect(gw.state().deltas).toBe(before + 1);
  });

  it('429 waits exactly the Retry-After the gateway asked for', async () => {
    const { client, sleeps, warnings } = harness({}, () => gw.setFaults({ failure_rate: 0 }));
    gw.setFaults({ failure_rate: 1, status: 429, retry_after_s: 7 });
    const user = userId();
    await client.deltaQuota(user, 1, { idempotencyKey: grantKey() });
    expect(sleeps).toEqual([7_000]);
    expect(warnings[0]?.fields).toMatchObject({ status: 429, delay_ms: 7_000 });
    expect(gw.state().quotas[user]).toBe(1);
  });

  it('429 without Retry-After falls back to backoff', async () => {
    const { client, sleeps } = harness({}, () => gw.setFaults({ failure_rate: 0 }));
    gw.setFaults({ failure_rate: 1, status: 429 });
    expect(await client.getQuota(userId())).toBe(0);
    expect(sleeps).toEqual([50]);
  });

  it('a Retry-After longer than retryAfterMaxMs gives up at once and reports the wait', async () => {
    const { client, sleeps } = harness({ retryAfterMaxMs: 1_000 });
    gw.setFaults({ failure_rate: 1, status: 429, retry_after_s: 5 });
    const error = await failure(client.getQuota(userId()));
    expect(error).toMatchObject({ status: 429, retryable: true, retryAfterMs: 5_000, attempts: 1 });
    expect(sleeps).toEqual([]);
  });

  it('an unreachable gateway is a retryable connect failure that certainly applied nothing', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise((resolve) => closed.close(resolve));

    const { client, sleeps } = harness({ baseUrl: `http://127.0.0.1:${port}` });
    const error = await failure(client.deltaQuota(userId(), 1, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'connect_failed',
      retryable: true,
      uncertain: false,
      attempts: 3,
    });
    expect(sleeps).toHaveLength(2);
  });

  it('ping does not queue behind requests holding every concurrency slot', async () => {
    gw.setFaults({ latency_ms: 500 });
    const { client } = harness({ concurrency: 1 });
    const slow = client.getQuota(userId());
    const started = performance.now();
    // ping waits out its own added latency, but not another 500 ms queued behind `slow`.
    await client.ping();
    expect(performance.now() - started).toBeLessThan(850);
    await slow;
  });

  it('concurrency bounds the requests in flight', async () => {
    gw.setFaults({ latency_ms: 100 });
    const { client } = harness({ concurrency: 2 });
    const started = performance.now();
    await Promise.all(Array.from({ length: 6 }, () => client.getQuota(userId())));
    // 6 requests of ≥100 ms, two at a time: at least three rounds.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe('uncertain outcomes', () => {
  it('a timeout on a delta is uncertain — and the slow gateway did apply it later', async () => {
    const { client } = harness({ timeoutMs: 100, maxAttempts: 1 });
    const user = userId();
    gw.setFaults({ latency_ms: 600 });
    const error = await failure(client.deltaQuota(user, 2, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'timeout',
      retryable: true,
      uncertain: true,
      attempts: 1,
    });
    await waitFor(() => gw.state().quotas[user] === 2);
  });

  it('a timeout on a read is retryable but not uncertain (nothing to apply)', async () => {
    const { client } = harness({ timeoutMs: 100, maxAttempts: 1 });
    gw.setFaults({ latency_ms: 400 });
    const error = await failure(client.getQuota(userId()));
    expect(error).toMatchObject({ reason: 'timeout', retryable: true, uncertain: false });
  });

  it('a connection dropped after the delta was applied is uncertain, and the mock shows it applied', async () => {
    const { client } = harness({ maxAttempts: 1 });
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1 });
    const error = await failure(client.deltaQuota(user, 3, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({
      reason: 'connection_lost',
      retryable: true,
      uncertain: true,
      attempts: 1,
    });
    expect(gw.state().quotas[user]).toBe(3);
  });

  it('retrying a dropped delta reuses its Idempotency-Key, so a key-honouring gateway applies it once', async () => {
    const user = userId();
    const before = gw.state();
    const { client, sleeps } = harness({ honoursIdempotency: true }, () =>
      gw.setFaults({ drop_after_apply_rate: 0 }),
    );
    gw.setFaults({ drop_after_apply_rate: 1 });
    await client.deltaQuota(user, 10, { idempotencyKey: grantKey() });
    expect(sleeps).toHaveLength(1);
    const after = gw.state();
    expect(after.quotas[user]).toBe(10);
    expect(after.deltas).toBe(before.deltas + 1);
    expect(after.idempotent_replays).toBe(before.idempotent_replays + 1);
  });

  it('calling deltaQuota again with the same key (e.g. after a crash) grants nothing new', async () => {
    const { client } = harness();
    const user = userId();
    const key = grantKey();
    await client.deltaQuota(user, 4, { idempotencyKey: key });
    await client.deltaQuota(user, 4, { idempotencyKey: key });
    expect(gw.state().quotas[user]).toBe(4);
  });

  it.each([
    ['honoursIdempotency=false', { honoursIdempotency: false }],
    ['the default (the safe side)', {}],
  ])('with %s an uncertain delta is never re-sent', async (_name, overrides) => {
    const { client, sleeps } = harness(overrides);
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    const error = await failure(client.deltaQuota(user, 6, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({ uncertain: true, attempts: 1 });
    expect(sleeps).toEqual([]);
    expect(gw.state().quotas[user]).toBe(6);
  });

  it('refreshQuota is re-sent after a dropped connection whatever the setting: setting a value twice is harmless', async () => {
    const { client, sleeps } = harness({ honoursIdempotency: false }, () =>
      gw.setFaults({ drop_after_apply_rate: 0 }),
    );
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    await client.refreshQuota(user, 50);
    expect(sleeps).toHaveLength(1);
    expect(gw.state().quotas[user]).toBe(50);
  });

  it('with honoursIdempotency=false a certain failure is still retried', async () => {
    const { client, sleeps } = harness({ honoursIdempotency: false }, () =>
      gw.setFaults({ failure_rate: 0 }),
    );
    const user = userId();
    gw.setFaults({ failure_rate: 1, honour_idempotency: false });
    await client.deltaQuota(user, 6, { idempotencyKey: grantKey() });
    expect(sleeps).toHaveLength(1);
    expect(gw.state().quotas[user]).toBe(6);
  });

  it('why the setting matters: re-sending to a gateway that ignores keys grants twice', async () => {
    const { client } = harness({ honoursIdempotency: true }, () =>
      gw.setFaults({ drop_after_apply_rate: 0 }),
    );
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    await client.deltaQuota(user, 5, { idempotencyKey: grantKey() });
    expect(gw.state().quotas[user]).toBe(10);
  });

  it('uncertainty is sticky: a dropped attempt followed by clean failures still ends uncertain', async () => {
    const { client } = harness({ honoursIdempotency: true }, (n) => {
      if (n === 1) gw.setFaults({ drop_after_apply_rate: 0, failure_rate: 1, status: 503 });
    });
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1 });
    const error = await failure(client.deltaQuota(user, 1, { idempotencyKey: grantKey() }));
    expect(error).toMatchObject({ status: 503, uncertain: true, attempts: 3 });
    expect(gw.state().quotas[user]).toBe(1);
  });

  it('a 502 or 504 on a delta is uncertain (a proxy may have forwarded it); a 503 is not', async () => {
    for (const [status, uncertain] of [
      [502, true],
      [504, true],
      [503, false],
    ] as const) {
      const { client } = harness({ maxAttempts: 1 });
      gw.setFaults({ failure_rate: 1, status });
      const error = await failure(client.deltaQuota(userId(), 1, { idempotencyKey: grantKey() }));
      expect(error).toMatchObject({ status, uncertain });
    }
  });
});

describe('answers from gateways other than our mock', () => {
  let server: Server;
  let base: string;
  let reply: { status: number; body: string } = { status: 200, body: '' };

  beforeAll(async () => {
    // A bare HTTP server answering whatever the test sets: real sockets, no module mocks.
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () =>
        res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the real Higress plugin envelope (string codes, quota as a string)', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({
        code: 'ai-gateway.queryquota',
        message: 'query quota successful',
        success: true,
        data: { user_id: 'u', quota: '42', type: 'total_quota' },
      }),
    };
    expect(await harness({ baseUrl: base }).client.getQuota('u')).toBe(42);
  });

  it('success:false with a 4xx code in a 200 answer is a non-retryable refusal', async () => {
    reply = { status: 200, body: JSON.stringify({ code: 403, message: 'nope', success: false }) };
    const { client, sleeps } = harness({ baseUrl: base });
    const error = await failure(client.deltaQuota('u', 1, { idempotencyKey: 'k' }));
    expect(error).toMatchObject({
      reason: 'rejected',
      retryable: false,
      uncertain: false,
      attempts: 1,
    });
    expect(sleeps).toEqual([]);
  });

  it('success:false without a 4xx code is retried', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ code: 'ai-gateway.error', message: 'redis down', success: false }),
    };
    const error = await failure(harness({ baseUrl: base }).client.getQuota('u'));
    expect(error).toMatchObject({ reason: 'rejected', retryable: true, attempts: 3 });
  });

  it('an unreadable 2xx answer to a delta is uncertain and not retried', async () => {
    reply = { status: 200, body: '<html>proxy page</html>' };
    const error = await failure(
      harness({ baseUrl: base }).client.deltaQuota('u', 1, { idempotencyKey: 'k' }),
    );
    expect(error).toMatchObject({
      reason: 'bad_response',
      retryable: false,
      uncertain: true,
      attempts: 1,
    });
    expect(error.message).toContain('<html>proxy page</html>');
  });

  it('a query answer without a numeric quota is a bad response', async () => {
    reply = {
      status: 200,
      body: JSON.stringify({ code: 200, success: true, data: { user_id: 'u' } }),
    };
    const error = await failure(harness({ baseUrl: base }).client.getQuota('u'));
    expect(error).toMatchObject({ reason: 'bad_response', retryable: false });
  });

  it('an HTTP-date Retry-After is honoured using the injected clock', async () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const dated = createServer((req, res) => {
      req.resume();
      res.writeHead(429, { 'retry-after': 'Sat, 01 Mar 2025 12:00:09 GMT' }).end('{}');
    });
    await new Promise<void>((resolve) => dated.listen(0, '127.0.0.1', resolve));
    try {
      const { client, sleeps } = harness({
        baseUrl: `http://127.0.0.1:${(dated.address() as { port: number }).port}`,
        maxAttempts: 2,
        now: () => now,
      });
      await failure(client.getQuota('u'));
      expect(sleeps).toEqual([9_000]);
    } finally {
      dated.closeAllConnections();
      await new Promise((resolve) => dated.close(resolve));
    }
  });
});

describe('user ids outside Latin-1 (issue 12 B)', () => {
  it('Chinese and emoji user ids are granted, with the Idempotency-Key percent-encoded as UTF-8', async () => {
    const seen: string[] = [];
    const probe = createServer((req, res) => {
      seen.push(req.headers['idempotency-key'] as string);
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"success":true}');
    });
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    try {
      const { client } = harness({
        baseUrl: `http://127.0.0.1:${(probe.address() as { port: number }).port}`,
      });
      await client.deltaQuota('张三', 1, { idempotencyKey: 'qm:7:once:张三' });
      await client.deltaQuota('a 100%😀', 1, { idempotencyKey: 'qm:7:once:a 100%😀' });
      expect(seen).toEqual(['qm:7:once:%E5%BC%A0%E4%B8%89', 'qm:7:once:a%20100%25%F0%9F%98%80']);
    } finally {
      probe.closeAllConnections();
      await new Promise((resolve) => probe.close(resolve));
    }

    // Through the real mock: applied, and a repeated key is still recognised as the same grant.
    gw.setFaults({ honour_idempotency: true });
    const { client } = harness();
    for (const user of [`张三-${randomUUID()}`, `😀-${randomUUID()}`, `ユーザー-${randomUUID()}`]) {
      const key = `qm:1:once:${user}`;
      await client.deltaQuota(user, 2, { idempotencyKey: key });
      await client.deltaQuota(user, 2, { idempotencyKey: key });
      expect(gw.state().quotas[user]).toBe(2);
      expect(await client.getQuota(user)).toBe(2);
    }
  });

  it('a request Node refuses to send is a certain, non-retryable failure the breaker does not count', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 2, cooldownMs: 60_000 });
    const transport = createTransport(gw.url);
    for (let i = 0; i < 5; i++) {
      const error = await failure(
        sendRequest(
          {
            method: 'POST',
            path: `${ADMIN}/delta`,
            headers: { 'x-admin-key': KEY, 'x-note': '张三' },
            form: new URLSearchParams({ user_id: userId(), value: '1' }),
            mutating: true,
          },
          2_000,
          Date.now,
          transport,
        ),
      );
      expect(error).toMatchObject({ reason: 'not_sent', retryable: false, uncertain: false });
    }
    const { client, sleeps } = harness({ breaker });
    // Nothing in a user id can make the client build such a request any more; 20 of them
    // leave the breaker closed and the gateway serving everyone else.
    for (let i = 0; i < 20; i++) {
      const user = `用户${i}-${randomUUID()}`;
      await client.deltaQuota(user, 1, { idempotencyKey: `qm:9:once:${user}` });
    }
    expect(sleeps).toEqual([]);
    expect(breaker.state).toBe('closed');
  });

  it('an admin key Node cannot send is refused when the client is created', () => {
    expect(() => harness({ authValue: 'ключ' })).toThrow(GatewayConfigError);
    expect(() => harness({ authValue: 'ключ' })).toThrow(/authValue/);
    expect(() => harness({ authHeader: 'x key' })).toThrow(/authHeader/);
  });
});
