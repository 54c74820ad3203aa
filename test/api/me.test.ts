// GET /api/v1/me: the caller a token is (name and role), for the console's sign-in and for
// scripts; a wrong token is 401 and a rate-limited one 429, neither of which names a role.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, OPS_TOKEN, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';

describe('GET /api/v1/me', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { rateLimitPerMinute: 5 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it.each([
    ['ADMIN_TOKEN', undefined, { name: 'admin', role: 'admin' }],
    ['a named admin', OPS_TOKEN, { name: 'ops-alice', role: 'admin' }],
    ['a viewer', VIEWER_TOKEN, { name: 'viewer-bot', role: 'viewer' }],
  ])('names %s and its role', async (_label, token, caller) => {
    const answer = await h.call('GET', '/api/v1/me', undefined, { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(caller);
  });

  it('answers 401 to a wrong or missing token, and 429 beyond the rate limit', async () => {
    expect(
      (await h.call('GET', '/api/v1/me', undefined, { token: 'wrong-token-0123456789' })).status,
    ).toBe(401);
    expect((await h.call('GET', '/api/v1/me', undefined, { token: null })).body.code).toBe(
      'unauthorized',
    );
    // The window already holds 5 calls of this route (the cases above): the next is limited.
    const limited = await h.call('GET', '/api/v1/me', undefined, { token: VIEWER_TOKEN });
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ code: 'rate_limited' });
    expect(limited.body).not.toHaveProperty('role');
  });
});
