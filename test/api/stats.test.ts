// Statistics on real SQLite and PostgreSQL: exact sums of two-decimal amounts, "today" and
// "this month" cut at local midnight in the configured zone, a strategy's schedule (due and
// next fire times in its own zone), recent occurrences, and one user's grant history.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { formatInZone, startOfDay, startOfMonth, zoneOffsetMs } from '../../src/core/time-zone.ts';
import { Prisma } from '../../src/db/client.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe('calendar arithmetic in a time zone', () => {
  it.each([
    // instant, zone, start of its local day, start of its local month
    ['2026-01-15T10:00:00Z', 'UTC', '2026-01-15T00:00:00.000Z', '2026-01-01T00:00:00.000Z'],
    [
      '2026-01-15T10:00:00Z',
      'Asia/Shanghai',
      '2026-01-14T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ],
    [
      '2026-01-14T15:59:59.999Z',
      'Asia/Shanghai',
      '2026-01-13T16:00:00.000Z',
      '2025-12-31T16:00:00.000Z',
    ],
    [
      '2026-03-01T02:00:00Z',
      'Asia/Shanghai',
      '2026-02-28T16:00:00.000Z',
      '2026-02-28T16:00:00.000Z',
    ],
    // New York, the day clocks go forward (a 23-hour day) and the day they go back (25 hours).
    [
      '2026-03-08T20:00:00Z',
      'America/New_York',
      '2026-03-08T05:00:00.000Z',
      '2026-03-01T05:00:00.000Z',
    ],
    [
      '2026-11-01T20:00:00Z',
      'America/New_York',
      '2026-11-01T04:00:00.000Z',
      '2026-11-01T04:00:00.000Z',
    ],
    // Santiago skips midnight when DST starts: 2024-09-08 begins at 01:00 local (04:00Z).
    [
      '2024-09-08T12:00:00Z',
      'America/Santiago',
      '2024-09-08T04:00:00.000Z',
      '2024-09-01T04:00:00.000Z',
    ],
    // A zone with a 45-minute offset.
    [
      '2026-06-30T23:00:00Z',
      'Asia/Kathmandu',
      '2026-06-30T18:15:00.000Z',
      '2026-06-30T18:15:00.000Z',
    ],
  ])('%s in %s: the day starts at %s, the month at %s', (instant, zone, day, month) => {
    expect(startOfDay(new Date(instant), zone).toISOString()).toBe(day);
    expect(startOfMonth(new Date(instant), zone).toISOString()).toBe(month);
  });

  it.each([
    ['2026-01-16T00:00:00Z', 'Asia/Shanghai', '2026-01-16T08:00:00+08:00'],
    ['2026-07-01T12:30:05Z', 'America/New_York', '2026-07-01T08:30:05-04:00'],
    ['2026-01-01T00:00:00Z', 'UTC', '2026-01-01T00:00:00+00:00'],
    ['2026-06-30T18:15:00Z', 'Asia/Kathmandu', '2026-07-01T00:00:00+05:45'],
  ])('%s reads %s as %s', (instant, zone, local) => {
    expect(formatInZone(new Date(instant), zone)).toBe(local);
  });

  it('knows the offset on both sides of a DST change', () => {
    expect(zoneOffsetMs(new Date('2026-03-08T06:59:59Z'), 'America/New_York')).toBe(-5 * 3600_000);
    expect(zoneOffsetMs(new Date('2026-03-08T07:00:00Z'), 'America/New_York')).toBe(-4 * 3600_000);
  });
});

const NOW = '2026-01-15T10:00:00Z'; // 18:00 in Asia/Shanghai
const ZONE = 'Asia/Shanghai';

describe.each(DATABASE_KINDS)('statistics API on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { now: NOW, timeZone: ZONE });
  });
  afterAll(async () => {
    await h.destroy();
  });
  beforeEach(() => h.clock.set(NOW));

  async function newUsers(count: number, extra: Record<string, unknown> = {}): Promise<string[]> {
    const org = unique('org');
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, ...extra }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    return users.map((u) => u.id);
  }

  async function createStrategy(fields: Record<string, unknown> = {}) {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: unique('stats'),
      title: 'stats',
      type: 'single',
      amount: 1,
      condition: 'is-vip(100)',
      enabled: false,
      ...fields,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number };
  }

  interface Row {
    userId: string;
    amount: string;
    status: string;
    createdAt: string;
    occurrence?: string;
  }
  /** Ledger rows written directly, with the creation times a test needs. */
  async function insertRows(strategyId: number, rows: Row[]): Promise<void> {
    await h.database.db.quotaExecute.createMany({
      data: rows.map((row, i) => ({
        strategyId,
        occurrence: row.occurrence ?? `occ-${i}`,
        userId: row.userId,
        amount: new Prisma.Decimal(row.amount),
        status: row.status,
        idempotencyKey: `qm:${strategyId}:${row.occurrence ?? `occ-${i}`}:${row.userId}`,
        createdAt: new Date(row.createdAt),
        updatedAt: new Date(row.createdAt),
      })),
    });
  }

  const cents = (amount: number) => Math.round(amount * 100);

  it('sums amounts exactly per status for today, this month and all time, cut at local midnight', async () => {
    const strategy = await createStrategy();
    const [u] = await newUsers(1);
    await insertRows(strategy.id, [
      { userId: u!, amount: '0.10', status: 'applied', createdAt: '2026-01-14T16:00:00.000Z' }, // 00:00 local today
      { userId: u!, amount: '0.20', status: 'applied', createdAt: '2026-01-15T09:59:59.000Z' },
      { userId: u!, amount: '0.70', status: 'failed', createdAt: '2026-01-15T01:00:00.000Z' },
      { userId: u!, amount: '0.10', status: 'applied', createdAt: '2026-01-14T15:59:59.999Z' }, // 23:59:59.999 local yesterday
      {
        userId: u!,
        amount: '999999999999.99',
        status: 'applied',
        createdAt: '2025-12-31T16:00:00.000Z',
      }, // 00:00 local Jan 1
      { userId: u!, amount: '0.05', status: 'unknown', createdAt: '2025-12-31T15:59:59.999Z' }, // Dec 31 local
    ]);

    const response = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`);
    expect(response.status).toBe(200);
    const stats = response.body;
    expect(stats).toMatchObject({
      time_zone: ZONE,
      generated_at: '2026-01-15T18:00:00+08:00',
      strategy_id: strategy.id,
    });
    expect(stats.today).toEqual({
      since: '2026-01-15T00:00:00+08:00',
      total: { grants: 3, amount: 1 },
      by_status: {
        pending: { grants: 0, amount: 0 },
        sending: { grants: 0, amount: 0 },
        applied: { grants: 2, amount: 0.3 },
        failed: { grants: 1, amount: 0.7 },
        unknown: { grants: 0, amount: 0 },
      },
    });
    expect(stats.this_month).toEqual({
      since: '2026-01-01T00:00:00+08:00',
      total: { grants: 5, amount: 1000000000001.09 },
      by_status: {
        pending: { grants: 0, amount: 0 },
        sending: { grants: 0, amount: 0 },
        applied: { grants: 4, amount: 1000000000000.39 },
        failed: { grants: 1, amount: 0.7 },
        unknown: { grants: 0, amount: 0 },
      },
    });
    expect(stats.all_time).toEqual({
      since: null,
      total: { grants: 6, amount: 1000000000001.14 },
      by_status: {
        pending: { grants: 0, amount: 0 },
        sending: { grants: 0, amount: 0 },
        applied: { grants: 4, amount: 1000000000000.39 },
        failed: { grants: 1, amount: 0.7 },
        unknown: { grants: 1, amount: 0.05 },
      },
    });
  });

  it('GET /stats adds up every strategy, and a real run counts 3 × 0.1 as exactly 0.3', async () => {
    const before = (await h.call('GET', '/api/v1/stats')).body;
    const users = await newUsers(3);
    const org = users[0]!.replace(/-u0$/, '');
    const strategy = await createStrategy({
      amount: 0.1,
      condition: `belong-to("${org}")`,
      enabled: true,
    });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body).toMatchObject({
      granted: 3,
    });
    const other = await createStrategy();
    await insertRows(other.id, [
      { userId: users[0]!, amount: '2.25', status: 'pending', createdAt: '2026-01-10T00:00:00Z' },
    ]);

    const own = (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`)).body;
    expect(own.all_time.by_status.applied).toEqual({ grants: 3, amount: 0.3 });
    expect(own.all_time.total).toEqual({ grants: 3, amount: 0.3 });

    const after = await h.call('GET', '/api/v1/stats');
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      time_zone: ZONE,
      today: { since: '2026-01-15T00:00:00+08:00' },
      this_month: { since: '2026-01-01T00:00:00+08:00' },
      all_time: { since: null },
    });
    const delta = (status: string) => ({
      grants:
        after.body.all_time.by_status[status].grants - before.all_time.by_status[status].grants,
      cents:
        cents(after.body.all_time.by_status[status].amount) -
        cents(before.all_time.by_status[status].amount),
    });
    expect(delta('applied')).toEqual({ grants: 3, cents: 30 });
    expect(delta('pending')).toEqual({ grants: 1, cents: 225 });
    expect(after.body.all_time.total.grants - before.all_time.total.grants).toBe(4);
    // The pending row was created on Jan 10: this month, not today.
    expect(
      after.body.this_month.by_status.pending.grants - before.this_month.by_status.pending.grants,
    ).toBe(1);
    expect(after.body.today.by_status.pending.grants - before.today.by_status.pending.grants).toBe(
      0,
    );
  });

  it("shows a periodic strategy's due occurrence and next fire times in its own zone", async () => {
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      timezone: ZONE,
      enabled: true,
    });
    const first = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats?next=3`);
    expect(first.status).toBe(200);
    // Created at 18:00 local: today's 08:00 fire time is before the strategy existed.
    expect(first.body.last_occurrence).toBeNull();
    expect(first.body.strategy_time_zone).toBe(ZONE);
    expect(first.body.next_occurrences).toEqual([
      { at: '2026-01-16T00:00:00.000Z', local: '2026-01-16T08:00:00+08:00' },
      { at: '2026-01-17T00:00:00.000Z', local: '2026-01-17T08:00:00+08:00' },
      { at: '2026-01-18T00:00:00.000Z', local: '2026-01-18T08:00:00+08:00' },
    ]);

    h.clock.set('2026-01-16T01:00:00Z');
    const later = (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`)).body;
    expect(later.last_occurrence).toEqual({
      at: '2026-01-16T00:00:00.000Z',
      local: '2026-01-16T08:00:00+08:00',
    });
    expect(later.next_occurrences).toHaveLength(5); // the default
    expect(later.next_occurrences[0].at).toBe('2026-01-17T00:00:00.000Z');

    expect(
      (
        await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
          end_at: '2026-01-18T00:00:00Z',
        })
      ).status,
    ).toBe(200);
    const ending = (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats?next=10`)).body;
    expect(ending.next_occurrences.map((o: { at: string }) => o.at)).toEqual([
      '2026-01-17T00:00:00.000Z',
      '2026-01-18T00:00:00.000Z',
    ]);

    await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    expect(
      (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`)).body.next_occurrences,
    ).toEqual([]);
  });

  it('starts the next fire times at start_at, and has none for a single strategy', async () => {
    const future = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      timezone: ZONE,
      enabled: true,
      start_at: '2026-02-01T00:00:00Z',
    });
    const stats = (await h.call('GET', `/api/v1/strategies/${future.id}/stats?next=2`)).body;
    expect(stats.next_occurrences.map((o: { local: string }) => o.local)).toEqual([
      '2026-02-01T08:00:00+08:00',
      '2026-02-02T08:00:00+08:00',
    ]);
    expect(stats.last_occurrence).toBeNull();

    const single = await createStrategy({ enabled: true });
    const singleStats = (await h.call('GET', `/api/v1/strategies/${single.id}/stats`)).body;
    expect(singleStats).toMatchObject({
      last_occurrence: null,
      next_occurrences: [],
      recent_occurrences: [],
    });
  });

  it('lists the latest occurrences in the ledger, newest first', async () => {
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      timezone: ZONE,
    });
    const [a, b] = await newUsers(2);
    const at = (day: string) => `2026-01-${day}T00:00:00.000Z`;
    await insertRows(strategy.id, [
      { userId: a!, amount: '5', status: 'applied', createdAt: at('10'), occurrence: at('10') },
      { userId: b!, amount: '5', status: 'applied', createdAt: at('10'), occurrence: at('10') },
      { userId: a!, amount: '5', status: 'applied', createdAt: at('11'), occurrence: at('11') },
      { userId: a!, amount: '5', status: 'applied', createdAt: at('12'), occurrence: at('12') },
      { userId: b!, amount: '5', status: 'failed', createdAt: at('12'), occurrence: at('12') },
    ]);
    const stats = (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats?last=2`)).body;
    expect(stats.recent_occurrences).toHaveLength(2);
    expect(stats.recent_occurrences[0]).toMatchObject({
      occurrence: at('12'),
      total: { grants: 2, amount: 10 },
      by_status: { applied: { grants: 1, amount: 5 }, failed: { grants: 1, amount: 5 } },
    });
    expect(stats.recent_occurrences[1]).toMatchObject({
      occurrence: at('11'),
      total: { grants: 1, amount: 5 },
    });
    expect(
      (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats?last=0`)).body
        .recent_occurrences,
    ).toEqual([]);
    expect(
      (await h.call('GET', `/api/v1/strategies/${strategy.id}/stats?last=10`)).body
        .recent_occurrences,
    ).toHaveLength(3);
  });

  it.each([
    ['next above 100', '?next=101', 'next'],
    ['a negative next', '?next=-1', 'next'],
    ['a non-numeric last', '?last=many', 'last'],
    ['an unknown parameter', '?days=7', 'days'],
  ])('rejects %s with a 400 naming the parameter', async (_label, query, field) => {
    const strategy = await createStrategy();
    const response = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats${query}`);
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    expect(JSON.stringify(response.body.errors)).toContain(field);
  });

  it('answers 404 for an unknown strategy or user, 401 without a token', async () => {
    expect((await h.call('GET', '/api/v1/strategies/987654/stats')).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    expect((await h.call('GET', '/api/v1/users/nobody-here/grants')).body).toMatchObject({
      status: 404,
      code: 'not_found',
    });
    for (const path of ['/api/v1/stats', '/api/v1/strategies/1/stats', '/api/v1/users/x/grants']) {
      expect((await h.call('GET', path, undefined, { token: null })).status).toBe(401);
    }
  });

  it("pages through one user's grants across strategies, newest first, filtered by status", async () => {
    const [user, bystander] = await newUsers(2);
    const s1 = await createStrategy();
    const s2 = await createStrategy();
    await insertRows(s1.id, [
      {
        userId: user!,
        amount: '1.25',
        status: 'applied',
        createdAt: '2026-01-01T00:00:00Z',
        occurrence: 'once',
      },
      {
        userId: bystander!,
        amount: '1.25',
        status: 'applied',
        createdAt: '2026-01-01T00:00:00Z',
        occurrence: 'once',
      },
    ]);
    await insertRows(s2.id, [
      {
        userId: user!,
        amount: '3',
        status: 'failed',
        createdAt: '2026-01-02T00:00:00Z',
        occurrence: '2026-01-02T00:00:00.000Z',
      },
      {
        userId: user!,
        amount: '3',
        status: 'applied',
        createdAt: '2026-01-03T00:00:00Z',
        occurrence: '2026-01-03T00:00:00.000Z',
      },
    ]);

    const all = await h.call('GET', `/api/v1/users/${user}/grants`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBe(3);
    expect(
      all.body.items.map((g: { strategy_id: number; status: string }) => [g.strategy_id, g.status]),
    ).toEqual([
      [s2.id, 'applied'],
      [s2.id, 'failed'],
      [s1.id, 'applied'],
    ]);
    expect(all.body.items.every((g: { user_id: string }) => g.user_id === user)).toBe(true);
    // The same rows, in the same shape, as the strategy's ledger shows them.
    const ledger = (await h.call('GET', `/api/v1/strategies/${s1.id}/executions?user_id=${user}`))
      .body.items;
    expect(all.body.items[2]).toEqual(ledger[0]);
    expect(all.body.items[2].amount).toBe(1.25);

    const failed = await h.call('GET', `/api/v1/users/${user}/grants?status=failed`);
    expect(failed.body).toMatchObject({
      total: 1,
      items: [{ strategy_id: s2.id, status: 'failed', amount: 3 }],
    });
    const page = await h.call('GET', `/api/v1/users/${user}/grants?limit=1&offset=1`);
    expect(page.body.total).toBe(3);
    expect(page.body.items).toHaveLength(1);
    expect(page.body.items[0].id).toBe(all.body.items[1].id);
    expect((await h.call('GET', `/api/v1/users/${user}/grants?status=granted`)).status).toBe(400);
    expect((await h.call('GET', `/api/v1/users/${user}/grants?limit=0`)).status).toBe(400);
  });

  it('GET /users/:id shows the latest 100 grants, newest first, as /users/:id/grants does', async () => {
    const [user] = await newUsers(1);
    const strategy = await createStrategy();
    // 102 grants, oldest first: the user page must leave out the two oldest, not the two newest.
    const day = (i: number) => new Date(Date.UTC(2025, 0, 1) + i * 86_400_000).toISOString();
    await insertRows(
      strategy.id,
      Array.from({ length: 102 }, (_, i) => ({
        userId: user!,
        amount: '1',
        status: 'applied',
        createdAt: day(i),
        occurrence: day(i),
      })),
    );

    const shown = await h.call('GET', `/api/v1/users/${user}`);
    expect(shown.status).toBe(200);
    const grants = shown.body.grants as { id: number; occurrence: string }[];
    expect(grants).toHaveLength(100);
    expect(shown.body.grants_total).toBe(102); // so a caller knows there is more than it sees
    expect(grants[0]!.occurrence).toBe(day(101));
    expect(grants.at(-1)!.occurrence).toBe(day(2));
    const history = await h.call('GET', `/api/v1/users/${user}/grants?limit=100`);
    expect(grants).toEqual(history.body.items);

    const doc = (await h.call('GET', '/openapi.json', undefined, { token: null })).body;
    const grantsField = doc.components.schemas.UserWithGrants.allOf.find(
      (part: { properties?: object }) => part.properties,
    )?.properties.grants;
    expect(grantsField.description).toMatch(/latest 100 grants .*newest first/);
  });
});
