// Explain through the API on both databases: every verdict, in its order, with the evaluated
// condition tree (text, result, observed attributes, children) and the user's ledger row; and
// the ad-hoc condition explain.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('explain on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { now: '2026-06-01T10:00:00Z' });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function user(org: string | null, extra: Record<string, unknown> = {}) {
    const id = unique('u');
    expect((await h.call('PUT', `/api/v1/users/${id}`, { org, vip: 1, ...extra })).status).toBe(
      200,
    );
    return id;
  }
  async function strategy(fields: Record<string, unknown>) {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: unique('e'),
      title: 'explain',
      type: 'single',
      amount: 3,
      enabled: true,
      ...fields,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number };
  }
  const explain = async (id: number, userId: string, query = '') => {
    const response = await h.call('GET', `/api/v1/strategies/${id}/explain/${userId}${query}`);
    expect(response.status).toBe(200);
    return response.body;
  };
  const insertRow = (strategyId: number, userId: string, status: string) =>
    h.database.db.quotaExecute.create({
      data: {
        strategyId,
        occurrence: 'once',
        userId,
        amount: 3,
        status,
        idempotencyKey: `qm:${strategyId}:once:${userId}`,
      },
    });

  it('no_such_user: no condition tree', async () => {
    const s = await strategy({ condition: 'true()' });
    expect(await explain(s.id, 'nobody-here')).toEqual({
      verdict: 'no_such_user',
      occurrence: 'once',
      reasons: [expect.any(String)],
      summary: 'Not granted: no user has this id.',
      decisive_nodes: [],
      condition: null,
      ledger: null,
      decision: null,
      amount: null,
      lot_expires_at: null,
      strategy_state: {
        enabled: true,
        outside_window: false,
        occurrence_done: false,
        next_occurrence: null,
      },
    });
  });

  it('disabled, with the condition tree evaluated anyway', async () => {
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({ condition: `belong-to("${org}")`, enabled: false });
    const body = await explain(s.id, u);
    expect(body).toMatchObject({
      verdict: 'disabled',
      condition: {
        text: `belong-to("${org}")`,
        result: true,
        observed: { org },
        children: [],
      },
      // The answer an operator explains for before enabling: what a run would do, and send.
      decision: 'would_grant',
      amount: 3,
      strategy_state: { enabled: false },
    });
    expect(body.summary).toBe(
      'Not granted: the strategy is disabled; enabled, it would send the user 3.',
    );
    expect(body.reasons).toEqual([
      'the strategy is disabled: nothing is granted until it is enabled',
      'the user would be granted at the next run of this occurrence',
    ]);
  });

  it('not_due_yet: a periodic strategy before its first fire time names the next one', async () => {
    h.clock.set('2026-06-10T07:00:00Z');
    const u = await user('y');
    const s = await strategy({ type: 'periodic', periodic_expr: '0 8 * * *', condition: 'true()' });
    expect(await explain(s.id, u)).toMatchObject({
      verdict: 'not_due_yet',
      occurrence: null,
      strategy_state: { next_occurrence: '2026-06-10T08:00:00.000Z', outside_window: false },
    });
  });

  it('outside_window: before start_at', async () => {
    const u = await user('x');
    const s = await strategy({ condition: 'true()', start_at: '2026-07-01T00:00:00Z' });
    expect((await explain(s.id, u)).verdict).toBe('outside_window');
  });

  it('occurrence_done: a periodic occurrence already done', async () => {
    h.clock.set('2026-06-01T07:00:00Z');
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      condition: `belong-to("${org}")`,
    });
    h.clock.set('2026-06-01T10:00:00Z');
    expect((await h.call('POST', `/api/v1/strategies/${s.id}/run`)).body.granted).toBe(1);
    // The user's own outcome leads: granted, even though the occurrence is done.
    const body = await explain(s.id, u, '?occurrence=2026-06-01T08:00:00Z');
    expect(body).toMatchObject({
      verdict: 'granted',
      occurrence: '2026-06-01T08:00:00.000Z',
      strategy_state: { occurrence_done: true },
    });
    expect(body.reasons).toContain('the occurrence is done: scans never revisit it');
    const other = await user(org);
    expect(await explain(s.id, other, '?occurrence=2026-06-01T08:00:00Z')).toMatchObject({
      verdict: 'occurrence_done',
      decision: 'would_grant',
    });
    const next = await explain(s.id, u, '?occurrence=next');
    expect(next).toMatchObject({ verdict: 'would_grant', occurrence: '2026-06-02T08:00:00.000Z' });
  });

  it('granted, with the ledger row', async () => {
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({ condition: `belong-to("${org}")` });
    await h.call('POST', `/api/v1/strategies/${s.id}/run`);
    expect(await explain(s.id, u)).toMatchObject({
      verdict: 'granted',
      ledger: { user_id: u, status: 'applied', occurrence: 'once', amount: 3 },
      condition: { result: true },
    });
  });

  it.each([
    ['pending', 'pending'],
    ['unknown', 'unknown_outcome'],
    ['failed', 'failed'],
  ])('a %s ledger row → %s', async (status, verdict) => {
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({ condition: `belong-to("${org}")` });
    await insertRow(s.id, u, status);
    expect(await explain(s.id, u)).toMatchObject({ verdict, ledger: { status } });
  });

  it('condition_false, with each node and the attributes it read', async () => {
    const org = unique('org');
    const u = await user(org, { vip: 1 });
    const s = await strategy({ condition: `belong-to("${org}") and is-vip(2)` });
    const body = await explain(s.id, u);
    expect(body).toMatchObject({
      verdict: 'condition_false',
      ledger: null,
      condition: {
        text: `and(belong-to("${org}"), is-vip(2))`,
        result: false,
        observed: {},
        children: [
          { text: `belong-to("${org}")`, result: true, observed: { org }, children: [] },
          { text: 'is-vip(2)', result: false, observed: { vip: 1 }, children: [] },
        ],
      },
      // The sentence leads with the node that decided, and points at it in the tree.
      summary: 'Not granted: the user is VIP level 1, below 2 (is-vip).',
      decisive_nodes: [[1]],
    });
  });

  it('condition_unknown: an attribute the condition reads is missing', async () => {
    const u = await user(null);
    const s = await strategy({ condition: 'belong-to("acme")' });
    expect(await explain(s.id, u)).toMatchObject({
      verdict: 'condition_unknown',
      condition: { result: 'unknown', observed: { org: null } },
    });
  });

  it('capped: max_exec_per_user reached', async () => {
    h.clock.set('2026-06-01T07:00:00Z');
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      condition: `belong-to("${org}")`,
      max_exec_per_user: 1,
    });
    h.clock.set('2026-06-01T10:00:00Z');
    expect((await h.call('POST', `/api/v1/strategies/${s.id}/run`)).body.granted).toBe(1);
    expect(await explain(s.id, u, '?occurrence=next')).toMatchObject({
      verdict: 'capped',
      condition: { result: true },
    });
  });

  it('held_by_budget, with the amount the user would get', async () => {
    const org = unique('org');
    const u = await user(org);
    await user(org);
    const s = await strategy({ condition: `belong-to("${org}")`, max_users_per_occurrence: 1 });
    expect(await explain(s.id, u)).toMatchObject({ verdict: 'held_by_budget', amount: 3 });
  });

  it('would_grant, with the amount', async () => {
    const org = unique('org');
    const u = await user(org);
    const s = await strategy({ condition: `belong-to("${org}")`, amount: 4.5 });
    expect(await explain(s.id, u)).toMatchObject({
      verdict: 'would_grant',
      occurrence: 'once',
      amount: 4.5,
      ledger: null,
    });
  });

  it('answers 404 for an unknown strategy and 400 for a bad occurrence', async () => {
    const u = await user('x');
    expect(await h.call('GET', `/api/v1/strategies/999999/explain/${u}`)).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
    const s = await strategy({ condition: 'true()', type: 'periodic', periodic_expr: '0 8 * * *' });
    expect(
      await h.call(
        'GET',
        `/api/v1/strategies/${s.id}/explain/${u}?occurrence=2026-06-01T09:00:00Z`,
      ),
    ).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
  });

  it('POST /conditions/explain evaluates any condition for a user', async () => {
    const u = await user('acme', { vip: 3, github_stars: ['zgsm-ai/zgsm'] });
    const response = await h.call('POST', '/api/v1/conditions/explain', {
      condition: 'not(is-vip(4)) and github-star("zgsm-ai/zgsm")',
      user_id: u,
    });
    expect(response).toMatchObject({
      status: 200,
      body: {
        result: true,
        condition: {
          text: 'and(not(is-vip(4)), github-star("zgsm-ai/zgsm"))',
          result: true,
          children: [
            {
              text: 'not(is-vip(4))',
              result: true,
              children: [{ text: 'is-vip(4)', result: false, observed: { vip: 3 } }],
            },
            { result: true, observed: { github_stars: ['zgsm-ai/zgsm'] } },
          ],
        },
      },
    });
    const invalid = await h.call('POST', '/api/v1/conditions/explain', {
      condition: 'is-vp(2)',
      user_id: u,
    });
    expect(invalid).toMatchObject({
      status: 400,
      body: { code: 'invalid_condition', errors: [{ line: 1, column: 1 }] },
    });
    const missing = await h.call('POST', '/api/v1/conditions/explain', {
      condition: 'true()',
      user_id: 'nobody-here',
    });
    expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });
});
