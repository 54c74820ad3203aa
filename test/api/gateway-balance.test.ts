// GET /api/v1/users/{id}/balance: what the gateway shows for a user now, read through the
// daemon's gateway client — what an operator compares with an unknown grant to resolve it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';

describe('the gateway balance of a user', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { honoursIdempotency: false });
    h.mock.setFaults({ honour_idempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('shows whether an unknown grant arrived: the balance includes it', async () => {
    await h.call('PUT', '/api/v1/users/bal-1', { org: 'bal-org' });
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'balance-unknown',
      title: 't',
      type: 'single',
      amount: 12.5,
      condition: 'belong-to("bal-org")',
      enabled: true,
    });
    h.mock.setFaults({ drop_after_apply_rate: 1 });
    await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    const row = await h.call('GET', `/api/v1/grants?user_id=bal-1`);
    expect(row.body.items[0]).toMatchObject({ status: 'unknown', amount: 12.5 });

    const answer = await h.call('GET', '/api/v1/users/bal-1/balance');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      user_id: 'bal-1',
      protocol: 'total_minus_used',
      balance: 12.5,
      used: 0,
      read_at: h.clock.now().toISOString(),
      error: null,
    });
  });

  it('reads users the daemon does not know (a deleted user) for an admin; a viewer gets 404', async () => {
    const answer = await h.call('GET', '/api/v1/users/never-stored/balance');
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ user_id: 'never-stored', balance: 0, error: null });
    // A viewer may read only ids the daemon knows (user_info or the ledger): no probing of
    // arbitrary gateway accounts with a read-only token.
    const viewer = await h.call('GET', '/api/v1/users/never-stored/balance', undefined, {
      token: VIEWER_TOKEN,
    });
    expect(viewer.status).toBe(404);
    const anonymous = await h.call('GET', '/api/v1/users/never-stored/balance', undefined, {
      token: null,
    });
    expect(anonymous.status).toBe(401);
  });

  it('says why when the gateway cannot be read, instead of failing the request', async () => {
    h.mock.setFaults({ failure_rate: 1, status: 503 });
    try {
      const answer = await h.call('GET', '/api/v1/users/bal-1/balance');
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ balance: null, used: null });
      expect(answer.body.error).toMatch(/503/);
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
  });
});
