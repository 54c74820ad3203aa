// An expiry pass cut short by a gateway outage: the breaker opens while expiries are claimed and
// queued but not yet sent. Their lots are already marked expired (the claim is the record that
// they must be taken back), so the claims must survive the stop and be sent once the gateway is
// back — a grant's unsent claim may be released (the next scan derives it again from the
// condition), an expiry's may not (nothing would derive it again).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/circuit-breaker.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';
import { sleep } from '../support/fault-helpers.ts';

const USERS = 30;

describe.each(DATABASE_KINDS)('an expiry pass stopped by an outage, on %s', (kind) => {
  let h: Harness;
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 3_600_000 });
  beforeAll(async () => {
    h = await createHarness(kind, {
      now: '2026-12-07T00:00:00Z',
      reconcile: 'query',
      breaker,
      pageSize: 100,
      gatewayMaxAttempts: 1,
    });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const balance = (userId: string) => {
    const state = h.mock.state();
    return Math.round(((state.quotas[userId] ?? 0) - (state.used[userId] ?? 0)) * 100) / 100;
  };
  const scan = async () => {
    const answer = await h.call('POST', '/api/v1/strategies/scan');
    expect(answer.status).toBe(200);
  };

  it('sends every expiry it had claimed once the gateway is back: none is lost', async () => {
    const org = unique('outage');
    const ids = Array.from({ length: USERS }, (_, i) => `${org}-${i}-é`);
    const bulk = await h.call(
      'POST',
      '/api/v1/users/bulk',
      ids.map((id) => ({ id, org })),
    );
    expect(bulk.status).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: org,
      title: 't',
      type: 'single',
      enabled: true,
      amount: 100,
      condition: `belong-to("${org}")`,
      expires_at: '2026-12-08T00:00:00Z',
    });
    expect(created.status).toBe(201);
    await scan();
    expect(ids.map(balance)).toEqual(ids.map(() => 100));
    const grants = h.mock.state().deltas;

    h.clock.set(new Date('2026-12-09T00:00:00Z'));
    h.mock.setFaults({ latency_ms: 150 });
    const pass = scan();
    // The gateway goes down once the first expiry has landed: the rest are claimed, some queued,
    // and the breaker opens at the first failure.
    while (h.mock.state().deltas === grants) await sleep(5);
    h.mock.setFaults({ down_for_s: 3600, status: 503 });
    breaker.recordFailure();
    await pass;
    const takenBack = ids.filter((id) => balance(id) === 0).length;
    expect(takenBack).toBeGreaterThan(0);
    expect(takenBack).toBeLessThan(USERS);

    h.mock.setFaults({ latency_ms: 0, down_for_s: 0 });
    breaker.recordSuccess();
    await scan();
    await scan();
    expect(ids.filter((id) => balance(id) !== 0).map((id) => `${id}: ${balance(id)}`)).toEqual([]);
    expect(h.mock.state().deltas).toBe(grants + USERS);
  });
});
