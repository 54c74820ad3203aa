// What a preview or an explanation may make the gateway do (docs/configuration.md,
// SCAN_PREVIEW_MAX_BALANCE_READS; docs/api.md, Roles). Viewer tokens may preview, and a top_up or
// reset preview reads every matching user's balance: the reads are bounded per request (the rest
// are reported, not guessed), they stop when the request times out, and a viewer reads balances
// only of users the daemon knows. Against the real mock gateway, whose query counter shows what
// reached it. The rules live in the core and the HTTP middleware, the same on every database, so
// one database is enough here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, GATEWAY_KEY, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function queries(h: Harness): Promise<number> {
  const response = await fetch(`${h.mock.url}/__mock/queries`, {
    headers: { 'x-admin-key': GATEWAY_KEY },
  });
  return ((await response.json()) as { queries: number }).queries;
}

/** `count` users of a fresh org, and an enabled top_up strategy (target 100) matching them. */
async function topUpStrategy(h: Harness, count: number) {
  const org = unique('org');
  const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org }));
  expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
  const created = await h.call('POST', '/api/v1/strategies', {
    name: unique('s'),
    title: 't',
    type: 'single',
    enabled: true,
    mode: 'top_up',
    amount: 100,
    condition: `belong-to("${org}")`,
  });
  expect(created.status).toBe(201);
  return { id: (created.body as { id: number }).id, users: users.map((u) => u.id) };
}

describe('previews and explanations bound their gateway reads', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { previewMaxBalanceReads: 3 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('reads at most SCAN_PREVIEW_MAX_BALANCE_READS users and says how many it left unread', async () => {
    const strategy = await topUpStrategy(h, 5);
    const before = await queries(h);
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, undefined, {
      token: VIEWER_TOKEN,
    });
    expect(preview.status).toBe(200);
    // Every user is at 0: each read one tops up by 100; the two not read are not guessed.
    expect(preview.body).toMatchObject({
      would_grant: 5,
      total_amount: 300,
      balance_unread: 0,
      balance_not_read: 2,
    });
    // total_minus_used: two counters per user read.
    expect((await queries(h)) - before).toBe(6);

    const page = await h.call('GET', `/api/v1/strategies/${strategy.id}/preview/users`);
    const amounts = (page.body as { items: { amount: number | null }[] }).items.map(
      (u) => u.amount,
    );
    expect(amounts).toEqual([100, 100, 100, null, null]);
  });
});

describe('a preview stops reading the gateway when its request times out', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { requestTimeoutMs: 300 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('the mock sees no more queries once the 503 is answered and the reads in flight are done', async () => {
    const strategy = await topUpStrategy(h, 40);
    // 80 reads, 8 at a time, 150 ms each: about 1.5 s of work for a 300 ms request.
    h.mock.setFaults({ latency_ms: 150 });
    try {
      const before = await queries(h);
      const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
      expect(preview).toMatchObject({ status: 503, body: { code: 'request_timeout' } });
      await sleep(400); // the reads already sent when it timed out come back
      const settled = await queries(h);
      await sleep(1_000);
      expect(await queries(h)).toBe(settled);
      expect(settled - before).toBeLessThan(80);
    } finally {
      h.mock.setFaults({ latency_ms: 0 });
    }
  });
});

describe('a viewer reads gateway balances only of users the daemon knows', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite');
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('404 for an id in neither user_info nor the ledger; admins read any id', async () => {
    const stranger = unique('stranger');
    const before = await queries(h);
    const asViewer = await h.call('GET', `/api/v1/users/${stranger}/balance`, undefined, {
      token: VIEWER_TOKEN,
    });
    expect(asViewer).toMatchObject({ status: 404, body: { code: 'not_found' } });
    expect(await queries(h)).toBe(before);

    const asAdmin = await h.call('GET', `/api/v1/users/${stranger}/balance`);
    expect(asAdmin).toMatchObject({ status: 200, body: { user_id: stranger, balance: 0 } });

    const { users } = await topUpStrategy(h, 1);
    const known = await h.call('GET', `/api/v1/users/${users[0]}/balance`, undefined, {
      token: VIEWER_TOKEN,
    });
    expect(known).toMatchObject({ status: 200, body: { balance: 0 } });
  });
});
