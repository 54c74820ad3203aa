// The ledger and users as an operator needs them, on both databases: the whole ledger across
// strategies (deleted ones included) by keyset pages and as CSV, a deleted strategy's
// executions, user search and deletion, the granted-amount metric.
import type { z } from '@hono/zod-openapi';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecutionSchema } from '../../src/contract/schemas/ledger.ts';
import { cursorPageOf } from '../../src/contract/schemas/cursor.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

/** A page of GET /api/v1/grants, as the contract declares it. */
const GrantPageSchema = cursorPageOf(ExecutionSchema, 'grants');

describe.each(DATABASE_KINDS)('grants and users on %s', (kind) => {
  let h: Harness;
  let kept: number;
  let removed: number;
  beforeAll(async () => {
    h = await createHarness(kind);
    await h.call('POST', '/api/v1/users/bulk', [
      { id: 'g-ann', name: 'Ännchen Müller', email: 'ANN@example.org', org: 'acme', vip: 2 },
      { id: 'g-bob', name: 'Bob', github_username: 'BobCat', org: 'acme', vip: 0 },
      { id: 'g-cid', name: 'ΣΊΣΥΦΟΣ', email: 'cid@example.org', org: 'other', vip: 5 },
      { id: 'g-dan', name: 'Straße', org: 'other', vip: 1 },
      { id: 'g-eve', name: 'eve_100%', org: 'acme', vip: 1 },
    ]);
    const create = async (name: string, amount: number) =>
      (
        await h.call('POST', '/api/v1/strategies', {
          name,
          title: name,
          type: 'single',
          amount,
          condition: 'true()',
          enabled: true,
        })
      ).body.id as number;
    kept = await create('grants-kept', 3);
    removed = await create('grants-removed', 4.25);
    expect((await h.call('POST', `/api/v1/strategies/${kept}/run`)).body.granted).toBe(5);
    expect((await h.call('POST', `/api/v1/strategies/${removed}/run`)).body.granted).toBe(5);
    expect((await h.call('DELETE', `/api/v1/strategies/${removed}`)).status).toBe(204);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('lists the whole ledger newest first, deleted strategies included, page by page', async () => {
    const seen: z.output<typeof ExecutionSchema>[] = [];
    let cursor: string | null = null;
    do {
      const answer: { body: z.output<typeof GrantPageSchema> } = await h.callAs(
        GrantPageSchema,
        200,
        'GET',
        `/api/v1/grants?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...answer.body.items);
      cursor = answer.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(10);
    const ids = seen.map((r) => r.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(seen.filter((r) => r.strategy_id === removed)).toHaveLength(5);
    expect(seen[0]).toMatchObject({ status: 'applied', strategy_version: 1 });
  });

  it('filters by strategy, user, status, occurrence and time', async () => {
    const get = async (query: string) =>
      (await h.callAs(GrantPageSchema, 200, 'GET', `/api/v1/grants?${query}`)).body;
    expect((await get(`strategy_id=${removed}`)).items).toHaveLength(5);
    expect((await get('user_id=g-ann')).items.map((r) => r.strategy_id).sort()).toEqual(
      [kept, removed].sort(),
    );
    expect((await get('status=unknown')).items).toEqual([]);
    expect((await get('occurrence=once')).items).toHaveLength(10);
    expect((await get('from=2099-01-01T00:00:00Z')).items).toEqual([]);
    expect((await get('to=2000-01-01T00:00:00Z')).items).toEqual([]);
    expect((await h.call('GET', '/api/v1/grants?status=nope')).status).toBe(400);
  });

  it('streams the ledger as CSV with a header row', async () => {
    const answer = await h.call('GET', `/api/v1/grants?strategy_id=${kept}`, undefined, {
      headers: { accept: 'text/csv' },
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toContain('text/csv');
    const lines = (answer.body as string).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,strategy_id,strategy_version,user_id,occurrence,amount,mode,balance_before,delta_sent,target,status,attempts,last_error,catch_up,created_at,updated_at',
    );
    expect(lines).toHaveLength(6);
    expect(lines.slice(1).every((l) => l.split(',')[1] === String(kept))).toBe(true);
  });

  it("keeps a deleted strategy's executions readable", async () => {
    const answer = await h.call('GET', `/api/v1/strategies/${removed}/executions`);
    expect(answer.status).toBe(200);
    expect(answer.body.total).toBe(5);
    expect((await h.call('GET', '/api/v1/strategies/999999/executions')).status).toBe(404);
  });

  it('searches users by a prefix of id, name or GitHub username (test/api/user-search.test.ts has the rules)', async () => {
    const ids = async (query: string) => {
      const answer = await h.call('GET', `/api/v1/users?${query}`);
      expect(answer.status).toBe(200);
      return answer.body.items.map((u: { id: string }) => u.id);
    };
    expect(await ids('q=bobcat')).toEqual(['g-bob']);
    expect(await ids('q=G-C')).toEqual(['g-cid']);
    expect(await ids(`q=${encodeURIComponent('Ännchen')}`)).toEqual(['g-ann']);
    expect(await ids(`q=${encodeURIComponent('ΣΊΣ')}`)).toEqual(['g-cid']);
    // Only ASCII letters fold, the same on every database; and only prefixes match.
    expect(await ids(`q=${encodeURIComponent('ännchen')}`)).toEqual([]);
    expect(await ids('q=ann%40EXAMPLE')).toEqual([]);
    expect(await ids('q=eve_100%25')).toEqual(['g-eve']);
    expect(await ids('q=org=acme&vip_gte=1')).toEqual([]);
    expect(await ids('org=acme&vip_gte=1')).toEqual(['g-ann', 'g-eve']);
  });

  it('pages users by id with a cursor', async () => {
    const first = await h.call('GET', '/api/v1/users?limit=2&q=g-');
    expect(first.body.items.map((u: { id: string }) => u.id)).toEqual(['g-ann', 'g-bob']);
    const second = await h.call(
      'GET',
      `/api/v1/users?limit=2&q=g-&cursor=${first.body.next_cursor}`,
    );
    expect(second.body.items.map((u: { id: string }) => u.id)).toEqual(['g-cid', 'g-dan']);
    const third = await h.call(
      'GET',
      `/api/v1/users?limit=2&q=g-&cursor=${second.body.next_cursor}`,
    );
    expect(third.body).toMatchObject({ items: [{ id: 'g-eve' }], next_cursor: null });
  });

  it('deletes a user and keeps their ledger rows', async () => {
    expect((await h.call('DELETE', '/api/v1/users/g-bob')).status).toBe(204);
    expect((await h.call('GET', '/api/v1/users/g-bob')).status).toBe(404);
    expect((await h.call('DELETE', '/api/v1/users/g-bob')).status).toBe(404);
    expect((await h.call('GET', '/api/v1/grants?user_id=g-bob')).body.items).toHaveLength(2);
  });

  it('counts the granted amount per strategy', async () => {
    const text = (await h.call('GET', '/metrics', undefined, { token: null })).body as string;
    expect(text).toContain(`quota_manager_granted_amount_total{strategy_id="${kept}"} 15`);
    expect(text).toContain(`quota_manager_granted_amount_total{strategy_id="${removed}"} 21.25`);
  });
});
