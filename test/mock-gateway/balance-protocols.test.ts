// The mock's two ways of keeping a balance (option `balance`, MOCK_GATEWAY_BALANCE) and the
// `POST /__mock/consume` control route that stands for a user spending quota.
import { describe, expect, it } from 'vitest';
import { createMockGatewayApp, type MockBalanceProtocol } from '../../mock-gateway/server.ts';

const KEY = 'k';
const ADMIN = '/v1/chat/completions/quota';

function mock(balance?: MockBalanceProtocol) {
  const gateway = createMockGatewayApp({ authValue: KEY, balance });
  const request = async (method: string, path: string, body?: { form?: object; json?: object }) => {
    const headers: Record<string, string> = { 'x-admin-key': KEY };
    let payload: string | undefined;
    if (body?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form as Record<string, string>).toString();
    } else if (body?.json) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    }
    const response = await gateway.app.request(path, { method, headers, body: payload });
    const parsed: unknown = await response.json();
    return { status: response.status, body: parsed as { success?: boolean; data?: unknown } };
  };
  return { gateway, request };
}

describe('total_minus_used (the default)', () => {
  it('consume raises used, leaves the total and the grant counter alone', async () => {
    const { gateway, request } = mock();
    await request('POST', `${ADMIN}/refresh`, { form: { user_id: 'a', quota: '100' } });
    const consumed = await request('POST', '/__mock/consume', {
      json: { user_id: 'a', amount: 12.5 },
    });
    expect(consumed.status).toBe(200);
    expect(consumed.body).toMatchObject({ quotas: { a: 100 }, used: { a: 12.5 }, deltas: 0 });
    expect((await request('GET', `${ADMIN}/used?user_id=a`)).body.data).toMatchObject({
      quota: 12.5,
      type: 'used_quota',
    });
    expect(gateway.consume('a', 0.5)).toBe(true);
    expect(gateway.state().used.a).toBe(13);
  });

  it.each([
    [{ user_id: 'a' }],
    [{ user_id: '', amount: 1 }],
    [{ user_id: 'a', amount: 1.234 }],
    [{ user_id: 'a', amount: '1' }],
  ])('consume refuses %j with 400', async (json) => {
    const { request } = mock();
    const answer = await request('POST', '/__mock/consume', { json });
    expect(answer.status).toBe(400);
    expect(answer.body.success).toBe(false);
  });
});

describe('quota (a single remaining counter)', () => {
  it('has no used routes, and consume lowers the quota itself', async () => {
    const { gateway, request } = mock('quota');
    await request('POST', `${ADMIN}/refresh`, { form: { user_id: 'b', quota: '50' } });
    expect((await request('GET', `${ADMIN}/used?user_id=b`)).status).toBe(404);
    expect(
      (await request('POST', `${ADMIN}/used/delta`, { form: { user_id: 'b', value: '1' } })).status,
    ).toBe(404);
    await request('POST', '/__mock/consume', { json: { user_id: 'b', amount: 20 } });
    const read = await request('GET', `${ADMIN}?user_id=b`);
    expect(read.body.data).toMatchObject({ quota: 30, type: 'quota' });
    await request('POST', `${ADMIN}/delta`, { form: { user_id: 'b', value: '70' } });
    expect(gateway.state()).toMatchObject({ quotas: { b: 100 }, used: {}, deltas: 1 });
  });
});
