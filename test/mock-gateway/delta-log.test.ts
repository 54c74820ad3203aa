// `GET /__mock/deltas`: the mock's record of every grant it applied or replayed, which a checker
// compares with the daemon's ledger. In-process (app.request) with a stepped clock, so every
// field can be asserted exactly; no socket is needed for any of it.
import { describe, expect, it } from 'vitest';
import {
  createMockGatewayApp,
  type MockBalanceProtocol,
  type MockGatewayOptions,
} from '../../mock-gateway/server.ts';
import type { JsonBody } from '../support/json-body.ts';

const KEY = 'k';
const ADMIN = '/v1/chat/completions/quota';
const T0 = Date.parse('2030-01-01T00:00:00.000Z');
const iso = (ms: number) => new Date(T0 + ms).toISOString();

function mock(options: MockGatewayOptions & { balance?: MockBalanceProtocol } = {}) {
  let tick = 0;
  // Each reading of the clock is one millisecond later: received_at and applied_at differ.
  const gateway = createMockGatewayApp({ authValue: KEY, now: () => T0 + tick++, ...options });
  const request = async (
    method: string,
    path: string,
    body?: { form?: Record<string, string>; json?: object; key?: string },
  ): Promise<{ status: number; body: JsonBody }> => {
    const headers: Record<string, string> = { 'x-admin-key': KEY };
    if (body?.key) headers['idempotency-key'] = body.key;
    let payload: string | undefined;
    if (body?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    } else if (body?.json) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    }
    const response = await gateway.app.request(path, { method, headers, body: payload });
    return { status: response.status, body: await response.json() };
  };
  const delta = (user: string, value: string, key?: string) =>
    request('POST', `${ADMIN}/delta`, { form: { user_id: user, value }, key });
  return { gateway, request, delta };
}

describe('what the log records', () => {
  it('every applied grant, delta or refresh, with exact two-decimal values and its key', async () => {
    const { request, delta } = mock();
    await delta('alice', '0.1', 'grant-1'); // clock 0 (received), 1 (applied)
    await request('POST', `${ADMIN}/refresh`, { form: { user_id: 'bob', quota: '12.5' } });
    await delta('alice', '-0.05');
    await delta('carol', '1234567890123.45');

    const page = await request('GET', '/__mock/deltas');
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [
        {
          seq: 1,
          user_id: 'alice',
          value: '0.10',
          idempotency_key: 'grant-1',
          kind: 'delta',
          received_at: iso(0),
          applied_at: iso(1),
          replay: false,
          remaining_after: '0.10',
        },
        {
          seq: 2,
          user_id: 'bob',
          value: '12.50',
          idempotency_key: null,
          kind: 'refresh',
          received_at: iso(2),
          applied_at: iso(3),
          replay: false,
          remaining_after: '12.50',
        },
        expect.objectContaining({ seq: 3, value: '-0.05', kind: 'delta', remaining_after: '0.05' }),
        expect.objectContaining({ seq: 4, value: '1234567890123.45' }),
      ],
      next_after: null,
    });
  });

  it('leaves out consumption, refused requests and injected failures', async () => {
    const { gateway, request, delta } = mock();
    await request('POST', `${ADMIN}/used/delta`, { form: { user_id: 'a', value: '1' } });
    await request('POST', `${ADMIN}/used/refresh`, { form: { user_id: 'a', quota: '1' } });
    await request('POST', '/__mock/consume', { json: { user_id: 'a', amount: 1 } });
    await delta('a', '0.001');
    await delta('', '1');
    gateway.setFaults({ failure_rate: 1 });
    expect((await delta('a', '1')).status).toBe(503);
    expect(gateway.deltaLog()).toEqual({ items: [], next_after: null });
  });

  it('a repeated key on a key-honouring gateway is logged as a replay with its own body', async () => {
    const { gateway, delta } = mock({ honourIdempotency: true });
    await delta('alice', '5', 'grant-1');
    await delta('alice', '6', 'grant-1');
    expect(gateway.state()).toMatchObject({
      quotas: { alice: 5 },
      deltas: 1,
      idempotent_replays: 1,
    });
    expect(
      gateway.deltaLog().items.map(({ value, idempotency_key, replay }) => ({
        value,
        idempotency_key,
        replay,
      })),
    ).toEqual([
      { value: '5.00', idempotency_key: 'grant-1', replay: false },
      { value: '6.00', idempotency_key: 'grant-1', replay: true },
    ]);
  });

  it('a gateway that ignores keys applies and logs both, each with the key it was sent', async () => {
    const { gateway, delta } = mock({ honourIdempotency: false });
    await delta('alice', '5', 'grant-1');
    await delta('alice', '5', 'grant-1');
    expect(gateway.state().quotas.alice).toBe(10);
    expect(gateway.deltaLog().items.map((item) => [item.idempotency_key, item.replay])).toEqual([
      ['grant-1', false],
      ['grant-1', false],
    ]);
  });

  it('works the same on a single-counter gateway (balance: quota)', async () => {
    const { gateway, request, delta } = mock({ balance: 'quota' });
    await request('POST', `${ADMIN}/refresh`, { form: { user_id: 'b', quota: '50' } });
    await request('POST', '/__mock/consume', { json: { user_id: 'b', amount: 20 } });
    await delta('b', '70');
    expect(gateway.state().quotas.b).toBe(100);
    expect(
      gateway.deltaLog().items.map((item) => [item.kind, item.value, item.remaining_after]),
    ).toEqual([
      ['refresh', '50.00', '50.00'],
      ['delta', '70.00', '100.00'],
    ]);
  });

  it('remaining_after is the total less what was spent, after the entry took effect', async () => {
    const { request, delta, gateway } = mock();
    await delta('u', '10');
    await request('POST', '/__mock/consume', { json: { user_id: 'u', amount: 7.5 } });
    await delta('u', '4.25');
    expect(gateway.deltaLog().items.map((item) => item.remaining_after)).toEqual(['10.00', '6.75']);
  });
});

describe('paging', () => {
  it('pages by seq: next_after is the last seq while more follow, null at the end', async () => {
    const { request, delta } = mock();
    for (let i = 1; i <= 25; i += 1) await delta('u', String(i));
    const seqs = (body: JsonBody) => (body.items as { seq: number }[]).map((item) => item.seq);

    const first = await request('GET', '/__mock/deltas?limit=10');
    expect(seqs(first.body)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(first.body.next_after).toBe(10);
    const second = await request('GET', '/__mock/deltas?after=10&limit=10');
    expect(seqs(second.body)).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(second.body.next_after).toBe(20);
    const last = await request('GET', '/__mock/deltas?after=20&limit=10');
    expect(seqs(last.body)).toEqual([21, 22, 23, 24, 25]);
    expect(last.body.next_after).toBeNull();
    // A page that ends exactly at the last entry says so.
    expect((await request('GET', '/__mock/deltas?after=15&limit=10')).body.next_after).toBeNull();
    expect((await request('GET', '/__mock/deltas?after=25')).body).toEqual({
      items: [],
      next_after: null,
    });
    expect(seqs((await request('GET', '/__mock/deltas')).body)).toHaveLength(25);
  });

  it('the default limit is 1000', async () => {
    const { gateway, request, delta } = mock();
    for (let i = 0; i < 1001; i += 1) await delta('u', '1');
    const page = await request('GET', '/__mock/deltas');
    expect(page.body.items).toHaveLength(1000);
    expect(page.body.next_after).toBe(1000);
    expect(gateway.deltaLog(1000).items.map((item) => item.seq)).toEqual([1001]);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=10001', 'limit'],
    ['limit=1.5', 'limit'],
    ['after=-1', 'after'],
    ['after=abc', 'after'],
  ])('refuses ?%s with a 400 naming %s', async (query, field) => {
    const { request } = mock();
    const answer = await request('GET', `/__mock/deltas?${query}`);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ success: false, data: null });
    expect(answer.body.message).toMatch(new RegExp(`^${field}: `));
  });

  it('keeps at most deltaLogCapacity entries, dropping the oldest (a reader sees the gap)', async () => {
    const { gateway, delta } = mock({ deltaLogCapacity: 3 });
    for (let i = 1; i <= 8; i += 1) await delta('u', String(i));
    expect(gateway.deltaLog().items.map((item) => [item.seq, item.value])).toEqual([
      [6, '6.00'],
      [7, '7.00'],
      [8, '8.00'],
    ]);
    expect(gateway.deltaLog(6, 1)).toMatchObject({ items: [{ seq: 7 }], next_after: 7 });
    expect(gateway.state().quotas.u).toBe(36);
  });
});

describe('reset', () => {
  it('empties the log, the state and every fault; seq keeps counting', async () => {
    const { gateway, request, delta } = mock({ honourIdempotency: true });
    await delta('a', '1', 'k');
    await delta('a', '1', 'k');
    gateway.setFaults({
      hold_delta_rate: 1,
      hold_delta_ms: 100,
      late_apply_rate: 0.5,
      late_apply_ms: 100,
      reorder_window_ms: 50,
    });
    const reset = await request('POST', '/__mock/reset');
    expect(reset.body).toEqual({ quotas: {}, used: {}, deltas: 0, idempotent_replays: 0 });
    expect((await request('GET', '/__mock/deltas')).body).toEqual({ items: [], next_after: null });
    expect(gateway.faults()).toMatchObject({
      hold_delta_rate: 0,
      hold_delta_ms: 0,
      late_apply_rate: 0,
      late_apply_ms: 0,
      reorder_window_ms: 0,
    });
    // A cursor read before the reset (after=2) still finds what came after it.
    await delta('a', '1', 'k');
    expect((await request('GET', '/__mock/deltas?after=2')).body.items).toEqual([
      expect.objectContaining({ seq: 3, replay: false }),
    ]);
  });
});
