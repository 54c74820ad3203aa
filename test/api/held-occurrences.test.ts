// Held occurrences that stay manageable, through the API on every database: under
// missed_runs: skip a newer occurrence supersedes older held ones (closed, nothing granted);
// an operator dismisses one or approves every held one at once; disabling a strategy releases
// its holds; an occurrence that would send nothing (every top-up at its target) is not held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('held occurrences on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 2 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function usersInOrg(org: string, count: number) {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, vip: 1 }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    return users.map((u) => u.id);
  }
  const statuses = async (strategyId: number) =>
    Object.fromEntries(
      (
        await h.database.db.strategyOccurrence.findMany({
          where: { strategyId },
          orderBy: { occurrence: 'asc' },
        })
      ).map((row) => [row.occurrence, row.status]),
    );
  const ledgerCount = (strategyId: number) =>
    h.database.db.quotaExecute.count({ where: { strategyId } });

  /** An hourly strategy over a cap of 2 users for 3 users: every occurrence is held. */
  async function hourlyHeld(missedRuns: 'skip' | 'catch_up') {
    h.clock.set('2026-05-01T07:59:00Z');
    const org = unique('held');
    await usersInOrg(org, 3);
    const strategy = await createOrgStrategy(h, org, {
      type: 'periodic',
      periodic_expr: '0 * * * *',
      missed_runs: missedRuns,
      max_users_per_occurrence: 2,
    });
    for (const at of ['2026-05-01T08:00:30Z', '2026-05-01T09:00:30Z', '2026-05-01T10:00:30Z']) {
      h.clock.set(at);
      expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).status).toBe(200);
    }
    return strategy;
  }

  it('under missed_runs: skip, each newer occurrence supersedes the older held ones', async () => {
    const strategy = await hourlyHeld('skip');
    expect(await statuses(strategy.id)).toEqual({
      '2026-05-01T08:00:00.000Z': 'superseded',
      '2026-05-01T09:00:00.000Z': 'superseded',
      '2026-05-01T10:00:00.000Z': 'held',
    });
    const stats = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`);
    expect(stats.body.held.map((held: { occurrence: string }) => held.occurrence)).toEqual([
      '2026-05-01T10:00:00.000Z',
    ]);
    // The superseded ones are listed as closed, newest first, with when they were closed.
    expect(stats.body.closed_holds).toEqual([
      {
        occurrence: '2026-05-01T09:00:00.000Z',
        status: 'superseded',
        closed_at: expect.any(String),
      },
      {
        occurrence: '2026-05-01T08:00:00.000Z',
        status: 'superseded',
        closed_at: expect.any(String),
      },
    ]);
    // A superseded occurrence is closed: it cannot be approved, and nothing was granted.
    const approve = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/2026-05-01T08:00:00.000Z/approve`,
    );
    expect(approve.status).toBe(409);
    expect(await ledgerCount(strategy.id)).toBe(0);
  });

  it('under catch_up the held occurrences wait; approve-all approves and runs each, oldest first', async () => {
    const strategy = await hourlyHeld('catch_up');
    expect(Object.values(await statuses(strategy.id))).toEqual(['held', 'held', 'held']);
    const viewer = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/held/approve`,
      undefined,
      {
        token: VIEWER_TOKEN,
      },
    );
    expect(viewer.status).toBe(403);
    const all = await h.call('POST', `/api/v1/strategies/${strategy.id}/held/approve`);
    expect(all.status).toBe(200);
    expect(
      all.body.items.map((r: { occurrence: string; granted: number }) => [r.occurrence, r.granted]),
    ).toEqual([
      ['2026-05-01T08:00:00.000Z', 3],
      ['2026-05-01T09:00:00.000Z', 3],
      ['2026-05-01T10:00:00.000Z', 3],
    ]);
    expect(Object.values(await statuses(strategy.id))).toEqual(['done', 'done', 'done']);
    const again = await h.call('POST', `/api/v1/strategies/${strategy.id}/held/approve`);
    expect(again).toMatchObject({ status: 409, body: { code: 'occurrence_not_held' } });
  });

  it('dismisses one held occurrence: closed, nothing granted, audited; not twice, not garbage', async () => {
    const strategy = await hourlyHeld('catch_up');
    const path = (occurrence: string) =>
      `/api/v1/strategies/${strategy.id}/occurrences/${occurrence}/dismiss`;
    // Any spelling of the instant names the same occurrence.
    const dismissed = await h.call('POST', path('2026-05-01T09:00:00Z'));
    expect(dismissed).toMatchObject({
      status: 200,
      body: { occurrence: '2026-05-01T09:00:00.000Z', status: 'dismissed' },
    });
    expect(await statuses(strategy.id)).toEqual({
      '2026-05-01T08:00:00.000Z': 'held',
      '2026-05-01T09:00:00.000Z': 'dismissed',
      '2026-05-01T10:00:00.000Z': 'held',
    });
    expect((await h.call('POST', path('2026-05-01T09:00:00.000Z'))).status).toBe(409);
    for (const bad of ['not-a-time', '%00', '9'.repeat(40)])
      expect((await h.call('POST', path(bad))).body.code, bad).toBe('validation_failed');
    const audit = await h.call(
      'GET',
      `/api/v1/audit?target_type=strategy&target_id=${strategy.id}`,
    );
    expect(audit.status).toBe(200);
    const dismissals = (audit.body.items as { action: string; changes: unknown }[]).filter(
      (event) => event.action === 'occurrence.dismiss',
    );
    expect(dismissals).toHaveLength(1);
    expect(JSON.stringify(dismissals[0]!.changes)).toContain('2026-05-01T09:00:00.000Z');
    // A later scan does not take the dismissed occurrence up again.
    await h.call('POST', '/api/v1/strategies/scan');
    expect((await statuses(strategy.id))['2026-05-01T09:00:00.000Z']).toBe('dismissed');
    expect(await ledgerCount(strategy.id)).toBe(0);
  });

  it('disabling a strategy releases its holds; enabled again, it starts from what is due then', async () => {
    const strategy = await hourlyHeld('catch_up');
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`)).status).toBe(200);
    expect(Object.values(await statuses(strategy.id))).toEqual([
      'released',
      'released',
      'released',
    ]);
    expect((await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`)).body.held).toEqual([]);
    expect(await ledgerCount(strategy.id)).toBe(0);
  });

  it('a single strategy has no occurrence to dismiss (400)', async () => {
    const org = unique('single');
    await usersInOrg(org, 3);
    const strategy = await createOrgStrategy(h, org, { max_users_per_occurrence: 2 });
    expect(
      (await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.held,
    ).not.toBeNull();
    const dismiss = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/once/dismiss`,
    );
    expect(dismiss).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('an occurrence that would send nothing (every top-up at its target) is not held', async () => {
    const org = unique('full');
    const ids = await usersInOrg(org, 3);
    for (const id of ids) await h.runtime.gateway.refreshQuota(id, 100);
    const strategy = await createOrgStrategy(h, org, {
      mode: 'top_up',
      amount: 100,
      max_users_per_occurrence: 2,
    });
    const deltasBefore = h.mock.state().deltas;
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({ status: 200, body: { held: null } });
    expect((await statuses(strategy.id))['once']).not.toBe('held');
    expect(h.mock.state().deltas).toBe(deltasBefore);
  });
});
