// Budget caps per occurrence, through the API on both databases: a run, a scan, a preview and
// the strategy's statistics all see an occurrence held when it would grant more users (or more
// amount) than its cap, already granted users included; nothing is granted and the ledger is
// untouched until the cap is raised or the occurrence is approved once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('budget caps on %s', (kind) => {
  let h: Harness;
  let withDefault: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 2 });
    withDefault = await createHarness(kind, { pageSize: 2, maxUsersPerOccurrence: 2 });
  });
  afterAll(async () => {
    await h.destroy();
    await withDefault.destroy();
  });

  async function usersInOrg(harness: Harness, org: string, count: number) {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, vip: 1 }));
    expect((await harness.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    return users.map((u) => u.id);
  }

  const ledgerCount = (harness: Harness, strategyId: number) =>
    harness.database.db.quotaExecute.count({ where: { strategyId } });
  const occurrenceRow = (harness: Harness, strategyId: number, occurrence = 'once') =>
    harness.database.db.strategyOccurrence.findUnique({
      where: { strategyId_occurrence: { strategyId, occurrence } },
    });
  const heldGauge = async (harness: Harness) => {
    const text = (await harness.metrics.render()).body;
    const line = text.split('\n').find((l) => l.startsWith('quota_manager_occurrences_held '));
    return Number(line?.split(' ')[1]);
  };

  it('holds an occurrence over max_users_per_occurrence: 200 with held, nothing granted, ledger untouched, logged, counted', async () => {
    const org = unique('cap');
    await usersInOrg(h, org, 5);
    const strategy = await createOrgStrategy(h, org, {
      max_users_per_occurrence: 3,
    });
    expect((await h.call('GET', `/api/v1/strategies/${strategy.id}`)).body).toMatchObject({
      max_users_per_occurrence: 3,
      max_amount_per_occurrence: null,
    });
    const gaugeBefore = await heldGauge(h);
    const held = {
      occurrence: 'once',
      needed_users: 5,
      needed_amount: 10,
      max_users_per_occurrence: 3,
      max_amount_per_occurrence: null,
    };
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({ status: 200, body: { granted: 0, occurrence: 'once', held } });
    expect(await ledgerCount(h, strategy.id)).toBe(0);
    expect(h.mock.state().deltas).toBe(0);
    expect((await occurrenceRow(h, strategy.id))?.status).toBe('held');
    expect(await heldGauge(h)).toBe(gaugeBefore + 1);
    const logged = () =>
      h.logger.lines.filter(
        (l) =>
          l.level === 'error' &&
          l.message.startsWith('occurrence held') &&
          l.fields?.strategy_id === strategy.id,
      );
    expect(logged()).toHaveLength(1);
    expect(logged()[0]!.fields).toMatchObject({ needed_users: 5, max_users_per_occurrence: 3 });

    // A scan (what a tick does) holds it too, without logging the hold again.
    const scan = await h.call('POST', '/api/v1/strategies/scan');
    expect(scan.status).toBe(200);
    expect(await ledgerCount(h, strategy.id)).toBe(0);
    expect(logged()).toHaveLength(1);

    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
    expect(preview).toMatchObject({
      status: 200,
      body: { matched: 5, held_by_budget: 5, would_grant: 0, total_amount: 0, held },
    });
    const stats = await h.call('GET', `/api/v1/strategies/${strategy.id}/stats`);
    expect(stats).toMatchObject({ status: 200, body: { held: [held] } });
  });

  it('approve runs a held occurrence once, records who and when, and answers like /run', async () => {
    const org = unique('approve');
    const ids = await usersInOrg(h, org, 4);
    const strategy = await createOrgStrategy(h, org, {
      max_users_per_occurrence: 2,
    });
    expect(
      (await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.held,
    ).not.toBeNull();
    const gaugeHeld = await heldGauge(h);
    const approved = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/once/approve`,
    );
    expect(approved).toMatchObject({
      status: 200,
      body: { occurrence: 'once', granted: 4, failed: 0, held: null },
    });
    for (const id of ids) expect(h.mock.state().quotas[id]).toBe(2);
    const row = await occurrenceRow(h, strategy.id);
    expect(row).toMatchObject({ status: 'open', approvedBy: 'admin' });
    expect(row?.approvedAt?.toISOString()).toBe(h.clock.now().toISOString());
    expect(await heldGauge(h)).toBe(gaugeHeld - 1);
    // Nothing is held any more: a second approval is refused.
    const twice = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/once/approve`,
    );
    expect(twice).toMatchObject({ status: 409, body: { code: 'occurrence_not_held' } });
    // The approval was for 4 users: a fifth is not granted past it, the occurrence is held
    // again (test/api/budget-approval-bounds.test.ts has the rest).
    await h.call('PUT', `/api/v1/users/${org}-late`, { org });
    const again = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(again).toMatchObject({ status: 200, body: { granted: 0, held: { needed_users: 5 } } });
  });

  it('refuses approvals that do not apply: 404, 400, 409 strategy_disabled, 409 occurrence_not_held', async () => {
    const org = unique('refuse');
    await usersInOrg(h, org, 3);
    const strategy = await createOrgStrategy(h, org, {
      max_users_per_occurrence: 1,
    });
    const approve = (id: number, occurrence: string) =>
      h.call('POST', `/api/v1/strategies/${id}/occurrences/${occurrence}/approve`);
    expect(await approve(999_999, 'once')).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
    expect(await approve(strategy.id, '2026-01-15T08:00:00Z')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'occurrence' }] },
    });
    expect(await approve(strategy.id, 'once')).toMatchObject({
      status: 409,
      body: { code: 'occurrence_not_held' },
    });
    await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    expect(await approve(strategy.id, 'once')).toMatchObject({
      status: 409,
      body: { code: 'strategy_disabled' },
    });
    expect(await ledgerCount(h, strategy.id)).toBe(0);
    expect((await occurrenceRow(h, strategy.id))?.approvedAt).toBeNull();
  });

  it('raising the cap (PATCH) releases a held occurrence at the next run', async () => {
    const org = unique('raise');
    await usersInOrg(h, org, 3);
    const strategy = await createOrgStrategy(h, org, {
      max_users_per_occurrence: 2,
    });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(0);
    const patched = await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, {
      max_users_per_occurrence: 3,
    });
    expect(patched).toMatchObject({ status: 200, body: { max_users_per_occurrence: 3 } });
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({ status: 200, body: { granted: 3, held: null } });
    expect((await occurrenceRow(h, strategy.id))?.status).toBe('open');
  });

  it('counts users already granted for the occurrence against the cap', async () => {
    const org = unique('already');
    await usersInOrg(h, org, 2);
    const strategy = await createOrgStrategy(h, org, {
      max_users_per_occurrence: 3,
    });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(2);
    await usersInOrg(h, `${org}-more`, 0);
    await h.call('PUT', `/api/v1/users/${org}-x`, { org });
    await h.call('PUT', `/api/v1/users/${org}-y`, { org });
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({
      status: 200,
      body: {
        granted: 0,
        held: { needed_users: 4, needed_amount: 8, max_users_per_occurrence: 3 },
      },
    });
    expect(await ledgerCount(h, strategy.id)).toBe(2);
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
    expect(preview.body).toMatchObject({
      matched: 4,
      already_granted: 2,
      held_by_budget: 2,
      would_grant: 0,
    });
  });

  it('holds an occurrence over max_amount_per_occurrence', async () => {
    const org = unique('amount');
    await usersInOrg(h, org, 3);
    const strategy = await createOrgStrategy(h, org, {
      amount: 2.5,
      max_amount_per_occurrence: 7,
    });
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({
      status: 200,
      body: {
        granted: 0,
        held: {
          needed_users: 3,
          needed_amount: 7.5,
          max_users_per_occurrence: null,
          max_amount_per_occurrence: 7,
        },
      },
    });
    expect(await ledgerCount(h, strategy.id)).toBe(0);
    await h.call('PATCH', `/api/v1/strategies/${strategy.id}`, { max_amount_per_occurrence: 7.5 });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(3);
  });

  it('refuses invalid caps with 400', async () => {
    for (const body of [
      { max_users_per_occurrence: 0 },
      { max_users_per_occurrence: 1.5 },
      { max_amount_per_occurrence: 0 },
      { max_amount_per_occurrence: -1 },
    ]) {
      const response = await h.call('POST', '/api/v1/strategies', {
        name: unique('bad'),
        title: 't',
        type: 'single',
        amount: 1,
        condition: 'true()',
        ...body,
      });
      expect(response, JSON.stringify(body)).toMatchObject({
        status: 400,
        body: { code: 'validation_failed', errors: [{ field: Object.keys(body)[0] }] },
      });
    }
  });

  it('applies scan.max_users_per_occurrence to strategies that set no cap of their own', async () => {
    const org = unique('default');
    await usersInOrg(withDefault, org, 3);
    const uncapped = await createOrgStrategy(withDefault, org);
    const own = await createOrgStrategy(withDefault, org, {
      max_users_per_occurrence: 10,
    });
    const held = await withDefault.call('POST', `/api/v1/strategies/${uncapped.id}/run`);
    expect(held).toMatchObject({
      status: 200,
      body: { granted: 0, held: { needed_users: 3, max_users_per_occurrence: 2 } },
    });
    const granted = await withDefault.call('POST', `/api/v1/strategies/${own.id}/run`);
    expect(granted).toMatchObject({ status: 200, body: { granted: 3, held: null } });
  });

  it('holds and approves a periodic occurrence by its fire time', async () => {
    h.clock.set('2026-04-01T07:59:00Z');
    const org = unique('daily');
    await usersInOrg(h, org, 3);
    const strategy = await createOrgStrategy(h, org, {
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      max_users_per_occurrence: 2,
    });
    h.clock.set('2026-04-01T08:00:30Z');
    const occurrence = '2026-04-01T08:00:00.000Z';
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run).toMatchObject({
      status: 200,
      body: { occurrence, granted: 0, held: { occurrence } },
    });
    expect((await occurrenceRow(h, strategy.id, occurrence))?.status).toBe('held');
    const wrong = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/once/approve`,
    );
    expect(wrong).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const approved = await h.call(
      'POST',
      `/api/v1/strategies/${strategy.id}/occurrences/${occurrence}/approve`,
    );
    expect(approved).toMatchObject({ status: 200, body: { occurrence, granted: 3, held: null } });
    expect((await occurrenceRow(h, strategy.id, occurrence))?.status).toBe('done');
  });
});
