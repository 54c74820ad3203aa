// Admin API limits: per-route rate limit with Retry-After, and a request timeout that answers
// 503 instead of holding a connection forever.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe('rate limit', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('answers 429 with Retry-After past the per-route budget, and recovers next minute', async () => {
    h.clock.set('2026-01-15T10:00:10Z');
    for (let i = 0; i < 5; i++)
      expect((await h.call('GET', '/api/v1/strategies')).status).toBe(200);
    const limited = await h.call('GET', '/api/v1/strategies');
    expect(limited).toMatchObject({ status: 429, body: { code: 'rate_limited' } });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Other routes have their own budget; ids share one.
    expect((await h.call('GET', '/api/v1/strategies/1')).status).toBe(404);
    expect((await h.call('GET', '/api/v1/strategies/2')).status).toBe(404);
    expect((await h.call('GET', '/healthz', undefined, { token: null })).status).toBe(200);
    h.clock.advance(60_000);
    expect((await h.call('GET', '/api/v1/strategies')).status).toBe(200);
  });
});

describe('request timeout', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { requestTimeoutMs: 300 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('answers 503 when a request outlives the timeout; synchronous runs are exempt', async () => {
    await h.call('PUT', '/api/v1/users/slow-1', { org: 'slow' });
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'slow',
      title: 'slow',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: 'belong-to("slow") and quota-le("m", 10)',
    });
    h.mock.setFaults({ latency_ms: 800 });
    try {
      const preview = await h.call('POST', `/api/v1/strategies/${created.body.id}/preview`);
      expect(preview).toMatchObject({ status: 503, body: { code: 'request_timeout' } });
      const run = await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
      expect(run).toMatchObject({ status: 200, body: { granted: 1 } });
    } finally {
      h.mock.setFaults({ latency_ms: 0 });
    }
  });
});
