// The mock gateway over real HTTP, driven with plain fetch: the Higress ai-quota admin
// protocol, authentication, validation, idempotency and the /__mock control routes.
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockGatewayApp,
  startMockGateway,
  type RunningMockGateway,
} from '../../mock-gateway/server.ts';
import type { JsonBody } from '../support/json-body.ts';

const KEY = 'protocol-test-key';
const ADMIN = '/v1/chat/completions/quota';
let gw: RunningMockGateway;

beforeAll(async () => {
  // Key handling is on unless a test switches it off (the mock's default emulates Higress: off).
  gw = await startMockGateway({ port: 0, authValue: KEY, honourIdempotency: true });
});
afterAll(() => gw.close());
// Faults are global to the server; users are unique per test, so only faults need undoing.
afterEach(() => {
  gw.setFaults({});
  gw.setFaults({ honour_idempotency: true });
});

const userId = () => `u-${randomUUID()}`;

async function call(
  method: 'GET' | 'POST',
  path: string,
  opts: {
    form?: Record<string, string>;
    json?: unknown;
    headers?: Record<string, string>;
    base?: string;
  } = {},
): Promise<{ status: number; body: JsonBody; headers: Headers }> {
  const headers: Record<string, string> = { 'x-admin-key': KEY, ...opts.headers };
  let body: string | URLSearchParams | undefined;
  if (opts.form) body = new URLSearchParams(opts.form);
  if (opts.json !== undefined) {
    body = JSON.stringify(opts.json);
    headers['content-type'] = 'application/json';
  }
  const response = await fetch(`${opts.base ?? gw.url}${path}`, { method, headers, body });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? JSON.parse(text) : null,
    headers: response.headers,
  };
}

const getQuota = (user: string) => call('GET', `${ADMIN}?user_id=${encodeURIComponent(user)}`);

describe('quota routes', () => {
  it('answers 0 for a user it has never seen, in the Higress envelope', async () => {
    const user = userId();
    const res = await getQuota(user);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      code: 200,
      message: 'query total_quota successful',
      success: true,
      data: { user_id: user, quota: 0, type: 'total_quota' },
    });
  });

  it('refresh sets the total and delta adds to it, with negative deltas allowed', async () => {
    const user = userId();
    const refreshed = await call('POST', `${ADMIN}/refresh`, {
      form: { user_id: user, quota: '100' },
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({ success: true, data: { user_id: user, quota: 100 } });

    const added = await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '25' } });
    expect(added.body.data.quota).toBe(125);
    const removed = await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '-30' } });
    expect(removed.body.data.quota).toBe(95);

    expect((await getQuota(user)).body.data.quota).toBe(95);
    expect(gw.state().quotas[user]).toBe(95);
  });

  it('keeps decimal amounts exact: 0.1 + 0.2 is 0.3, not 0.30000000000000004', async () => {
    const user = userId();
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '0.1' } });
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '0.2' } });
    expect((await getQuota(user)).body.data.quota).toBe(0.3);

    // A long run of cents still sums exactly (floats would drift here).
    const other = userId();
    for (let i = 0; i < 100; i += 1)
      await call('POST', `${ADMIN}/delta`, { form: { user_id: other, value: '0.01' } });
    expect(gw.state().quotas[other]).toBe(1);
  });

  it('counts only applied quota deltas in state.deltas', async () => {
    const user = userId();
    const before = gw.state().deltas;
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '1' } });
    await call('POST', `${ADMIN}/refresh`, { form: { user_id: user, quota: '5' } });
    await call('POST', `${ADMIN}/used/delta`, { form: { user_id: user, value: '1' } });
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: 'bad' } });
    expect(gw.state().deltas).toBe(before + 1);
  });
});

describe('used-quota routes', () => {
  it('used/refresh, used/delta and GET used work on the used balance only', async () => {
    const user = userId();
    expect((await call('GET', `${ADMIN}/used?user_id=${user}`)).body).toEqual({
      code: 200,
      message: 'query used_quota successful',
      success: true,
      data: { user_id: user, quota: 0, type: 'used_quota' },
    });
    expect(
      (await call('POST', `${ADMIN}/used/refresh`, { form: { user_id: user, quota: '10.5' } }))
        .status,
    ).toBe(200);
    expect(
      (await call('POST', `${ADMIN}/used/delta`, { form: { user_id: user, value: '2.25' } }))
        .status,
    ).toBe(200);

    expect((await call('GET', `${ADMIN}/used?user_id=${user}`)).body.data.quota).toBe(12.75);
    expect(gw.state().used[user]).toBe(12.75);
    expect(gw.state().quotas[user]).toBeUndefined();
    expect((await getQuota(user)).body.data.quota).toBe(0);
  });
});

describe('authentication', () => {
  const routes: [string, 'GET' | 'POST', string][] = [
    ['GET quota', 'GET', `${ADMIN}?user_id=a`],
    ['POST delta', 'POST', `${ADMIN}/delta`],
    ['POST refresh', 'POST', `${ADMIN}/refresh`],
    ['GET used', 'GET', `${ADMIN}/used?user_id=a`],
    ['POST used/delta', 'POST', `${ADMIN}/used/delta`],
    ['POST used/refresh', 'POST', `${ADMIN}/used/refresh`],
    ['GET state', 'GET', '/__mock/state'],
    ['GET deltas', 'GET', '/__mock/deltas'],
    ['POST reset', 'POST', '/__mock/reset'],
    ['POST faults', 'POST', '/__mock/faults'],
  ];
  const credentials: [string, Record<string, string>][] = [
    ['no header', {}],
    ['a wrong key', { 'x-admin-key': 'wrong' }],
    ['the key under another header', { authorization: KEY }],
  ];

  it.each(routes)(
    '%s refuses a missing or wrong key with a 401 envelope and changes nothing',
    async (_name, method, path) => {
      const before = gw.state();
      for (const [, headers] of credentials) {
        const response = await fetch(`${gw.url}${path}`, {
          method,
          headers,
          body:
            method === 'POST'
              ? new URLSearchParams({ user_id: 'a', value: '1', quota: '1' })
              : undefined,
        });
        expect(response.status).toBe(401);
        expect(await response.json()).toEqual({
          code: 401,
          message: 'missing or wrong x-admin-key header',
          success: false,
          data: null,
        });
      }
      expect(gw.state()).toEqual(before);
    },
  );

  it('honours a custom admin path, auth header and key', async () => {
    const custom = await startMockGateway({
      adminPath: '/quota/',
      authHeader: 'x-custom',
      authValue: 's3cret',
    });
    try {
      const user = userId();
      const ok = await call('POST', '/quota/delta', {
        base: custom.url,
        headers: { 'x-custom': 's3cret' },
        form: { user_id: user, value: '3' },
      });
      expect(ok.status).toBe(200);
      expect(custom.state().quotas[user]).toBe(3);
      const refused = await call('GET', `/quota?user_id=${user}`, {
        base: custom.url,
        headers: { 'x-admin-key': 's3cret' },
      });
      expect(refused.status).toBe(401);
      expect(refused.body.message).toBe('missing or wrong x-custom header');
      const oldPath = await call('GET', `${ADMIN}?user_id=${user}`, {
        base: custom.url,
        headers: { 'x-custom': 's3cret' },
      });
      expect(oldPath.status).toBe(404);
    } finally {
      await custom.close();
    }
  });
});

describe('input validation', () => {
  const cases: [string, 'GET' | 'POST', string, Record<string, string> | undefined, string][] = [
    ['GET without user_id', 'GET', ADMIN, undefined, 'user_id is required (1-256 characters)'],
    [
      'GET with empty user_id',
      'GET',
      `${ADMIN}?user_id=`,
      undefined,
      'user_id is required (1-256 characters)',
    ],
    [
      'delta without user_id',
      'POST',
      `${ADMIN}/delta`,
      { value: '1' },
      'user_id is required (1-256 characters)',
    ],
    [
      'delta with an overlong user_id',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'x'.repeat(257), value: '1' },
      'user_id is required (1-256 characters)',
    ],
    [
      'delta without value',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'v1' },
      'value must be a decimal with at most 2 decimal places',
    ],
    [
      'delta with text',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'v1', value: 'ten' },
      'value must be a decimal with at most 2 decimal places',
    ],
    [
      'delta with 3 decimals',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'v1', value: '0.123' },
      'value must be a decimal with at most 2 decimal places',
    ],
    [
      'delta with an exponent',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'v1', value: '1e3' },
      'value must be a decimal with at most 2 decimal places',
    ],
    [
      'delta with an absurd amount',
      'POST',
      `${ADMIN}/delta`,
      { user_id: 'v1', value: '99999999999999' },
      'value must be a decimal with at most 2 decimal places',
    ],
    [
      'refresh negative',
      'POST',
      `${ADMIN}/refresh`,
      { user_id: 'v1', quota: '-1' },
      'quota must not be negative',
    ],
    [
      'refresh without quota',
      'POST',
      `${ADMIN}/refresh`,
      { user_id: 'v1', value: '5' },
      'quota must be a decimal with at most 2 decimal places',
    ],
    [
      'used/delta with text',
      'POST',
      `${ADMIN}/used/delta`,
      { user_id: 'v1', value: 'x' },
      'value must be a decimal with at most 2 decimal places',
    ],
  ];

  it.each(cases)(
    '%s → 400 envelope, nothing applied',
    async (_name, method, path, form, message) => {
      const before = gw.state();
      const res = await call(method, path, { form });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, message, success: false, data: null });
      expect(gw.state()).toEqual(before);
    },
  );

  it('refuses a JSON body on a form route', async () => {
    const res = await call('POST', `${ADMIN}/delta`, { json: { user_id: 'v1', value: '1' } });
    expect(res.status).toBe(400);
    expect(res.body.success).toBe(false);
  });

  it('answers unknown routes with a 404 envelope', async () => {
    const res = await call('GET', '/v1/other');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      code: 404,
      message: 'no route for GET /v1/other',
      success: false,
      data: null,
    });
  });
});

describe('Idempotency-Key', () => {
  it('a repeated key returns the first answer, applies nothing and is counted as a replay', async () => {
    const user = userId();
    const key = `k-${randomUUID()}`;
    const before = gw.state();
    const first = await call('POST', `${ADMIN}/delta`, {
      headers: { 'idempotency-key': key },
      form: { user_id: user, value: '7.5' },
    });
    // Even a different body under the same key gets the first answer: the key names the operation.
    const second = await call('POST', `${ADMIN}/delta`, {
      headers: { 'idempotency-key': key },
      form: { user_id: user, value: '9' },
    });
    expect(second.status).toBe(first.status);
    expect(second.body).toEqual(first.body);
    const after = gw.state();
    expect(after.quotas[user]).toBe(7.5);
    expect(after.deltas).toBe(before.deltas + 1);
    expect(after.idempotent_replays).toBe(before.idempotent_replays + 1);
  });

  it('different keys, or no key, apply every time', async () => {
    const user = userId();
    await call('POST', `${ADMIN}/delta`, {
      headers: { 'idempotency-key': `a-${randomUUID()}` },
      form: { user_id: user, value: '1' },
    });
    await call('POST', `${ADMIN}/delta`, {
      headers: { 'idempotency-key': `b-${randomUUID()}` },
      form: { user_id: user, value: '1' },
    });
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '1' } });
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '1' } });
    expect(gw.state().quotas[user]).toBe(4);
  });

  it('a refused request does not use up its key', async () => {
    const user = userId();
    const key = `k-${randomUUID()}`;
    gw.setFaults({ failure_rate: 1 });
    expect(
      (
        await call('POST', `${ADMIN}/delta`, {
          headers: { 'idempotency-key': key },
          form: { user_id: user, value: '2' },
        })
      ).status,
    ).toBe(503);
    gw.setFaults({ failure_rate: 0 });
    expect(
      (
        await call('POST', `${ADMIN}/delta`, {
          headers: { 'idempotency-key': key },
          form: { user_id: user, value: '2' },
        })
      ).status,
    ).toBe(200);
    expect(gw.state().quotas[user]).toBe(2);
  });

  it('with honour_idempotency=false (like the real Higress plugin) a repeated key applies twice', async () => {
    const ignoring = await startMockGateway({ authValue: KEY, honourIdempotency: false });
    try {
      const user = userId();
      for (let i = 0; i < 2; i += 1) {
        const res = await call('POST', `${ADMIN}/delta`, {
          base: ignoring.url,
          headers: { 'idempotency-key': 'same' },
          form: { user_id: user, value: '5' },
        });
        expect(res.status).toBe(200);
      }
      expect(ignoring.state()).toEqual({
        quotas: { [user]: 10 },
        used: {},
        deltas: 2,
        idempotent_replays: 0,
      });
    } finally {
      await ignoring.close();
    }
  });

  it('honour_idempotency can also be switched at run time through the faults route', async () => {
    const user = userId();
    const res = await call('POST', '/__mock/faults', { json: { honour_idempotency: false } });
    expect(res.body.honour_idempotency).toBe(false);
    for (let i = 0; i < 2; i += 1) {
      await call('POST', `${ADMIN}/delta`, {
        headers: { 'idempotency-key': `k-${user}` },
        form: { user_id: user, value: '1' },
      });
    }
    expect(gw.state().quotas[user]).toBe(2);
    gw.setFaults({ honour_idempotency: true });
  });
});

describe('control routes', () => {
  it('GET /__mock/state has exactly the documented shape', async () => {
    const user = userId();
    await call('POST', `${ADMIN}/delta`, { form: { user_id: user, value: '1.25' } });
    await call('POST', `${ADMIN}/used/delta`, { form: { user_id: user, value: '0.5' } });
    const res = await call('GET', '/__mock/state');
    expect(res.status).toBe(200);
    expect(Object.keys(res.body).sort()).toEqual([
      'deltas',
      'idempotent_replays',
      'quotas',
      'used',
    ]);
    expect(res.body.quotas[user]).toBe(1.25);
    expect(res.body.used[user]).toBe(0.5);
    expect(Number.isInteger(res.body.deltas)).toBe(true);
    expect(Number.isInteger(res.body.idempotent_replays)).toBe(true);
    expect(res.body).toEqual(gw.state());
  });

  it('POST /__mock/reset empties everything and stops faults', async () => {
    // A private instance: resetting the shared one would disturb tests running beside this one.
    const own = await startMockGateway({ authValue: KEY });
    try {
      await call('POST', `${ADMIN}/delta`, {
        base: own.url,
        headers: { 'idempotency-key': 'k' },
        form: { user_id: 'r', value: '1' },
      });
      await call('POST', `${ADMIN}/delta`, {
        base: own.url,
        headers: { 'idempotency-key': 'k' },
        form: { user_id: 'r', value: '1' },
      });
      own.setFaults({ latency_ms: 5, status: 500 });
      const res = await call('POST', '/__mock/reset', { base: own.url });
      expect(res.status).toBe(200);
      const empty = { quotas: {}, used: {}, deltas: 0, idempotent_replays: 0 };
      expect(res.body).toEqual(empty);
      expect((await call('GET', '/__mock/state', { base: own.url })).body).toEqual(empty);
      expect(own.faults()).toMatchObject({
        failure_rate: 0,
        status: 503,
        latency_ms: 0,
        drop_after_apply_rate: 0,
      });
      // The remembered key is gone too: the same key applies again.
      await call('POST', `${ADMIN}/delta`, {
        base: own.url,
        headers: { 'idempotency-key': 'k' },
        form: { user_id: 'r', value: '1' },
      });
      expect(own.state()).toEqual({ quotas: { r: 1 }, used: {}, deltas: 1, idempotent_replays: 0 });
    } finally {
      await own.close();
    }
  });

  it('down_for_s: every protocol request fails with `status` until the outage ends by itself', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const own = await startMockGateway({ port: 0, authValue: KEY, now: () => now });
    try {
      const down = await call('POST', '/__mock/faults', {
        base: own.url,
        json: { down_for_s: 30 },
      });
      expect(down.body).toMatchObject({ down_until: '2026-01-01T00:00:30.000Z', failure_rate: 0 });
      const during = await call('GET', `${ADMIN}?user_id=o`, { base: own.url });
      expect(during.status).toBe(503);
      expect(during.body).toMatchObject({ success: false, message: 'injected outage' });
      // The control routes keep answering, so an outage can be watched and ended.
      expect((await call('GET', '/__mock/state', { base: own.url })).status).toBe(200);
      now += 30_000;
      expect((await call('GET', `${ADMIN}?user_id=o`, { base: own.url })).status).toBe(200);
      await call('POST', '/__mock/faults', { base: own.url, json: { down_for_s: 60 } });
      expect((await call('GET', `${ADMIN}?user_id=o`, { base: own.url })).status).toBe(503);
      const ended = await call('POST', '/__mock/faults', {
        base: own.url,
        json: { down_for_s: 0 },
      });
      expect(ended.body.down_until).toBeNull();
      expect((await call('GET', `${ADMIN}?user_id=o`, { base: own.url })).status).toBe(200);
    } finally {
      await own.close();
    }
  });

  it('POST /__mock/faults merges fields, and {} stops all faults', async () => {
    const first = await call('POST', '/__mock/faults', {
      json: { failure_rate: 0.25, status: 500 },
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      failure_rate: 0.25,
      status: 500,
      latency_ms: 0,
      drop_after_apply_rate: 0,
      fail_after_drop: 0,
      retry_after_s: null,
      honour_idempotency: true,
      hold_delta_rate: 0,
      hold_delta_ms: 0,
      late_apply_rate: 0,
      late_apply_ms: 0,
      reorder_window_ms: 0,
      down_until: null,
    });
    const second = await call('POST', '/__mock/faults', {
      json: { latency_ms: 10, hold_delta_rate: 0.5, hold_delta_ms: 100, reorder_window_ms: 20 },
    });
    expect(second.body).toMatchObject({
      failure_rate: 0.25,
      status: 500,
      latency_ms: 10,
      hold_delta_rate: 0.5,
      hold_delta_ms: 100,
      reorder_window_ms: 20,
    });
    const third = await call('POST', '/__mock/faults', {
      json: { late_apply_rate: 1, late_apply_ms: 50 },
    });
    expect(third.body).toMatchObject({ hold_delta_ms: 100, late_apply_rate: 1, late_apply_ms: 50 });
    const cleared = await call('POST', '/__mock/faults', { json: {} });
    expect(cleared.body).toMatchObject({
      failure_rate: 0,
      status: 503,
      latency_ms: 0,
      drop_after_apply_rate: 0,
      hold_delta_rate: 0,
      hold_delta_ms: 0,
      late_apply_rate: 0,
      late_apply_ms: 0,
      reorder_window_ms: 0,
    });
    expect((await call('GET', '/__mock/faults')).body).toEqual(cleared.body);
  });

  it.each([
    [{ failure_rate: 1.5 }, 'failure_rate'],
    [{ failure_rate: 'all' }, 'failure_rate'],
    [{ status: 200 }, 'status'],
    [{ latency_ms: -1 }, 'latency_ms'],
    [{ drop_after_apply_rate: -0.1 }, 'drop_after_apply_rate'],
    [{ fail_after_drop: 1.5 }, 'fail_after_drop'],
    [{ failur_rate: 1 }, 'failur_rate'],
    [{ hold_delta_rate: 2 }, 'hold_delta_rate'],
    [{ hold_delta_ms: 1.5 }, 'hold_delta_ms'],
    [{ late_apply_rate: -1 }, 'late_apply_rate'],
    [{ late_apply_ms: -5 }, 'late_apply_ms'],
    [{ reorder_window_ms: '100' }, 'reorder_window_ms'],
  ])(
    'POST /__mock/faults refuses %j with a 400 naming the field, faults unchanged',
    async (body, field) => {
      const before = gw.faults();
      const res = await call('POST', '/__mock/faults', { json: body });
      expect(res.status).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.message).toContain(field);
      expect(gw.faults()).toEqual(before);
    },
  );

  it('refuses a faults body that is not JSON', async () => {
    const res = await fetch(`${gw.url}/__mock/faults`, {
      method: 'POST',
      headers: { 'x-admin-key': KEY },
      body: 'failure_rate=1',
    });
    expect(res.status).toBe(400);
  });
});

describe('faults', () => {
  it('failure_rate 1 answers the configured status on every protocol route and applies nothing', async () => {
    const user = userId();
    gw.setFaults({ failure_rate: 1, status: 500 });
    const before = gw.state();
    for (const [method, path] of [
      ['GET', `${ADMIN}?user_id=${user}`],
      ['POST', `${ADMIN}/delta`],
      ['POST', `${ADMIN}/refresh`],
      ['GET', `${ADMIN}/used?user_id=${user}`],
    ] as const) {
      const res = await call(method, path, {
        form: method === 'POST' ? { user_id: user, value: '1', quota: '1' } : undefined,
      });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({
        code: 500,
        message: 'injected failure',
        success: false,
        data: null,
      });
    }
    expect(gw.state()).toEqual(before);
    // Control routes are never failed: a test must always be able to switch faults off.
    expect((await call('GET', '/__mock/state')).status).toBe(200);
  });

  it('injected 429 answers carry Retry-After when retry_after_s is set', async () => {
    gw.setFaults({ failure_rate: 1, status: 429, retry_after_s: 7 });
    const res = await getQuota(userId());
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    gw.setFaults({ retry_after_s: null });
    expect((await getQuota(userId())).headers.get('retry-after')).toBeNull();
  });

  it('a fractional failure rate fails the share of requests the dice say', async () => {
    const rolls = [0.1, 0.9, 0.3, 0.7];
    const dice = await startMockGateway({ authValue: KEY, random: () => rolls.shift() ?? 0 });
    try {
      dice.setFaults({ failure_rate: 0.5 });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1)
        statuses.push((await call('GET', `${ADMIN}?user_id=d`, { base: dice.url })).status);
      expect(statuses).toEqual([503, 200, 503, 200]);
    } finally {
      await dice.close();
    }
  });

  it('latency_ms delays the answer', async () => {
    gw.setFaults({ latency_ms: 150 });
    const started = performance.now();
    const res = await getQuota(userId());
    expect(res.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drop_after_apply applies the delta, then destroys the connection without an answer', async () => {
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1 });
    const before = gw.state().deltas;
    await expect(
      fetch(`${gw.url}${ADMIN}/delta`, {
        method: 'POST',
        headers: { 'x-admin-key': KEY },
        body: new URLSearchParams({ user_id: user, value: '4' }),
      }),
    ).rejects.toThrow(/fetch failed/);
    expect(gw.state().quotas[user]).toBe(4);
    expect(gw.state().deltas).toBe(before + 1);
    // Reads are never dropped: only requests that change something have an outcome to lose.
    expect((await getQuota(user)).body.data.quota).toBe(4);
  });

  it('fail_after_drop answers the next N requests with the fault status after a dropped answer', async () => {
    const user = userId();
    gw.setFaults({ drop_after_apply_rate: 1, fail_after_drop: 2, status: 502 });
    const delta = () =>
      fetch(`${gw.url}${ADMIN}/delta`, {
        method: 'POST',
        headers: { 'x-admin-key': KEY },
        body: new URLSearchParams({ user_id: user, value: '4' }),
      });
    await expect(delta()).rejects.toThrow(/fetch failed/);
    expect((await getQuota(user)).status).toBe(502);
    expect((await getQuota(user)).status).toBe(502);
    expect((await getQuota(user)).body.data.quota).toBe(4);
    // A streak already running ends with the fault.
    await expect(delta()).rejects.toThrow(/fetch failed/);
    gw.setFaults({ drop_after_apply_rate: 0, fail_after_drop: 0 });
    expect((await getQuota(user)).body.data.quota).toBe(8);
  });
});

describe('Idempotency-Key under concurrency', () => {
  it('many simultaneous requests with one key apply exactly once', async () => {
    // app.request starts all twenty handlers in the same tick, so they truly interleave.
    const mock = createMockGatewayApp({ authValue: KEY, honourIdempotency: true });
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        // app.request answers a Response or a promise of one.
        Promise.resolve(
          mock.app.request(`${ADMIN}/delta`, {
            method: 'POST',
            headers: { 'x-admin-key': KEY, 'idempotency-key': 'one-key' },
            body: new URLSearchParams({ user_id: 'same-user', value: '1.5' }),
          }),
        ),
      ),
    );
    const bodies = await Promise.all(answers.map((a) => a.json()));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(bodies.every((b) => b.data.quota === 1.5)).toBe(true);
    expect(mock.state()).toEqual({
      quotas: { 'same-user': 1.5 },
      used: {},
      deltas: 1,
      idempotent_replays: 19,
    });
  });
});
