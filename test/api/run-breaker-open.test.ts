// "Run now" while the gateway's circuit breaker is open: the API says the gateway was not
// available (the counts of a paused run say nothing), and the console shows it as an error,
// never as a green "matched 0".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/gateway/index.ts';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

describe('run now with the circuit breaker open', () => {
  const breaker = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 600_000 });
  let h: Harness;
  let strategyId: number;
  beforeAll(async () => {
    h = await createHarness('sqlite', { breaker });
    const org = unique('paused');
    expect((await h.call('POST', '/api/v1/users/bulk', [{ id: `${org}-1`, org }])).status).toBe(
      200,
    );
    strategyId = (await createOrgStrategy(h, org)).id;
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('answers gateway_available: true while the breaker is closed', async () => {
    const other = await createOrgStrategy(h, unique('nobody'));
    const run = await h.call('POST', `/api/v1/strategies/${other.id}/run`);
    expect(run.body).toMatchObject({ gateway_available: true });
  });

  it('answers gateway_available: false, and the console shows an error, not a green notice', async () => {
    breaker.recordFailure();
    expect(breaker.state).toBe('open');
    const deltas = h.mock.state().deltas;
    const run = await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    expect(run).toMatchObject({ status: 200, body: { granted: 0, gateway_available: false } });
    expect(h.mock.state().deltas).toBe(deltas);

    const signIn = await h.app.request('/ui/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ADMIN_TOKEN }).toString(),
    });
    const cookie = /qm_session=([^;]+)/.exec(signIn.headers.get('set-cookie') ?? '')![1]!;
    const page = await (
      await h.app.request(`/ui/strategies/${strategyId}`, {
        headers: { cookie: `qm_session=${cookie}` },
      })
    ).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1]!;
    expect(breaker.state).toBe('open');
    const posted = await h.app.request(`/ui/strategies/${strategyId}/run`, {
      method: 'POST',
      headers: {
        cookie: `qm_session=${cookie}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ _csrf: csrf, confirmed: 'yes' }).toString(),
    });
    const location = posted.headers.get('location')!;
    const target = new URL(location, 'http://x').searchParams;
    expect(target.get('done')).toBeNull();
    expect(target.get('error')).toBe('ran-paused');
    // The page redirected to writes the notice: red, with why nothing was granted.
    const shown = await (
      await h.app.request(location, { headers: { cookie: `qm_session=${cookie}` } })
    ).text();
    expect(shown).toMatch(/<p class="notice error" role="alert">[^<]*circuit breaker open/);
    expect(shown).not.toContain('notice ok');
  });
});
