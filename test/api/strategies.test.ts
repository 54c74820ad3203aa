// The strategy API over real SQLite and PostgreSQL: every route, every error status, and
// "invalid input never changes the database".
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

let seq = 0;
const uniqueName = (prefix = 'strategy') =>
  `${prefix}-${++seq}-${Math.random().toString(36).slice(2, 8)}`;
const validStrategy = (overrides: Record<string, unknown> = {}) => ({
  name: uniqueName(),
  title: 'Star reward',
  type: 'single',
  amount: 5,
  condition: 'github-star("zgsm-ai/zgsm")',
  ...overrides,
});

describe.each(DATABASE_KINDS)('strategies API on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const strategyCount = () => h.database.db.quotaStrategy.count();

  it('answers /healthz without a token and /readyz with database and gateway checks', async () => {
    expect(await h.call('GET', '/healthz', undefined, { token: null })).toMatchObject({
      status: 200,
      body: { status: 'ok' },
    });
    const ready = await h.call('GET', '/readyz', undefined, { token: null });
    expect(ready).toMatchObject({
      status: 200,
      body: { status: 'ok', checks: { database: 'ok', gateway: 'ok' } },
    });
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'wrong-token'],
    ['an empty token', ''],
  ])('rejects %s with 401 problem details', async (_label, token) => {
    const response = await h.call('GET', '/api/v1/strategies', undefined, { token });
    expect(response.status).toBe(401);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(response.body).toMatchObject({
      status: 401,
      code: 'unauthorized',
      title: 'Unauthorized',
    });
  });

  it('creates a strategy with defaults (disabled: going live is deliberate) and returns it with 201', async () => {
    const input = validStrategy();
    const created = await h.call('POST', '/api/v1/strategies', input);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: input.name,
      title: 'Star reward',
      type: 'single',
      amount: 5,
      model: null,
      periodic_expr: null,
      timezone: 'UTC',
      condition: input.condition,
      enabled: false,
      max_exec_per_user: 0,
    });
    expect(created.body.id).toBeTypeOf('number');
    const fetched = await h.call('GET', `/api/v1/strategies/${created.body.id}`);
    expect(fetched).toMatchObject({ status: 200, body: created.body });
    expect(created.headers.get('x-request-id')).toBeTruthy();
  });

  it('creates it enabled only when the body says enabled: true', async () => {
    const created = await h.call('POST', '/api/v1/strategies', validStrategy({ enabled: true }));
    expect(created).toMatchObject({ status: 201, body: { enabled: true } });
  });

  it('keeps enabled: false on create', async () => {
    const created = await h.call('POST', '/api/v1/strategies', validStrategy({ enabled: false }));
    expect(created.status).toBe(201);
    expect(created.body.enabled).toBe(false);
  });

  it('creates a periodic strategy with a 6-field cron and an IANA zone', async () => {
    const created = await h.call(
      'POST',
      '/api/v1/strategies',
      validStrategy({
        type: 'periodic',
        periodic_expr: '0 0 8 * * *',
        timezone: 'Asia/Shanghai',
        max_exec_per_user: 3,
        amount: 0.25,
      }),
    );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      type: 'periodic',
      periodic_expr: '0 0 8 * * *',
      timezone: 'Asia/Shanghai',
      max_exec_per_user: 3,
      amount: 0.25,
    });
  });

  it.each([
    ['a negative amount', { amount: -1 }, 'amount'],
    ['a zero amount', { amount: 0 }, 'amount'],
    ['a denormal amount that would round to 0.00', { amount: 5e-324 }, 'amount'],
    ['three decimals', { amount: 1.234 }, 'amount'],
    ['a string amount', { amount: '5' }, 'amount'],
    ['an empty name', { name: '' }, 'name'],
    ['a 101-character name', { name: 'x'.repeat(101) }, 'name'],
    ['a 201-character title', { title: 'x'.repeat(201) }, 'title'],
    ['an unknown type', { type: 'weekly' }, 'type'],
    ['an unknown field', { colour: 'red' }, 'body'],
    ['periodic without an expression', { type: 'periodic' }, 'periodic_expr'],
    ['a bad cron expression', { type: 'periodic', periodic_expr: '61 * * * *' }, 'periodic_expr'],
    ['a 4-field cron expression', { type: 'periodic', periodic_expr: '* * * *' }, 'periodic_expr'],
    ['an expression on a single strategy', { periodic_expr: '0 8 * * *' }, 'periodic_expr'],
    ['an unknown time zone', { timezone: 'Mars/Olympus' }, 'timezone'],
    [
      'a negative max_exec_per_user',
      { type: 'periodic', periodic_expr: '0 8 * * *', max_exec_per_user: -1 },
      'max_exec_per_user',
    ],
    [
      'end before start',
      { start_at: '2026-02-01T00:00:00Z', end_at: '2026-01-01T00:00:00Z' },
      'end_at',
    ],
  ])('rejects %s with 400 and writes nothing', async (_label, overrides, field) => {
    const before = await strategyCount();
    const response = await h.call('POST', '/api/v1/strategies', validStrategy(overrides));
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('validation_failed');
    const fields = (response.body.errors as { field: string }[]).map((e) => e.field);
    if (field === 'body') expect(fields.length).toBeGreaterThan(0);
    else expect(fields).toContain(field);
    expect(await strategyCount()).toBe(before);
  });

  it('rejects an invalid condition with its line and column', async () => {
    const before = await strategyCount();
    const response = await h.call(
      'POST',
      '/api/v1/strategies',
      validStrategy({ condition: 'and(\n  is-vip(2),\n  is-vp(3))' }),
    );
    expect(response.status).toBe(400);
    expect(response.body.code).toBe('invalid_condition');
    expect(response.body.errors[0]).toMatchObject({
      field: 'condition',
      code: 'unknown_function',
      line: 3,
      column: 3,
    });
    expect(await strategyCount()).toBe(before);
  });

  it('rejects malformed JSON with 400, a wrong content type with 415, an oversized body with 413', async () => {
    const before = await strategyCount();
    const malformed = await h.call('POST', '/api/v1/strategies', '{"name": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('validation_failed');
    const wrongType = await h.call('POST', '/api/v1/strategies', 'name=x', {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrongType).toMatchObject({ status: 415, body: { code: 'unsupported_media_type' } });
    const huge = await h.call(
      'POST',
      '/api/v1/strategies',
      validStrategy({ title: 'x'.repeat(300 * 1024) }),
    );
    expect(huge).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
    expect(await strategyCount()).toBe(before);
  });

  it('answers 409 for a duplicate name and keeps the first strategy', async () => {
    const input = validStrategy();
    expect((await h.call('POST', '/api/v1/strategies', input)).status).toBe(201);
    const duplicate = await h.call('POST', '/api/v1/strategies', { ...input, title: 'other' });
    expect(duplicate).toMatchObject({ status: 409, body: { code: 'conflict' } });
    const list = await h.call('GET', '/api/v1/strategies?limit=1000');
    expect(list.body.items.filter((s: { name: string }) => s.name === input.name)).toHaveLength(1);
  });

  it('answers 404 for unknown ids and 400 for malformed ids', async () => {
    expect(await h.call('GET', '/api/v1/strategies/999999')).toMatchObject({
      status: 404,
      body: { code: 'not_found' },
    });
    expect(await h.call('PATCH', '/api/v1/strategies/999999', { title: 't' })).toMatchObject({
      status: 404,
    });
    expect(await h.call('DELETE', '/api/v1/strategies/999999')).toMatchObject({ status: 404 });
    expect(await h.call('POST', '/api/v1/strategies/999999/enable')).toMatchObject({ status: 404 });
    expect(await h.call('GET', '/api/v1/strategies/abc')).toMatchObject({
      status: 400,
      body: { code: 'validation_failed' },
    });
  });

  it('lists with filters and pagination as {items, total}', async () => {
    const tag = uniqueName('list');
    for (let i = 0; i < 3; i++)
      await h.call(
        'POST',
        '/api/v1/strategies',
        validStrategy({
          name: `${tag}-${i}`,
          type: 'periodic',
          periodic_expr: '0 8 * * *',
          enabled: i !== 1,
        }),
      );
    const all = await h.call('GET', '/api/v1/strategies?type=periodic&limit=1000');
    const mine = all.body.items.filter((s: { name: string }) => s.name.startsWith(tag));
    expect(mine).toHaveLength(3);
    expect(all.body.total).toBe(all.body.items.length);
    const disabled = await h.call('GET', '/api/v1/strategies?enabled=false&limit=1000');
    expect(disabled.body.items.every((s: { enabled: boolean }) => !s.enabled)).toBe(true);
    const page = await h.call('GET', '/api/v1/strategies?limit=2&offset=1');
    expect(page.body.items).toHaveLength(2);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(await h.call('GET', '/api/v1/strategies?limit=0')).toMatchObject({ status: 400 });
    expect(await h.call('GET', '/api/v1/strategies?enabled=maybe')).toMatchObject({ status: 400 });
  });

  it('patches some fields, replaces with PUT, enables and disables', async () => {
    const created = (await h.call('POST', '/api/v1/strategies', validStrategy())).body;
    const patched = await h.call('PATCH', `/api/v1/strategies/${created.id}`, {
      title: 'New title',
      amount: 7.5,
    });
    expect(patched).toMatchObject({
      status: 200,
      body: { id: created.id, title: 'New title', amount: 7.5, name: created.name },
    });
    const badPatch = await h.call('PATCH', `/api/v1/strategies/${created.id}`, {
      condition: 'is-vip(',
    });
    expect(badPatch).toMatchObject({ status: 400, body: { code: 'invalid_condition' } });
    expect((await h.call('GET', `/api/v1/strategies/${created.id}`)).body.condition).toBe(
      created.condition,
    );
    const replacement = validStrategy({
      name: created.name,
      title: 'Replaced',
      type: 'periodic',
      periodic_expr: '*/5 * * * *',
    });
    // PUT replaces the whole strategy, so it must say whether it runs: without `enabled` (the
    // create default, false, would stop a running strategy) it is refused and nothing changes.
    const withoutEnabled = await h.call('PUT', `/api/v1/strategies/${created.id}`, replacement);
    expect(withoutEnabled).toMatchObject({
      status: 400,
      body: { code: 'validation_failed', errors: [{ field: 'enabled' }] },
    });
    const replaced = await h.call('PUT', `/api/v1/strategies/${created.id}`, {
      ...replacement,
      enabled: false,
    });
    expect(replaced).toMatchObject({
      status: 200,
      body: { title: 'Replaced', type: 'periodic', periodic_expr: '*/5 * * * *', enabled: false },
    });
    expect((await h.call('POST', `/api/v1/strategies/${created.id}/disable`)).body.enabled).toBe(
      false,
    );
    expect((await h.call('POST', `/api/v1/strategies/${created.id}/enable`)).body.enabled).toBe(
      true,
    );
  });

  it('answers 409 when a rename collides', async () => {
    const a = (await h.call('POST', '/api/v1/strategies', validStrategy())).body;
    const b = (await h.call('POST', '/api/v1/strategies', validStrategy())).body;
    expect(await h.call('PATCH', `/api/v1/strategies/${b.id}`, { name: a.name })).toMatchObject({
      status: 409,
    });
  });

  it('deletes with 204, then 404; the ledger is kept', async () => {
    await h.call('PUT', '/api/v1/users/del-user', { vip: 1, github_stars: ['zgsm-ai/zgsm'] });
    const created = (
      await h.call(
        'POST',
        '/api/v1/strategies',
        validStrategy({ condition: 'match-user("del-user")', enabled: true }),
      )
    ).body;
    expect((await h.call('POST', `/api/v1/strategies/${created.id}/run`)).body.granted).toBe(1);
    expect((await h.call('DELETE', `/api/v1/strategies/${created.id}`)).status).toBe(204);
    expect((await h.call('GET', `/api/v1/strategies/${created.id}`)).status).toBe(404);
    expect(await h.database.db.quotaExecute.count({ where: { strategyId: created.id } })).toBe(1);
  });

  it('validates conditions without saving them', async () => {
    const ok = await h.call('POST', '/api/v1/conditions/validate', {
      condition: 'is-vip(2) and belong-to("org001")',
    });
    expect(ok).toMatchObject({
      status: 200,
      body: { valid: true, canonical: 'and(is-vip(2), belong-to("org001"))' },
    });
    const bad = await h.call('POST', '/api/v1/conditions/validate', { condition: 'true() junk' });
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.errors[0]).toMatchObject({ code: 'trailing_input', line: 1, column: 8 });
    const functions = await h.call('GET', '/api/v1/conditions/functions');
    expect(functions.body.items.map((f: { name: string }) => f.name)).toEqual(
      expect.arrayContaining(['match-user', 'github-star', 'quota-le', 'is-vip', 'belong-to']),
    );
  });

  it('serves an OpenAPI document that lists every route', async () => {
    const doc = (await h.call('GET', '/openapi.json', undefined, { token: null })).body;
    expect(doc.openapi).toBe('3.1.0');
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(routes).toEqual(
      expect.arrayContaining([
        'POST /api/v1/strategies',
        'GET /api/v1/strategies',
        'GET /api/v1/strategies/{id}',
        'PUT /api/v1/strategies/{id}',
        'PATCH /api/v1/strategies/{id}',
        'DELETE /api/v1/strategies/{id}',
        'POST /api/v1/strategies/{id}/enable',
        'POST /api/v1/strategies/{id}/disable',
        'POST /api/v1/strategies/scan',
        'POST /api/v1/strategies/{id}/run',
        'POST /api/v1/strategies/{id}/preview',
        'GET /api/v1/strategies/{id}/executions',
        'POST /api/v1/conditions/validate',
        'GET /api/v1/conditions/functions',
        'PUT /api/v1/users/{id}',
        'POST /api/v1/users/bulk',
        'GET /api/v1/users/{id}',
        'GET /healthz',
        'GET /readyz',
      ]),
    );
  });
});
