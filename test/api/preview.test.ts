// Previews through the API on both databases: the counts of one occurrence (due, next, any
// future fire time), and every user it would grant, in keyset pages or as a CSV stream.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('previews on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 3, now: '2026-05-01T10:00:00Z' });
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function usersInOrg(org: string, count: number) {
    const users = Array.from({ length: count }, (_, i) => ({ id: `${org}-u${i}`, org, vip: 1 }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    return users.map((u) => u.id);
  }
  async function createStrategy(fields: Record<string, unknown>) {
    const response = await h.call('POST', '/api/v1/strategies', {
      name: unique('p'),
      title: 'preview',
      type: 'single',
      amount: 1.5,
      ...fields,
    });
    expect(response.status).toBe(201);
    return response.body as { id: number; enabled: boolean };
  }

  it('previews a new (disabled) strategy: would_grant, total_amount and a sample, nothing written', async () => {
    const org = unique('new');
    const ids = await usersInOrg(org, 4);
    const strategy = await createStrategy({ condition: `belong-to("${org}")` });
    expect(strategy.enabled).toBe(false);
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: 'next',
    });
    expect(preview).toMatchObject({
      status: 200,
      body: {
        occurrence: 'once',
        occurrence_done: false,
        matched: 4,
        already_granted: 0,
        capped: 0,
        held_by_budget: 0,
        would_grant: 4,
        total_amount: 6,
        held: null,
        sample_user_ids: ids,
      },
    });
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: strategy.id } })).toBe(0);
    expect(h.mock.state().deltas).toBe(0);
  });

  it('counts already granted users in matched, not in would_grant', async () => {
    const org = unique('granted');
    await usersInOrg(org, 2);
    const strategy = await createStrategy({ condition: `belong-to("${org}")`, enabled: true });
    expect((await h.call('POST', `/api/v1/strategies/${strategy.id}/run`)).body.granted).toBe(2);
    await h.call('PUT', `/api/v1/users/${org}-late`, { org });
    const preview = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`);
    expect(preview.body).toMatchObject({
      matched: 3,
      already_granted: 2,
      would_grant: 1,
      total_amount: 1.5,
      sample_user_ids: [`${org}-late`],
    });
  });

  it('previews the next and any future occurrence of a periodic strategy; runs still refuse the future', async () => {
    const org = unique('daily');
    await usersInOrg(org, 2);
    const strategy = await createStrategy({
      type: 'periodic',
      periodic_expr: '0 8 * * *',
      condition: `belong-to("${org}")`,
      max_exec_per_user: 1,
      enabled: true,
    });
    const next = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: 'next',
    });
    expect(next).toMatchObject({
      status: 200,
      body: { occurrence: '2026-05-02T08:00:00.000Z', would_grant: 2 },
    });
    const later = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: '2026-05-09T08:00:00Z',
    });
    expect(later).toMatchObject({
      status: 200,
      body: { occurrence: '2026-05-09T08:00:00.000Z', would_grant: 2 },
    });
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
      occurrence: '2026-05-09T08:00:00Z',
    });
    expect(run).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const notFire = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: '2026-05-09T09:00:00Z',
    });
    expect(notFire).toMatchObject({ status: 400, body: { errors: [{ field: 'occurrence' }] } });
    const bad = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: 'tomorrow',
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });

    // Today's occurrence granted: max_exec_per_user 1 caps both users for tomorrow's.
    h.clock.set('2026-05-01T10:00:00Z');
    expect(
      (
        await h.call('POST', `/api/v1/strategies/${strategy.id}/run`, {
          occurrence: '2026-05-01T08:00:00Z',
        })
      ).body.granted,
    ).toBe(2);
    const capped = await h.call('POST', `/api/v1/strategies/${strategy.id}/preview`, {
      occurrence: 'next',
    });
    expect(capped.body).toMatchObject({ matched: 2, capped: 2, would_grant: 0, total_amount: 0 });
  });

  it('pages every user an occurrence would grant with a keyset cursor', async () => {
    const org = unique('pages');
    const ids = await usersInOrg(org, 7);
    const strategy = await createStrategy({ condition: `belong-to("${org}")` });
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await h.call('GET', `/api/v1/strategies/${strategy.id}/preview/users?${query}`);
      expect(page.status).toBe(200);
      expect(page.body.occurrence).toBe('once');
      for (const item of page.body.items) {
        expect(item.amount).toBe(1.5);
        seen.push(item.user_id);
      }
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null);
    expect(seen).toEqual(ids);
    expect(pages).toBe(3);
    const exact = await h.call('GET', `/api/v1/strategies/${strategy.id}/preview/users?limit=7`);
    expect(exact.body).toMatchObject({ next_cursor: null });
    expect(exact.body.items).toHaveLength(7);
    const bad = await h.call('GET', `/api/v1/strategies/${strategy.id}/preview/users?limit=0`);
    expect(bad).toMatchObject({ status: 400, body: { code: 'validation_failed' } });
    const missing = await h.call('GET', '/api/v1/strategies/999999/preview/users');
    expect(missing).toMatchObject({ status: 404, body: { code: 'not_found' } });
  });

  it('streams every user as CSV with a header row when asked for text/csv', async () => {
    const org = unique('csv');
    const ids = await usersInOrg(org, 5);
    const strategy = await createStrategy({ condition: `belong-to("${org}")` });
    const response = await h.call(
      'GET',
      `/api/v1/strategies/${strategy.id}/preview/users?limit=1`,
      undefined,
      { headers: { accept: 'text/csv' } },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.body).toBe(
      ['user_id,amount', ...ids.map((id) => `${id},1.5`), ''].join('\r\n'),
    );
  });
});
