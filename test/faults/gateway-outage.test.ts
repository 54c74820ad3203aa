// A gateway outage: every call fails for a while (503, then 429 with Retry-After), then the
// gateway recovers. Grants complete exactly once after recovery; retries are bounded, spaced
// by backoff, and visible in the logs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe.each(DATABASE_KINDS)('gateway outage on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => { h = await createHarness(kind, { gatewayMaxAttempts: 3 }); });
  afterAll(async () => { await h.destroy(); });

  it('grants exactly once after recovery, with bounded, logged retries', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `outage-${i}`);
    await h.call('POST', '/api/v1/users/bulk', ids.map((id) => ({ id, org: 'outage' })));
    const strategy = (await h.call('POST', '/api/v1/strategies', { name: 'outage', title: 'o', type: 'single', amount: 2, condition: 'belong-to("outage")' })).body;

    h.mock.setFaults({ failure_rate: 1, status: 503 });
    const during = [];
    for (let tick = 0; tick < 3; tick++) during.push((await h.call('POST', '/api/v1/strategies/scan')).body);
    h.mock.setFaults({ failure_rate: 1, status: 429, retry_after_s: 0 });
    during.push((await h.call('POST', '/api/v1/strategies/scan')).body);
    expect(during.every((summary) => summary.granted === 0)).toBe(true);
    expect(h.mock.state().deltas).toBe(0);

    const retries = h.logger.lines.filter((l) => l.message === 'gateway request failed, retrying');
    expect(retries.length).toBeGreaterThan(0);
    expect(retries.some((l) => l.fields?.status === 503)).toBe(true);
    expect(retries.some((l) => l.fields?.status === 429)).toBe(true);
    const rows = (await h.call('GET', `/api/v1/strategies/${strategy.id}/executions?limit=100`)).body.items as { status: string; attempts: number }[];
    expect(rows.every((r) => r.status === 'failed' && r.attempts === 4)).toBe(true);

    h.mock.setFaults({ failure_rate: 0 });
    const recovered = (await h.call('POST', '/api/v1/strategies/scan')).body;
    expect(recovered.granted).toBeGreaterThanOrEqual(20);
    await h.call('POST', '/api/v1/strategies/scan');
    expect(h.mock.state().deltas).toBe(20);
    for (const id of ids) expect(h.mock.state().quotas[id]).toBe(2);
  });
});
