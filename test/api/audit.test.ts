// The audit trail and strategy versions, over the API on both databases: every change is one
// row naming the token and the request, updates carry before/after of the changed fields, a
// refused change writes nothing, versions count every change of a definition, ledger rows record the version.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, OPS_TOKEN, type Harness, type JsonBody } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

let seq = 0;
const strategyBody = (overrides: Record<string, unknown> = {}) => ({
  name: `audited-${++seq}-${Math.random().toString(36).slice(2, 8)}`,
  title: 'Audited',
  type: 'single',
  amount: 5,
  condition: 'true()',
  enabled: false,
  ...overrides,
});

describe.each(DATABASE_KINDS)('audit trail on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const trail = async (query: string) => {
    const answer = await h.call('GET', `/api/v1/audit?${query}`);
    expect(answer.status).toBe(200);
    return answer.body as { items: JsonBody[]; next_cursor: string | null };
  };

  it('names the changed fields as the API does (snake_case), in the trail and in its events', async () => {
    const created = await h.call('POST', '/api/v1/strategies', {
      ...strategyBody(),
      type: 'periodic',
      periodic_expr: '0 8 * * *',
    });
    expect(created.status).toBe(201);
    const id = created.body.id as number;
    const patched = await h.call('PATCH', `/api/v1/strategies/${id}`, {
      periodic_expr: '0 9 * * *',
      max_users_per_occurrence: 40,
    });
    expect(patched.status).toBe(200);
    const [updated, createdEvent] = (await trail(`target_type=strategy&target_id=${id}`)).items;
    expect(updated!.changes).toEqual({
      periodic_expr: { before: '0 8 * * *', after: '0 9 * * *' },
      max_users_per_occurrence: { before: null, after: 40 },
    });
    expect(Object.keys(createdEvent!.changes.after)).toContain('periodic_expr');
    expect(Object.keys(createdEvent!.changes.after).filter((k) => /[A-Z]/.test(k))).toEqual([]);
    const events = await h.database.db.eventOutbox.findMany({
      where: { type: 'strategy.updated' },
    });
    const mine = events
      .map((e) => (JSON.parse(e.body) as { data: { strategy_id: number; changes: object } }).data)
      .filter((d) => d.strategy_id === id);
    expect(mine.map((d) => Object.keys(d.changes).sort())).toEqual([
      ['max_users_per_occurrence', 'periodic_expr'],
    ]);
  });

  it('enabling an enabled strategy (or disabling a disabled one) changes nothing and audits nothing', async () => {
    const created = await h.call('POST', '/api/v1/strategies', strategyBody());
    const id = created.body.id as number;
    for (const action of ['enable', 'enable', 'disable', 'disable']) {
      const answer = await h.call('POST', `/api/v1/strategies/${id}/${action}`);
      expect(answer).toMatchObject({ status: 200, body: { enabled: action === 'enable' } });
    }
    const page = await trail(`target_type=strategy&target_id=${id}`);
    expect(page.items.map((e) => e.action)).toEqual([
      'strategy.disable',
      'strategy.enable',
      'strategy.create',
    ]);
  });

  it('records a strategy life with actors, request ids, changes and versions', async () => {
    const created = await h.call('POST', '/api/v1/strategies', strategyBody(), {
      token: OPS_TOKEN,
      headers: { 'x-request-id': 'req-create-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const id = created.body.id as number;

    const patched = await h.call('PATCH', `/api/v1/strategies/${id}`, { amount: 7.5 });
    expect(patched.body.version).toBe(2);
    // Enabling and disabling change no definition: no new version (model/strategy-version.ts).
    expect((await h.call('POST', `/api/v1/strategies/${id}/enable`)).body.version).toBe(2);
    await h.call('POST', '/api/v1/users/bulk', [{ id: `v-${id}-a` }, { id: `v-${id}-b` }]);
    const run = await h.call('POST', `/api/v1/strategies/${id}/run`);
    expect(run.status).toBe(200);
    expect((await h.call('POST', `/api/v1/strategies/${id}/disable`)).body.version).toBe(2);
    expect((await h.call('DELETE', `/api/v1/strategies/${id}`)).status).toBe(204);

    const page = await trail(`target_type=strategy&target_id=${id}`);
    expect(page.items.map((e) => e.action)).toEqual([
      'strategy.delete',
      'strategy.disable',
      'strategy.run',
      'strategy.enable',
      'strategy.update',
      'strategy.create',
    ]);
    const [deleted, disabled, ran, enabled, updated, createdEvent] = page.items;
    expect(createdEvent).toMatchObject({
      actor: 'ops-alice',
      request_id: 'req-create-1',
      target_type: 'strategy',
      target_id: String(id),
      changes: { after: { amount: 5, enabled: false } },
    });
    expect(updated).toMatchObject({
      actor: 'admin',
      changes: { amount: { before: 5, after: 7.5 } },
    });
    expect(Object.keys(updated.changes)).toEqual(['amount']);
    expect(enabled.changes).toEqual({ enabled: { before: false, after: true } });
    expect(disabled.changes).toEqual({ enabled: { before: true, after: false } });
    expect(ran.changes).toMatchObject({ occurrence: 'once', strategy_version: 2 });
    expect(deleted.changes).toBeNull();
    expect(page.items.every((e) => typeof e.request_id === 'string')).toBe(true);

    // The run's ledger rows carry the version that granted them.
    const rows = await h.database.db.quotaExecute.findMany({ where: { strategyId: id } });
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.length).toBe(ran.changes.granted);
    expect(rows.every((r) => r.strategyVersion === 2)).toBe(true);
  });

  it('writes nothing and bumps nothing for a refused change', async () => {
    const id = (await h.call('POST', '/api/v1/strategies', strategyBody())).body.id as number;
    const before = await h.database.db.auditEvent.count();
    expect((await h.call('PATCH', `/api/v1/strategies/${id}`, { amount: -1 })).status).toBe(400);
    expect(
      (await h.call('PATCH', `/api/v1/strategies/${id}`, { condition: 'is-vp()' })).status,
    ).toBe(400);
    expect((await h.call('DELETE', '/api/v1/strategies/987654')).status).toBe(404);
    expect(await h.database.db.auditEvent.count()).toBe(before);
    expect((await h.call('GET', `/api/v1/strategies/${id}`)).body.version).toBe(1);
  });

  it('records user upserts (changed fields), deletes and bulk imports (counts)', async () => {
    await h.call('PUT', '/api/v1/users/audit-u1', { name: 'Ann', vip: 1 }, { token: OPS_TOKEN });
    await h.call('PUT', '/api/v1/users/audit-u1', { name: 'Ann', vip: 3 });
    await h.call('POST', '/api/v1/users/bulk', [{ id: 'audit-u2' }, { id: 'audit-u3' }]);
    expect((await h.call('DELETE', '/api/v1/users/audit-u1')).status).toBe(204);
    const user = await trail('target_type=user&target_id=audit-u1');
    expect(user.items.map((e) => [e.action, e.actor])).toEqual([
      ['user.delete', 'admin'],
      ['user.upsert', 'admin'],
      ['user.upsert', 'ops-alice'],
    ]);
    expect(user.items[1].changes).toEqual({ created: false, vip: { before: 1, after: 3 } });
    expect(user.items[2].changes).toMatchObject({ created: true, name: { after: 'Ann' } });
    const bulk = await trail('target_type=user&target_id=*');
    expect(bulk.items[0]).toMatchObject({ action: 'users.import', changes: { users: 2 } });
  });

  it('records scans asked for', async () => {
    const scan = await h.call('POST', '/api/v1/strategies/scan');
    expect(scan.status).toBe(200);
    const scans = await trail('target_type=scan');
    expect(scans.items[0]).toMatchObject({ action: 'scan.run', actor: 'admin' });
    expect(scans.items[0].changes).toHaveProperty('granted');
  });

  it('pages newest first with a cursor, and filters by actor and time', async () => {
    const all: JsonBody[] = [];
    let cursor: string | null = null;
    do {
      const page = await trail(`limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      all.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor);
    const ids = all.map((e) => e.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(new Set(ids).size).toBe(await h.database.db.auditEvent.count());
    const byAlice = await trail('actor=ops-alice');
    expect(byAlice.items.length).toBeGreaterThan(0);
    expect(byAlice.items.every((e) => e.actor === 'ops-alice')).toBe(true);
    expect((await trail('from=2099-01-01T00:00:00Z')).items).toEqual([]);
    const bad = await h.call('GET', '/api/v1/audit?cursor=!!');
    expect(bad).toMatchObject({ status: 400, body: { code: 'invalid_cursor' } });
  });
});
