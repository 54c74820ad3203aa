// The scanner end to end through the API, against the real mock gateway and a real database:
// exactly-once grants, periodic occurrences and backfill, disabled strategies, caps, gateway
// failures, dry runs, and the users API that feeds it all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pruneLedger } from '../../src/core/use-cases/prune-ledger.ts';
import { createLedgerStore } from '../../src/db/ledger-store.ts';
import { createStrategyStore } from '../../src/db/strategy-store.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('scanning on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 3 });
  });
  afterAll(async () => {
    await h.destroy();
  });

  /** Creates users in a fresh org and returns their ids. */
  async function usersInOrg(
    org: string,
    count: number,
    extra: Record<string, unknown> = {},
  ): Promise<string[]> {
    const users = Array.from({ length: count }, (_, i) => ({
      id: `${org}-u${i}`,
      org,
      vip: 1,
      ...extra,
    }));
    const response = await h.call('POST', '/api/v1/users/bulk', users);
    expect(response).toMatchObject({ status: 200, body: { upserted: count } });
    return users.map((u) => u.id);
  }

  async function createStrategy(fields: Record<string, unknown>) {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: unique('s'),
      title: 'test',
      type: 'single',
      enabled: true,
      amount: 2,
      ...fields,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number; name: string };
  }

  const quotaOf = (userId: string) => h.mock.state().quotas[userId] ?? 0;
  const ledger = (strategyId: number) =>
    h.database.db.quotaExecute.findMany({ where: { strategyId }, orderBy: { id: 'asc' } });

  it('a single strategy grants each matching user once, across pages and repeated scans', async () => {
    const org = unique('org');
    const ids = await usersInOrg(org, 7);
    await usersInOrg(unique('other'), 2);
    const strategy = await createStrategy({ condition: `belong-to("${org}")`, amount: 2.5 });

    const first = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(first).toMatchObject({
      status: 200,
      body: { occurrence: 'once', matched: 7, granted: 7, failed: 0 },
    });
    const scan = await h.call('POST', '/api/v1/strategies/scan');
    expect(scan.status).toBe(200);
    expect(scan.body).toMatchObject({ failed: 0 });
    expect(scan.body.duration_ms).toBeTypeOf('number');
    const again = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(again.body).toMatchObject({ matched: 0, granted: 0 });

    for (const id of ids) expect(quotaOf(id)).toBe(2.5);
    const rows = await ledger(strategy.id);
    expect(rows).toHaveLength(7);
    expect(
      rows.every((r) => r.status === 'applied' && r.attempts === 1 && r.occurrence === 'once'),
    ).toBe(true);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(7);
    expect(rows[0]!.idempotencyKey).toBe(`qm:${strategy.id}:once:${rows[0]!.userId}`);
  });

  it('grants later to a user who starts matching later, and never twice', async () => {
    const org = unique('late');
    await usersInOrg(org, 2);
    const strategy = await createStrategy({
      condition: `belong-to("${org}") and is-vip(2)`,
      amount: 1,
    });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(0);
    await h.call('PUT', `/api/v1/users/${org}-u1`, { org, vip: 3 });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(1);
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(0);
    expect(quotaOf(`${org}-u1`)).toBe(1);
    expect(quotaOf(`${org}-u0`)).toBe(0);
  });

  it('a disabled strategy grants nothing (a run is refused with 409 strategy_disabled, a preview answers); enabling it resumes', async () => {
    const org = unique('dis');
    const [id] = await usersInOrg(org, 1);
    const strategy = await createStrategy({ condition: `belong-to("${org}")`, enabled: false });
    await h.call('POST', '/api/v1/strategies/scan');
    const refused = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(refused).toMatchObject({ status: 409, body: { code: 'strategy_disabled' } });
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
    expect(preview).toMatchObject({ status: 200, body: { would_grant: 1 } });
    expect(quotaOf(id!)).toBe(0);
    expect(await ledger(strategy.id)).toHaveLength(0);
    await h.call('POST', `/api/v1/strategies/${strategy.id}/enable`);
    await h.call('POST', '/api/v1/strategies/scan');
    expect(quotaOf(id!)).toBe(2);
    await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    await h.call('PUT', `/api/v1/users/${org}-new`, { org });
    await h.call('POST', '/api/v1/strategies/scan');
    expect(quotaOf(`${org}-new`)).toBe(0);
  });

  it('a periodic strategy grants once per occurrence; backfill takes only real fire times', async () => {
    h.clock.set('2026-03-01T07:59:00Z');
    const org = unique('daily');
    const [a, b] = await usersInOrg(org, 2);
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      timezone: 'UTC',
      condition: `belong-to("${org}")`,
      amount: 5,
    });

    // Before the first fire time after creation nothing is due.
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body).toMatchObject({
      occurrence: null,
      granted: 0,
    });
    h.clock.set('2026-03-01T08:00:30Z');
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body).toMatchObject({
      occurrence: '2026-03-01T08:00:00.000Z',
      granted: 2,
    });
    await h.call('POST', '/api/v1/strategies/scan');
    // The occurrence is done: running it again is refused rather than scanned again.
    expect(await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).toMatchObject({
      status: 409,
      body: { code: 'occurrence_done' },
    });
    // The preview says so too, instead of counting a user who matches only now.
    await h.call('PUT', `/api/v1/users/${org}-late`, { org });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`)).body).toMatchObject({
      occurrence_done: true,
      matched: 0,
      would_grant: 0,
    });
    expect(quotaOf(a!)).toBe(5);

    h.clock.set('2026-03-02T09:00:00Z');
    await h.call('POST', '/api/v1/strategies/scan');
    expect(quotaOf(a!)).toBe(10);
    expect(quotaOf(b!)).toBe(10);

    // A past occurrence before the strategy existed can be backfilled deliberately, once.
    const backfill = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
      occurrence: '2026-02-27T08:00:00Z',
    });
    // a, b and the user who joined after 03-01's occurrence was done.
    expect(backfill.body).toMatchObject({ occurrence: '2026-02-27T08:00:00.000Z', granted: 3 });
    expect(
      await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
        occurrence: '2026-02-27T08:00:00Z',
      }),
    ).toMatchObject({ status: 409, body: { code: 'occurrence_done' } });
    expect(quotaOf(a!)).toBe(15);

    for (const occurrence of ['2026-02-27T08:30:00Z', '2026-03-05T08:00:00Z', 'yesterday']) {
      const rejected = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
        occurrence,
      });
      expect(rejected).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    }
    const occurrences = new Set((await ledger(strategy.id)).map((r) => r.occurrence));
    expect([...occurrences].sort()).toEqual([
      '2026-02-27T08:00:00.000Z',
      '2026-03-01T08:00:00.000Z',
      '2026-03-02T08:00:00.000Z',
    ]);
  });

  it('missed_runs: catch_up grants every missed occurrence once, marked as catch-up', async () => {
    h.clock.set('2026-05-01T00:30:00Z');
    const org = unique('catch');
    const [id] = await usersInOrg(org, 1);
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 * * * *',
      condition: `belong-to("${org}")`,
      missed_runs: 'catch_up',
      max_catch_up: 3,
      amount: 1,
    });
    h.clock.set('2026-05-01T01:00:05Z');
    await h.call('POST', '/api/v1/strategies/scan');
    expect(quotaOf(id!)).toBe(1);
    // The daemon "was down" for five hours: three occurrences are caught up (the cap), with a warning.
    h.clock.set('2026-05-01T06:10:00Z');
    await h.call('POST', '/api/v1/strategies/scan');
    await h.call('POST', '/api/v1/strategies/scan');
    expect(quotaOf(id!)).toBe(4);
    const rows = (await h.call('GET', `/api/v1/strategies/${strategy.id}/executions`)).body
      .items as { occurrence: string; catch_up: boolean }[];
    expect(rows.map((r) => [r.occurrence.slice(11, 16), r.catch_up])).toEqual([
      ['01:00', false],
      ['04:00', true],
      ['05:00', true],
      ['06:00', false],
    ]);
    expect(
      h.logger.lines.some(
        (l) =>
          l.message === 'missed occurrences beyond max_catch_up were skipped' &&
          l.fields?.strategy_id === strategy.id,
      ),
    ).toBe(true);
  });

  it('max_exec_per_user caps applied grants of a periodic strategy', async () => {
    h.clock.set('2026-04-01T00:00:00Z');
    const org = unique('cap');
    const [id] = await usersInOrg(org, 1);
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 * * * *',
      condition: `belong-to("${org}")`,
      max_exec_per_user: 2,
      amount: 1,
    });
    for (let hour = 1; hour <= 4; hour++) {
      h.clock.set(`2026-04-01T0${hour}:00:10Z`);
      await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    }
    expect(quotaOf(id!)).toBe(2);
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: strategy.id } })).toBe(2);
    const capped = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
      occurrence: '2026-04-01T00:00:00Z',
    });
    expect(capped.body).toMatchObject({ matched: 1, skipped: 1, granted: 0 });
  });

  it('a failing gateway leaves failed rows that a later scan completes exactly once', async () => {
    const org = unique('fail');
    const ids = await usersInOrg(org, 4);
    const strategy = await createStrategy({ condition: `belong-to("${org}")`, amount: 3 });
    h.mock.setFaults({ failure_rate: 1, status: 503 });
    try {
      const failed = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
      expect(failed.body).toMatchObject({ matched: 4, granted: 0, failed: 4 });
    } finally {
      h.mock.setFaults({ failure_rate: 0 });
    }
    const rows = await ledger(strategy.id);
    expect(rows.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
    expect(rows[0]!.lastError).toMatch(/503/);
    expect(
      h.logger.lines.some(
        (l) => l.message === 'grant delivery failed' && l.fields?.strategy_id === strategy.id,
      ),
    ).toBe(true);

    const deltasBefore = h.mock.state().deltas;
    const recovered = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(recovered.body).toMatchObject({ granted: 4, failed: 0 });
    expect(h.mock.state().deltas - deltasBefore).toBe(4);
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(0);
    for (const id of ids) expect(quotaOf(id)).toBe(3);
    const failedList = await h.call(
      'GET',
      `/api/v1/strategies/${strategy.id}/executions?status=applied`,
    );
    expect(failedList.body.total).toBe(4);
    expect(failedList.body.items[0]).toMatchObject({
      strategy_id: strategy.id,
      status: 'applied',
      // Every request counts: 3 by the failed run (the client's retries), 1 that succeeded.
      attempts: 4,
      last_error: null,
      occurrence: 'once',
      amount: 3,
    });
  });

  it('previews without side effects', async () => {
    const org = unique('preview');
    await usersInOrg(org, 5);
    const strategy = await createStrategy({ condition: `belong-to("${org}")`, amount: 1.5 });
    const deltas = h.mock.state().deltas;
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
    expect(preview.body).toMatchObject({
      occurrence: 'once',
      occurrence_done: false,
      matched: 5,
      would_grant: 5,
      total_amount: 7.5,
    });
    expect(preview.body.sample_user_ids).toHaveLength(5);
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: strategy.id } })).toBe(0);
    expect(h.mock.state().deltas).toBe(deltas);
  });

  it('quota-le is decided by the gateway quota in memory, after the SQL superset', async () => {
    const org = unique('low');
    const [poor, rich, unknownQuota] = await usersInOrg(org, 3);
    await fetch(`${h.mock.url}/v1/chat/completions/quota/refresh`, {
      method: 'POST',
      headers: { 'x-admin-key': 'test-gateway-key' },
      body: new URLSearchParams({ user_id: poor!, quota: '3' }),
    });
    await fetch(`${h.mock.url}/v1/chat/completions/quota/refresh`, {
      method: 'POST',
      headers: { 'x-admin-key': 'test-gateway-key' },
      body: new URLSearchParams({ user_id: rich!, quota: '50' }),
    });
    const strategy = await createStrategy({
      condition: `belong-to("${org}") and quota-le("any", 10)`,
      amount: 10,
    });
    await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(quotaOf(poor!)).toBe(13);
    expect(quotaOf(rich!)).toBe(50);
    // An unknown user has quota 0 at the mock, which is <= 10.
    expect(quotaOf(unknownQuota!)).toBe(10);
  });

  it('lists executions with filters', async () => {
    const org = unique('exec');
    const [first] = await usersInOrg(org, 3);
    const strategy = await createStrategy({ condition: `belong-to("${org}")` });
    await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    const all = await h.call('GET', `/api/v1/strategies/${strategy.id}/executions`);
    expect(all.body.total).toBe(3);
    const one = await h.call(
      'GET',
      `/api/v1/strategies/${strategy.id}/executions?user_id=${first}`,
    );
    expect(one.body.items).toHaveLength(1);
    expect(one.body.items[0].user_id).toBe(first);
    const page = await h.call(
      'GET',
      `/api/v1/strategies/${strategy.id}/executions?limit=2&offset=2`,
    );
    expect(page.body).toMatchObject({ total: 3 });
    expect(page.body.items).toHaveLength(1);
    expect(
      (await h.call('GET', `/api/v1/strategies/${strategy.id}/executions?status=done`)).status,
    ).toBe(400);
    expect((await h.call('GET', '/api/v1/strategies/999999/executions')).status).toBe(404);
  });
});

describe.each(DATABASE_KINDS)('users API on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('writes a user with the shape it is read with', async () => {
    const user = {
      id: 'shape-1',
      name: 'Ada',
      github_username: 'ada',
      email: 'ada@example.com',
      phone: '+1 555',
      vip: 2,
      org: 'acme',
      github_stars: ['zgsm-ai/zgsm', 'a/b'],
      register_time: '2024-12-31T16:00:00.000Z',
      access_time: null,
    };
    const put = await h.call('PUT', '/api/v1/users/shape-1', user);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ ...user, github_stars: ['a/b', 'zgsm-ai/zgsm'] });
    const got = await h.call('GET', '/api/v1/users/shape-1');
    expect(got.body).toMatchObject({ ...user, github_stars: ['a/b', 'zgsm-ai/zgsm'], grants: [] });
    const patched = await h.call('PUT', '/api/v1/users/shape-1', { vip: 3, github_stars: [] });
    expect(patched.body).toMatchObject({ name: 'Ada', vip: 3, github_stars: [] });
  });

  it('rejects bad users with 400 and writes nothing; bulk is all or nothing', async () => {
    for (const bad of [
      { vip: -1 },
      { vip: 1.5 },
      { nickname: 'x' },
      { register_time: '2024-13-01' },
      { github_stars: 'a/b' },
      { name: 'nul\u0000byte' },
      { github_stars: ['a\u0000'] },
    ]) {
      const response = await h.call('PUT', '/api/v1/users/bad-1', bad);
      expect(response.status).toBe(400);
    }
    expect(await h.call('PUT', '/api/v1/users/bad-1', { id: 'other' })).toMatchObject({
      status: 400,
    });
    expect(await h.database.db.userInfo.count({ where: { id: 'bad-1' } })).toBe(0);
    const bulk = await h.call('POST', '/api/v1/users/bulk', [
      { id: 'bulk-ok', vip: 1 },
      { id: 'bulk-bad', vip: 'high' },
    ]);
    expect(bulk.status).toBe(400);
    const duplicate = await h.call('POST', '/api/v1/users/bulk', [{ id: 'dup' }, { id: 'dup' }]);
    expect(duplicate.status).toBe(400);
    expect(
      await h.database.db.userInfo.count({ where: { id: { in: ['bulk-ok', 'bulk-bad', 'dup'] } } }),
    ).toBe(0);
    expect(await h.call('GET', '/api/v1/users/nobody')).toMatchObject({ status: 404 });
  });
});

describe.each(DATABASE_KINDS)('runs of a periodic occurrence already done, on %s', (kind) => {
  // Its own harness: ledger retention below deletes every old enough row of every strategy.
  // The gateway ignores idempotency keys (like Higress), so uncertain grants become `unknown`.
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { now: '2026-06-01T07:00:00Z', honoursIdempotency: false });
    h.mock.setFaults({ honour_idempotency: false });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const quotaOf = (userId: string) => h.mock.state().quotas[userId] ?? 0;
  const rowsOf = (strategyId: number) =>
    h.database.db.quotaExecute.findMany({ where: { strategyId }, orderBy: { id: 'asc' } });

  async function dailyStrategyFor(org: string, users: number) {
    const ids = Array.from({ length: users }, (_, i) => `${org}-u${i}`);
    expect(
      (
        await h.call(
          'POST',
          '/api/v1/users/bulk',
          ids.map((id) => ({ id, org })),
        )
      ).status,
    ).toBe(200);
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('done'),
      title: 't',
      type: 'periodic',
      enabled: true,
      periodic_expr: '0 8 * * *',
      timezone: 'UTC',
      condition: `belong-to("${org}")`,
      amount: 5,
    });
    expect(created.status).toBe(201);
    return { ids, id: created.body.id as number };
  }

  it('a backfill of an occurrence whose rows retention deleted is refused, and grants nothing twice', async () => {
    h.clock.set('2026-06-03T09:00:00Z');
    const org = unique('retained');
    const { ids, id } = await dailyStrategyFor(org, 2);
    const backfill = { occurrence: '2026-05-30T08:00:00Z' };
    expect((await h.call('POST', `/api/v1/strategies/${id}/run`, backfill)).body).toMatchObject({
      occurrence: '2026-05-30T08:00:00.000Z',
      granted: 2,
    });

    // Retention, as `quota-manager retention` runs it, with every row old enough.
    const pruned = await pruneLedger({
      before: new Date(Date.now() + 86_400_000),
      dryRun: false,
      clock: h.clock,
      ledger: createLedgerStore(h.database),
      strategies: createStrategyStore(h.database),
    });
    expect(pruned.deleted.occurrence_done).toBe(2);
    expect(await rowsOf(id)).toEqual([]);

    const deltas = h.mock.state().deltas;
    const again = await h.call('POST', `/api/v1/strategies/${id}/run`, backfill);
    expect(again).toMatchObject({
      status: 409,
      body: { code: 'occurrence_done', title: 'Occurrence already done', status: 409 },
    });
    expect(again.body.detail).toBe(
      `occurrence 2026-05-30T08:00:00.000Z of strategy ${id} is already done: a done occurrence is not scanned again, and the strategy has no pending or failed grants to settle`,
    );
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(h.mock.state().deltas).toBe(deltas);
    expect(await rowsOf(id)).toEqual([]);
    for (const user of ids) expect(quotaOf(user)).toBe(5);
  });

  it('a run of the done due occurrence settles what is open, never looks for new users, then is refused', async () => {
    h.clock.set('2026-06-04T07:00:00Z');
    const org = unique('settle');
    const { ids, id } = await dailyStrategyFor(org, 2);
    h.clock.set('2026-06-04T09:00:00Z');
    // The gateway applies both grants but the answers are lost: `unknown` rows, which settle
    // nothing automatically, so the occurrence is done.
    h.mock.setFaults({ drop_after_apply_rate: 1 });
    const first = await h.call('POST', `/api/v1/strategies/${id}/run`);
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    expect(first.body).toMatchObject({
      occurrence: '2026-06-04T08:00:00.000Z',
      matched: 2,
      failed: 2,
    });
    expect((await rowsOf(id)).map((r) => r.status)).toEqual(['unknown', 'unknown']);
    expect(await h.call('POST', `/api/v1/strategies/${id}/run`)).toMatchObject({
      status: 409,
      body: { code: 'occurrence_done' },
    });

    // An operator decides one grant must be sent again; a user starts matching meanwhile.
    const [retried] = await rowsOf(id);
    expect(
      (
        await h.call('POST', `/api/v1/strategies/${id}/executions/${retried!.id}/resolve`, {
          resolution: 'retry',
        })
      ).status,
    ).toBe(200);
    await h.call('PUT', `/api/v1/users/${org}-late`, { org });
    const settle = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(settle).toMatchObject({
      status: 200,
      body: { occurrence: '2026-06-04T08:00:00.000Z', matched: 0, granted: 1, failed: 0 },
    });
    expect((await rowsOf(id)).map((r) => [r.userId, r.status])).toEqual([
      [ids[0], 'applied'],
      [ids[1], 'unknown'],
    ]);
    expect(quotaOf(`${org}-late`)).toBe(0);

    expect(
      await h.call('POST', `/api/v1/strategies/${id}/run`, { occurrence: '2026-06-04T08:00:00Z' }),
    ).toMatchObject({ status: 409, body: { code: 'occurrence_done' } });
    // The next occurrence is a new one: it grants, the late user included.
    h.clock.set('2026-06-05T08:00:30Z');
    expect((await h.call('POST', `/api/v1/strategies/${id}/run`)).body).toMatchObject({
      occurrence: '2026-06-05T08:00:00.000Z',
      granted: 3,
    });
    expect(quotaOf(`${org}-late`)).toBe(5);
  });
});
