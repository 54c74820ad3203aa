// The timing faults a nemesis uses against grant deltas, over real HTTP (a closed or destroyed
// socket is the point): held deltas, late deltas behind a reset socket, reordered deltas, and
// what reset and shutdown do to deltas still waiting.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createMockGatewayApp,
  startMockGateway,
  type RunningMockGateway,
} from '../../mock-gateway/server.ts';

const KEY = 'delta-faults-test-key';
const ADMIN = '/v1/chat/completions/quota';
// Long enough that the requests made while a delta is held finish inside the hold on a loaded
// machine (at 200 ms they once took longer than the 150 ms the first test allows them).
const HOLD_MS = 600;

const userId = () => `u-${randomUUID()}`;

function post(
  base: string,
  path: string,
  form: Record<string, string>,
  opts: { key?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const headers: Record<string, string> = { 'x-admin-key': KEY };
  if (opts.key) headers['idempotency-key'] = opts.key;
  return fetch(`${base}${ADMIN}${path}`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(form),
    signal: opts.signal,
  });
}

async function quotaOf(base: string, user: string): Promise<number> {
  const response = await fetch(`${base}${ADMIN}?user_id=${user}`, {
    headers: { 'x-admin-key': KEY },
  });
  return ((await response.json()) as { data: { quota: number } }).data.quota;
}

/** Polls until `check` holds; a test that never gets there fails on the last check's value. */
async function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check() && performance.now() < deadline) await sleep(10);
}

function logOf(gw: RunningMockGateway, user: string) {
  return gw.deltaLog(0, 10_000).items.filter((item) => item.user_id === user);
}

describe('hold_delta_ms / hold_delta_rate', () => {
  let gw: RunningMockGateway;
  beforeAll(async () => {
    gw = await startMockGateway({ authValue: KEY });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.reset());

  it('holds a delta before applying it while queries and refreshes pass at once', async () => {
    const user = userId();
    await post(gw.url, '/refresh', { user_id: user, quota: '10' });
    gw.setFaults({ hold_delta_rate: 1, hold_delta_ms: HOLD_MS });

    const started = performance.now();
    const held = post(gw.url, '/delta', { user_id: user, value: '5' });
    await sleep(50);
    expect(await quotaOf(gw.url, user)).toBe(10);
    expect(gw.state().deltas).toBe(0);
    const refreshed = await post(gw.url, '/refresh', { user_id: `${user}-other`, quota: '1' });
    expect(refreshed.status).toBe(200);
    expect(performance.now() - started).toBeLessThan(HOLD_MS - 50);

    const answer = await held;
    expect(performance.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 10);
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { data: { quota: number } }).data.quota).toBe(15);
    expect(await quotaOf(gw.url, user)).toBe(15);
  });

  it('applies a held delta when the hold ends even though the client timed out and left', async () => {
    const user = userId();
    gw.setFaults({ hold_delta_rate: 1, hold_delta_ms: HOLD_MS });
    const started = performance.now();
    await expect(
      post(gw.url, '/delta', { user_id: user, value: '2.5' }, { signal: AbortSignal.timeout(50) }),
    ).rejects.toThrow(/timeout|abort/i);
    expect(gw.state().quotas[user]).toBeUndefined();

    await until(() => gw.state().quotas[user] !== undefined);
    expect(performance.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 10);
    expect(gw.state().quotas[user]).toBe(2.5);
    const [entry, ...rest] = logOf(gw, user);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ kind: 'delta', value: '2.50', replay: false });
    expect(Date.parse(entry!.applied_at) - Date.parse(entry!.received_at)).toBeGreaterThanOrEqual(
      HOLD_MS - 10,
    );
  });

  it('hold_delta_rate 0 holds nothing, whatever hold_delta_ms says', async () => {
    const user = userId();
    gw.setFaults({ hold_delta_ms: 5000 });
    const started = performance.now();
    expect((await post(gw.url, '/delta', { user_id: user, value: '1' })).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(gw.state().quotas[user]).toBe(1);
  });

  it('does not hold used-quota deltas, which are consumption rather than grants', async () => {
    const user = userId();
    gw.setFaults({ hold_delta_rate: 1, hold_delta_ms: 5000 });
    const started = performance.now();
    expect((await post(gw.url, '/used/delta', { user_id: user, value: '1' })).status).toBe(200);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(gw.state().used[user]).toBe(1);
  });
});

describe('late_apply_rate / late_apply_ms', () => {
  let gw: RunningMockGateway;
  beforeAll(async () => {
    gw = await startMockGateway({ authValue: KEY, honourIdempotency: true });
  });
  afterAll(() => gw.close());
  afterEach(() => gw.reset());

  it('resets the socket unapplied, then applies the delta once, late_apply_ms later', async () => {
    const user = userId();
    gw.setFaults({ late_apply_rate: 1, late_apply_ms: HOLD_MS });
    const started = performance.now();
    await expect(post(gw.url, '/delta', { user_id: user, value: '4' })).rejects.toThrow(
      /fetch failed/,
    );
    expect(gw.state().quotas[user]).toBeUndefined();
    expect(logOf(gw, user)).toEqual([]);

    await until(() => gw.state().quotas[user] !== undefined);
    expect(performance.now() - started).toBeGreaterThanOrEqual(HOLD_MS - 10);
    expect(gw.state()).toMatchObject({ quotas: { [user]: 4 }, deltas: 1 });
    await sleep(HOLD_MS);
    expect(logOf(gw, user)).toEqual([
      expect.objectContaining({ value: '4.00', kind: 'delta', replay: false }),
    ]);
    expect(gw.state().quotas[user]).toBe(4);
  });

  it('a retry under the same key while the first is pending applies; the late one replays', async () => {
    const user = userId();
    const key = `k-${randomUUID()}`;
    gw.setFaults({ late_apply_rate: 1, late_apply_ms: HOLD_MS });
    await expect(post(gw.url, '/delta', { user_id: user, value: '3' }, { key })).rejects.toThrow(
      /fetch failed/,
    );
    gw.setFaults({ late_apply_rate: 0 });
    expect((await post(gw.url, '/delta', { user_id: user, value: '3' }, { key })).status).toBe(200);

    await until(() => logOf(gw, user).length === 2);
    expect(logOf(gw, user).map((item) => [item.idempotency_key, item.replay])).toEqual([
      [key, false],
      [key, true],
    ]);
    expect(gw.state()).toMatchObject({ quotas: { [user]: 3 }, deltas: 1, idempotent_replays: 1 });
  });

  it('without a socket (app.request) the late delta is applied late, then answered', async () => {
    const mock = createMockGatewayApp({ authValue: KEY });
    mock.setFaults({ late_apply_rate: 1, late_apply_ms: 100 });
    const started = performance.now();
    const answer = await mock.app.request(`${ADMIN}/delta`, {
      method: 'POST',
      headers: { 'x-admin-key': KEY },
      body: new URLSearchParams({ user_id: 'a', value: '1' }),
    });
    expect(answer.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    expect(mock.state().quotas).toEqual({ a: 1 });
  });
});

describe('reorder_window_ms', () => {
  // Each delta draws one number (no other fault rolls dice here): its delay is draw × window.
  async function sendTwo(draws: number[]) {
    const gw = await startMockGateway({ authValue: KEY, random: () => draws.shift() ?? 0 });
    try {
      gw.setFaults({ reorder_window_ms: 300 });
      const user = userId();
      const first = post(gw.url, '/delta', { user_id: user, value: '1' });
      await sleep(30); // the first has arrived and drawn its delay before the second is sent
      const second = post(gw.url, '/delta', { user_id: user, value: '2' });
      const answers = await Promise.all([first, second]);
      const quotas = await Promise.all(
        answers.map(async (a) => ((await a.json()) as { data: { quota: number } }).data.quota),
      );
      const items = logOf(gw, user);
      return { quotas, items, total: gw.state().quotas[user] };
    } finally {
      await gw.close();
    }
  }

  it('a later delta with a shorter delay applies first; each is answered after it applied', async () => {
    const { quotas, items, total } = await sendTwo([0.9, 0]);
    expect(items.map((item) => item.value)).toEqual(['2.00', '1.00']);
    expect(items[0]!.received_at > items[1]!.received_at).toBe(true);
    expect(quotas).toEqual([3, 2]);
    expect(total).toBe(3);
  });

  it('with the draws the other way round they apply in arrival order', async () => {
    const { quotas, items, total } = await sendTwo([0, 0.9]);
    expect(items.map((item) => item.value)).toEqual(['1.00', '2.00']);
    expect(quotas).toEqual([1, 3]);
    expect(total).toBe(3);
  });

  it('hold_delta_rate picks which deltas are held with the same dice', async () => {
    const draws = [0.1, 0.9];
    const gw = await startMockGateway({ authValue: KEY, random: () => draws.shift() ?? 0 });
    try {
      gw.setFaults({ hold_delta_rate: 0.5, hold_delta_ms: HOLD_MS });
      const user = userId();
      const held = post(gw.url, '/delta', { user_id: user, value: '1' });
      await sleep(30);
      expect((await post(gw.url, '/delta', { user_id: user, value: '2' })).status).toBe(200);
      expect(gw.state().quotas[user]).toBe(2);
      expect((await held).status).toBe(200);
      expect(logOf(gw, user).map((item) => item.value)).toEqual(['2.00', '1.00']);
    } finally {
      await gw.close();
    }
  });
});

describe('deltas still waiting at a reset or shutdown are dropped', () => {
  it('reset drops held and late deltas: never applied, the held client gets a 503', async () => {
    const gw = await startMockGateway({ authValue: KEY });
    try {
      gw.setFaults({ late_apply_rate: 1, late_apply_ms: HOLD_MS });
      await expect(post(gw.url, '/delta', { user_id: 'late', value: '1' })).rejects.toThrow(
        /fetch failed/,
      );
      gw.setFaults({ late_apply_rate: 0, hold_delta_rate: 1, hold_delta_ms: HOLD_MS });
      const held = post(gw.url, '/delta', { user_id: 'held', value: '1' });
      await sleep(50);
      gw.reset();
      const answer = await held;
      expect(answer.status).toBe(503);
      expect(await answer.json()).toMatchObject({
        message: 'held delta dropped by a reset or shutdown',
      });
      await sleep(HOLD_MS + 50);
      expect(gw.state()).toEqual({ quotas: {}, used: {}, deltas: 0, idempotent_replays: 0 });
      expect(gw.deltaLog()).toEqual({ items: [], next_after: null });
    } finally {
      await gw.close();
    }
  });

  it('close() does not wait for a held delta and drops it', async () => {
    const gw = await startMockGateway({ authValue: KEY });
    gw.setFaults({ hold_delta_rate: 1, hold_delta_ms: 5000 });
    const held = post(gw.url, '/delta', { user_id: 'held', value: '1' }).then(
      (response) => response.status,
      () => 'connection closed',
    );
    await sleep(50);
    const started = performance.now();
    await gw.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(['connection closed', 503]).toContain(await held);
    expect(gw.state().deltas).toBe(0);
  });
});
