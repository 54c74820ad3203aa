// Gateway counters above what quota-manager computes with exactly (docs/gateway.md, "Large
// counters"): JSON.parse turns 9007199254740993 into 9007199254740992, and a top-up computed
// from rounded counters sends the wrong delta. The client reads the number's exact text and
// refuses such a counter: the grant fails with the reason and nothing is sent. The real mock
// gateway holds the counters as literal numbers (POST /__mock/counters). The refusal happens in
// the gateway client, before anything database-specific, so one database is enough here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, GATEWAY_KEY, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe('gateway counters beyond the exact range', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite');
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function holdCounters(userId: string, quota: string, used: string) {
    const response = await fetch(`${h.mock.url}/__mock/counters`, {
      method: 'POST',
      headers: { 'x-admin-key': GATEWAY_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ user_id: userId, quota, used }),
    });
    expect(response.status).toBe(200);
  }

  it('a top-up of a user whose total is 9007199254740993 is refused with the reason, and nothing is sent', async () => {
    const org = unique('big');
    const userId = `${org}-u`;
    expect((await h.call('PUT', `/api/v1/users/${userId}`, { org })).status).toBe(200);
    // True balance 890; as doubles the two counters differ by 888.
    await holdCounters(userId, '9007199254740993', '9007199254740103');
    const strategy = await h.call('POST', '/api/v1/strategies', {
      name: unique('s'),
      title: 't',
      type: 'single',
      enabled: true,
      mode: 'top_up',
      amount: 1000,
      condition: `belong-to("${org}")`,
    });
    expect(strategy.status).toBe(201);
    const id = (strategy.body as { id: number }).id;

    const preview = await h.call('POST', `/api/v1/strategies/${id}/preview`);
    expect(preview.body).toMatchObject({ would_grant: 1, total_amount: 0, balance_unread: 1 });

    const run = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(run.body).toMatchObject({ granted: 0, failed: 1 });
    const ledger = await h.call('GET', `/api/v1/strategies/${id}/executions`);
    const [row] = (ledger.body as { items: { status: string; last_error: string }[] }).items;
    expect(row!.status).toBe('failed');
    expect(row!.last_error).toContain(
      'gateway get_quota answer 9007199254740993 is beyond ±999999999999.99',
    );
    expect(h.mock.state().deltas).toBe(0);
  });
});
