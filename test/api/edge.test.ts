// The HTTP edge against abuse and odd input (issue 12 I, J, K, 9): /readyz cannot be used to
// hammer the gateway or reset the circuit breaker, rate limits see through id spellings and
// count failed logins, health checks and refused requests do not make scans yield, paths
// that are not UTF-8 are refused, and the admin token may come in X-Admin-Token.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/index.ts';
import { InteractiveGate } from '../../src/scheduler/interactive-gate.ts';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';

/** Completed gateway pings seen by the metrics histogram. */
async function pings(h: Harness): Promise<number> {
  const metric = await h.metrics.gatewayRequestDuration.get();
  return metric.values
    .filter((v) => v.metricName?.endsWith('_count') && v.labels.operation === 'ping')
    .reduce((sum, v) => sum + v.value, 0);
}

describe('/readyz (issue 12 I, 6)', () => {
  let h: Harness;
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 600_000 });
  beforeAll(async () => {
    h = await createHarness('sqlite', { breaker, rateLimitPerMinute: 30 });
  });
  afterAll(() => h.destroy());

  it('probes the gateway at most once per few seconds however often it is called', async () => {
    const before = await pings(h);
    const answers = await Promise.all(
      Array.from({ length: 25 }, () => h.call('GET', '/readyz', undefined, { token: null })),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect((await pings(h)) - before).toBe(1);
    h.clock.advance(10_000);
    expect((await h.call('GET', '/readyz', undefined, { token: null })).status).toBe(200);
    expect((await pings(h)) - before).toBe(2);
  });

  it('never closes an open circuit breaker', async () => {
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    h.clock.advance(10_000);
    expect((await h.call('GET', '/readyz', undefined, { token: null })).status).toBe(200);
    expect(breaker.state).toBe('open');
    breaker.recordSuccess();
  });

  it('is rate-limited per client', async () => {
    h.clock.advance(60_000);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++)
      statuses.push((await h.call('GET', '/readyz', undefined, { token: null })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('says why the gateway check failed, naming the gateway URL', async () => {
    h.clock.advance(60_000);
    const url = h.mock.url;
    await h.mock.close();
    const ready = await h.call('GET', '/readyz', undefined, { token: null });
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'unavailable',
      checks: { database: 'ok', gateway: 'failed' },
    });
    expect(ready.body.errors.gateway).toContain(url);
    console.info(ready.body.errors.gateway);
    expect(ready.body.errors.gateway, ready.body.errors.gateway).toMatch(
      /ECONNREFUSED|ECONNRESET|socket hang up|UND_ERR_SOCKET/,
    );
  });
});

describe('rate limits and authentication (issue 12 J, 9)', () => {
  let h: Harness;
  // The real gate, counting the requests that reported themselves as interactive work.
  const gate = new (class extends InteractiveGate {
    begun = 0;
    override begin(): void {
      this.begun++;
      super.begin();
    }
  })();
  beforeAll(async () => {
    h = await createHarness('sqlite', { rateLimitPerMinute: 4, interactive: gate });
  });
  afterAll(() => h.destroy());

  it('counts failed authentication against the limit', async () => {
    h.clock.set('2026-01-15T11:00:05Z');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await h.call('GET', '/api/v1/strategies', undefined, { token: 'wrong-token-123456' }))
          .status,
      );
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
  });

  it('keys buckets on the route, so other spellings of an id share one (and are refused)', async () => {
    h.clock.set('2026-01-15T11:01:05Z');
    const spellings = ['1', '1.0', '0x1', '1e0', '+1', '01'];
    const answers = [];
    for (const id of spellings) answers.push(await h.call('GET', `/api/v1/strategies/${id}`));
    expect(answers.map((a) => a.status)).toEqual([404, 400, 400, 400, 429, 429]);
    expect(answers[1]!.body).toMatchObject({ code: 'validation_failed' });
  });

  it('refuses non-canonical ids in every id parameter with 400', async () => {
    h.clock.set('2026-01-15T11:02:05Z');
    const executions = await h.call('GET', '/api/v1/strategies/1e0/executions');
    expect(executions).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const resolve = await h.call('POST', '/api/v1/strategies/1/executions/0x2/resolve', {
      resolution: 'applied',
    });
    expect(resolve).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('does not count health checks or refused requests as interactive work', async () => {
    h.clock.set('2026-01-15T11:03:05Z');
    const before = gate.begun;
    await h.call('GET', '/healthz', undefined, { token: null });
    await h.call('GET', '/readyz', undefined, { token: null });
    await h.call('GET', '/api/v1/strategies', undefined, { token: null });
    expect(gate.begun).toBe(before);
    expect((await h.call('GET', '/api/v1/strategies')).status).toBe(200);
    expect(gate.begun).toBe(before + 1);
  });

  it('accepts the admin token in X-Admin-Token as well as Authorization: Bearer', async () => {
    h.clock.set('2026-01-15T11:04:05Z');
    const ok = await h.call('GET', '/api/v1/strategies', undefined, {
      token: null,
      headers: { 'x-admin-token': ADMIN_TOKEN },
    });
    expect(ok.status).toBe(200);
    const wrong = await h.call('GET', '/api/v1/strategies', undefined, {
      token: null,
      headers: { 'x-admin-token': 'not-the-token-123456' },
    });
    expect(wrong).toMatchObject({ status: 401, body: { code: 'unauthorized' } });
  });
});

describe('paths that are not UTF-8 (issue 12 K)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite');
  });
  afterAll(() => h.destroy());

  it.each(['%FF', '%C3%28', 'ok%E2%82'])(
    'answers 400 for /users/%s and stores nothing',
    async (id) => {
      const put = await h.call('PUT', `/api/v1/users/${id}`, { org: 'x' });
      expect(put).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
      expect((await h.call('GET', `/api/v1/users/${id}`)).status).toBe(400);
      const count = await h.database.db.userInfo.count({ where: { id: { contains: '%' } } });
      expect(count).toBe(0);
    },
  );

  it('still takes percent-encoded UTF-8 ids', async () => {
    const put = await h.call('PUT', `/api/v1/users/${encodeURIComponent('张三')}`, { org: 'x' });
    expect(put.status).toBe(200);
    expect(put.body.id).toBe('张三');
  });
});
