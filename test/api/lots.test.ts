// Credit lots end to end on every database: grants of strategies with an expiry become lots,
// the mock gateway's consumption endpoint spends them in spending order, and each expiry takes
// back exactly its lot's unconsumed remainder (the examples), through the real scanner,
// the real ledger protocol and the mock gateway's total-and-used counters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, GATEWAY_KEY, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

interface LotJson {
  strategy_id: number;
  source: string;
  amount: number;
  remaining: number;
  expires_at: string;
  state: string;
  expired_amount: number | null;
  carried: number | null;
  expiry_status: string | null;
}

/** Spends at the gateway through the mock's own HTTP endpoint, as a user's requests would. */
async function consume(h: Harness, userId: string, amount: number) {
  const response = await fetch(`${h.mock.url}/__mock/consume`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-key': GATEWAY_KEY },
    body: JSON.stringify({ user_id: userId, amount }),
  });
  expect(response.status).toBe(200);
}

const balance = (h: Harness, userId: string) => {
  const state = h.mock.state();
  return Math.round(((state.quotas[userId] ?? 0) - (state.used[userId] ?? 0)) * 100) / 100;
};

async function user(h: Harness): Promise<string> {
  const org = unique('org');
  const id = `${org}-ü`;
  const bulk = await h.call('POST', '/api/v1/users/bulk', [{ id, org }]);
  expect(bulk.status).toBe(200);
  return id;
}

async function strategy(h: Harness, userId: string, fields: Record<string, unknown>) {
  const created = await h.call('POST', '/api/v1/strategies', {
    name: unique('lot'),
    title: 't',
    type: 'single',
    enabled: true,
    amount: 100,
    condition: `belong-to("${userId.slice(0, -2)}")`,
    ...fields,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body as { id: number };
}

async function scanAt(h: Harness, iso: string) {
  h.clock.set(new Date(iso));
  const scan = await h.call('POST', '/api/v1/strategies/scan');
  expect(scan.status).toBe(200);
}

async function lots(h: Harness, userId: string): Promise<LotJson[]> {
  const page = await h.call('GET', `/api/v1/users/${encodeURIComponent(userId)}/lots`);
  expect(page.status).toBe(200);
  return page.body.items as LotJson[];
}

describe.each(DATABASE_KINDS)('credit lots on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { now: '2026-12-07T00:00:00Z', reconcile: 'query' });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('lot A 100 and lot B 100, 30 consumed: A takes back 70 and leaves 100', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    const a = await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z' });
    await strategy(h, id, { expires_at: '2026-12-20T00:00:00Z' });
    await scanAt(h, '2026-12-07T01:00:00Z');
    expect(balance(h, id)).toBe(200);
    await consume(h, id, 30);
    await scanAt(h, '2026-12-10T00:00:00Z');
    expect(balance(h, id)).toBe(100);
    const found = await lots(h, id);
    const lotA = found.find((l) => l.strategy_id === a.id)!;
    expect(lotA).toMatchObject({ state: 'expired', expired_amount: 70, expiry_status: 'applied' });
    expect(found.find((l) => l.strategy_id !== a.id)).toMatchObject({
      state: 'active',
      remaining: 100,
    });
    const stats = await h.call('GET', `/api/v1/strategies/${a.id}/stats`);
    // (today is the manual clock's day; the rows carry the real time of their writes)
    expect(stats.body.expired_amount).toMatchObject({ this_month: 70, all_time: 70 });
    // Expiries are not grants: the strategy's grant totals still say 100 given.
    expect(stats.body.all_time.total.amount).toBe(100);
    expect(await h.metrics.registry.metrics()).toMatch(/quota_manager_expired_amount_total \d/);
    // Expired once: another pass sends nothing more.
    const deltas = h.mock.state().deltas;
    await scanAt(h, '2026-12-11T00:00:00Z');
    expect(h.mock.state().deltas).toBe(deltas);
    expect(balance(h, id)).toBe(100);
  });

  it('150 consumed before A expires: A takes back 0 without a call, B later 50', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z' });
    const b = await strategy(h, id, { expires_at: '2026-12-20T00:00:00Z' });
    await scanAt(h, '2026-12-07T01:00:00Z');
    await consume(h, id, 150);
    const deltas = h.mock.state().deltas;
    await scanAt(h, '2026-12-10T00:00:00Z');
    expect(h.mock.state().deltas).toBe(deltas);
    expect(balance(h, id)).toBe(50);
    await scanAt(h, '2026-12-20T00:00:00Z');
    expect(balance(h, id)).toBe(0);
    const lotB = (await lots(h, id)).find((l) => l.strategy_id === b.id)!;
    expect(lotB).toMatchObject({ expired_amount: 50, expiry_status: 'applied' });
  });

  it('40 from elsewhere, lot A 100, 30 consumed: A takes back 70 and leaves the 40', async () => {
    const id = await user(h);
    await h.runtime.gateway.refreshQuota(id, 40);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z' });
    await scanAt(h, '2026-12-07T01:00:00Z');
    await consume(h, id, 30);
    await scanAt(h, '2026-12-10T00:00:00Z');
    expect(balance(h, id)).toBe(40);
  });

  it('rollover: monthly lot 100, rollover_max 50, 20 consumed: 50 carried, 30 expired', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-11-30T12:00:00Z'));
    const monthly = await strategy(h, id, {
      type: 'periodic',
      periodic_expr: '0 0 1 * *',
      timezone: 'UTC',
      expires_after: 'end_of_month',
      rollover_max: 50,
    });
    await scanAt(h, '2026-12-01T00:00:00Z');
    expect(balance(h, id)).toBe(100);
    await consume(h, id, 20);
    await scanAt(h, '2027-01-01T00:00:00Z');
    // December: 100 − 20 spent − 30 expired; January's 100 on top.
    expect(balance(h, id)).toBe(150);
    const found = (await lots(h, id)).filter((l) => l.strategy_id === monthly.id);
    expect(found.find((l) => l.source === 'grant' && l.state === 'expired')).toMatchObject({
      expired_amount: 30,
      carried: 50,
    });
    expect(found.find((l) => l.source === 'rollover')).toMatchObject({
      amount: 50,
      remaining: 50,
      expires_at: '2027-02-01T00:00:00.000Z',
    });
  });

  it('preview and explain show the expiry a grant would carry', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T10:00:00Z'));
    const s = await strategy(h, id, { expires_after: 'P30D', timezone: 'Asia/Shanghai' });
    const preview = await h.call('POST', `/api/v1/strategies/${s.id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.lot_expires_at).toBe('2027-01-06T10:00:00.000Z');
    const explained = await h.call(
      'GET',
      `/api/v1/strategies/${s.id}/explain/${encodeURIComponent(id)}`,
    );
    expect(explained.status).toBe(200);
    expect(explained.body).toMatchObject({
      verdict: 'would_grant',
      lot_expires_at: '2027-01-06T10:00:00.000Z',
    });
    const soon = await h.call('GET', '/api/v1/lots/expiring?within=P7D');
    expect(soon.status).toBe(200);
    const bad = await h.call('GET', '/api/v1/lots/expiring?within=P1M');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('within');
  });

  it('a disabled strategy’s lots still expire', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    const s = await strategy(h, id, { expires_at: '2026-12-09T00:00:00Z' });
    await scanAt(h, '2026-12-07T01:00:00Z');
    const off = await h.call('PATCH', `/api/v1/strategies/${s.id}`, { enabled: false });
    expect(off.status).toBe(200);
    await scanAt(h, '2026-12-09T00:00:00Z');
    expect(balance(h, id)).toBe(0);
  });

  it('a grant no lot pass saw (as after a crash mid-scan) becomes a lot at the next pass', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    const s = await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z' });
    // Someone else holds the lot pass's lease (strategy_lease row 0): this scan grants, and no
    // lot pass runs after it — what a crash between the grant and the pass leaves behind.
    const held = BigInt(Date.now() + 3_600_000);
    await h.database.db.strategyLease.upsert({
      where: { strategyId: 0 },
      create: { strategyId: 0, holder: 'elsewhere', expiresAt: held },
      update: { holder: 'elsewhere', expiresAt: held },
    });
    await scanAt(h, '2026-12-07T01:00:00Z');
    expect(balance(h, id)).toBe(100);
    expect(await lots(h, id)).toEqual([]);
    const grant = () =>
      h.database.db.quotaExecute.findFirstOrThrow({ where: { strategyId: s.id } });
    expect(await grant()).toMatchObject({ status: 'applied', lotDue: true });
    await h.database.db.strategyLease.update({
      where: { strategyId: 0 },
      data: { expiresAt: 0n },
    });
    await scanAt(h, '2026-12-07T02:00:00Z');
    expect(await lots(h, id)).toMatchObject([{ strategy_id: s.id, amount: 100, remaining: 100 }]);
    expect((await grant()).lotDue).toBeNull();
    await consume(h, id, 30);
    await scanAt(h, '2026-12-10T00:00:00Z');
    expect(balance(h, id)).toBe(0);
  });

  it('a grant that failed becomes a lot when a later scan applies it, once', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    const s = await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z' });
    const plain = await strategy(h, id, {});
    h.mock.setFaults({ failure_rate: 1, status: 503 });
    try {
      await scanAt(h, '2026-12-07T01:00:00Z');
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    const row = (strategyId: number) =>
      h.database.db.quotaExecute.findFirstOrThrow({ where: { strategyId } });
    expect(await row(s.id)).toMatchObject({ status: 'failed', lotDue: true });
    expect(await lots(h, id)).toEqual([]);
    await scanAt(h, '2026-12-07T02:00:00Z');
    expect(await row(s.id)).toMatchObject({ status: 'applied', lotDue: null });
    // A strategy without expiry makes no lot and marks nothing.
    expect(await row(plain.id)).toMatchObject({ status: 'applied', lotDue: null });
    await scanAt(h, '2026-12-07T03:00:00Z');
    expect(await lots(h, id)).toMatchObject([{ strategy_id: s.id, amount: 100 }]);
  });

  it('an unknown expiry is listed and resolved at /lots/expiries, audited, compare-and-set', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    const s = await strategy(h, id, { expires_at: '2026-12-08T00:00:00Z' });
    await scanAt(h, '2026-12-07T01:00:00Z');
    await scanAt(h, '2026-12-08T00:00:00Z');
    const expiry = await h.database.db.quotaExecute.findFirstOrThrow({
      where: { strategyId: 0, userId: id },
    });
    expect(expiry).toMatchObject({ status: 'applied', occurrence: `${s.id}:once` });
    // The delta arrived but its outcome was lost (what reconciliation off leaves for a person).
    await h.database.db.quotaExecute.update({
      where: { id: expiry.id },
      data: { status: 'unknown' },
    });
    const listed = await h.call(
      'GET',
      `/api/v1/lots/expiries?status=unknown&user_id=${encodeURIComponent(id)}`,
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({
      total: 1,
      items: [{ id: expiry.id, strategy_id: 0, amount: -100, status: 'unknown' }],
    });
    const viewer = await h.call(
      'POST',
      `/api/v1/lots/expiries/${expiry.id}/resolve`,
      { resolution: 'applied' },
      { token: VIEWER_TOKEN },
    );
    expect(viewer.status).toBe(403);
    const bad = await h.call('POST', `/api/v1/lots/expiries/${expiry.id}/resolve`, {
      resolution: 'ignore',
    });
    expect(bad.status).toBe(400);
    // A grant's row is not an expiry: not found here, whatever its status.
    const grant = await h.database.db.quotaExecute.findFirstOrThrow({
      where: { strategyId: s.id, userId: id },
    });
    const notExpiry = await h.call('POST', `/api/v1/lots/expiries/${grant.id}/resolve`, {
      resolution: 'applied',
    });
    expect(notExpiry.status).toBe(404);
    for (const badId of ['0', '-1', '1e3', '9'.repeat(30)]) {
      const refused = await h.call('POST', `/api/v1/lots/expiries/${badId}/resolve`, {
        resolution: 'applied',
      });
      expect(refused.status, badId).toBe(400);
    }
    const resolved = await h.call('POST', `/api/v1/lots/expiries/${expiry.id}/resolve`, {
      resolution: 'applied',
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ id: expiry.id, strategy_id: 0, status: 'applied' });
    const again = await h.call('POST', `/api/v1/lots/expiries/${expiry.id}/resolve`, {
      resolution: 'retry',
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('conflict');
    const audit = await h.database.db.auditEvent.findMany({
      where: { action: 'grant.resolve', targetId: String(expiry.id) },
    });
    expect(audit).toHaveLength(1);
    expect(JSON.parse(audit[0]!.changes as string)).toMatchObject({
      strategy_id: 0,
      resolution: 'applied',
    });
    const lot = (await lots(h, id)).find((l) => l.strategy_id === s.id)!;
    expect(lot).toMatchObject({ state: 'expired', expiry_status: 'applied' });
  });

  it.each([
    [{ expires_after: 'P1M' }, 'expires_after'],
    [{ expires_after: 'PT30S' }, 'expires_after'],
    [{ expires_after: 'P30D\u0000' }, 'expires_after'],
    [{ expires_after: '' }, 'expires_after'],
    [{ expires_after: 'P'.padEnd(65, '1') }, 'expires_after'],
    [{ expires_after: 'P３0D' }, 'expires_after'],
    [{ expires_at: '0999-12-31T00:00:00Z' }, 'expires_at'],
    [{ priority: -1_000_001 }, 'priority'],
    [{ priority: null }, 'priority'],
    [{ expires_after: 'P30D', expires_at: '2027-01-01T00:00:00Z' }, 'expires_at'],
    [{ rollover_max: 50 }, 'rollover_max'],
    [{ priority: 2 ** 53 }, 'priority'],
    [{ priority: 1.5 }, 'priority'],
    [{ mode: 'top_up', expires_after: 'P1D' }, 'mode'],
  ])('refuses %j with 400 naming the field', async (fields, field) => {
    const before = await h.call('GET', '/api/v1/strategies?limit=1');
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('bad'),
      title: 't',
      type: 'single',
      amount: 10,
      condition: 'true()',
      ...fields,
    });
    expect(created.status).toBe(400);
    expect(created.body.code).toBe('validation_failed');
    expect(JSON.stringify(created.body.errors)).toContain(field);
    const after = await h.call('GET', '/api/v1/strategies?limit=1');
    expect(after.body.total).toBe(before.body.total);
  });
});

/**
 * Two lots of one user expiring at the same instant against a gateway that ignores
 * Idempotency-Key, with reconciliation by the total: only one expiry of a user is in doubt at a
 * time, so the total can tell each one's outcome, and an expiry sent later never takes back
 * more than the balance it finds.
 */
describe.each(DATABASE_KINDS)('expiries of one user in doubt on %s', (kind) => {
  const SETTLE_MS = 400;
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, {
      now: '2026-12-07T00:00:00Z',
      reconcile: 'query',
      honoursIdempotency: false,
      settleAfterMs: SETTLE_MS,
    });
    h.mock.setFaults({ honour_idempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const expiryRows = (userId: string) =>
    h.database.db.quotaExecute.findMany({
      where: { strategyId: 0, userId },
      orderBy: { id: 'asc' },
    });

  /** Scans until no expiry of the user is in doubt or waiting (a loaded machine may be early). */
  async function scanUntilSettled(userId: string, iso: string) {
    for (let attempt = 0; attempt < 20; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS + 100));
      await scanAt(h, iso);
      const open = (await expiryRows(userId)).filter((r) =>
        ['sending', 'pending', 'failed'].includes(r.status),
      );
      if (open.length === 0) return;
    }
  }

  it('two lots expiring together, answers lost: one in doubt at a time, both settled by the total, none unknown', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z', amount: 100 });
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z', amount: 50 });
    await scanAt(h, '2026-12-07T01:00:00Z');
    expect(balance(h, id)).toBe(150);
    await consume(h, id, 30);

    h.mock.setFaults({ drop_after_apply_rate: 1 });
    try {
      await scanAt(h, '2026-12-10T00:00:00Z');
    } finally {
      h.mock.setFaults({ drop_after_apply_rate: 0 });
    }
    // One expiry went out and its answer was lost; the other waits for it, unsent.
    expect((await expiryRows(id)).map((r) => r.status).sort()).toEqual(['pending', 'sending']);
    const takeBacks = h.mock
      .deltaLog()
      .items.filter((d) => d.user_id === id && Number(d.value) < 0);
    expect(takeBacks).toHaveLength(1);

    await scanUntilSettled(id, '2026-12-10T00:01:00Z');
    const rows = await expiryRows(id);
    expect(rows.map((r) => r.status)).toEqual(['applied', 'applied']);
    // 30 spent from the first lot in spending order (priority 0, same expiry: the older one).
    expect(balance(h, id)).toBe(0);
    const sent = rows.map((r) => Number(r.deltaSent)).sort((a, b) => a - b);
    expect(sent).toEqual([-70, -50]);
  });

  it('an expiry that waited is capped to the balance it finds when sent, and records what it sent', async () => {
    const id = await user(h);
    h.clock.set(new Date('2026-12-07T00:00:00Z'));
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z', amount: 100 });
    await strategy(h, id, { expires_at: '2026-12-10T00:00:00Z', amount: 100 });
    await scanAt(h, '2026-12-07T01:00:00Z');
    expect(balance(h, id)).toBe(200);

    h.mock.setFaults({ drop_after_apply_rate: 1 });
    try {
      await scanAt(h, '2026-12-10T00:00:00Z');
    } finally {
      h.mock.setFaults({ drop_after_apply_rate: 0 });
    }
    // The first expiry took 100 (its answer lost); the second, decided at 100, waits.
    expect(balance(h, id)).toBe(100);
    const waiting = (await expiryRows(id)).find((r) => r.status === 'pending')!;
    expect(Number(waiting.amount)).toBe(-100);
    // The user spends 60 before the second expiry is sent: only 40 is left to take back.
    await consume(h, id, 60);

    await scanUntilSettled(id, '2026-12-10T00:01:00Z');
    expect(balance(h, id)).toBe(0);
    const rows = await expiryRows(id);
    expect(rows.map((r) => r.status)).toEqual(['applied', 'applied']);
    const second = rows.find((r) => r.id === waiting.id)!;
    expect(Number(second.deltaSent)).toBe(-40);
    expect(Number(second.balanceBefore)).toBe(40);
    // The decided amount stays on the row; the lot says what was taken back.
    expect(Number(second.amount)).toBe(-100);
    const taken = (await lots(h, id)).map((l) => l.expired_amount).sort();
    expect(taken).toEqual([100, 40]);
  });
});
