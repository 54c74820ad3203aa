// Issue 12: input that validated and then failed (500s, poisoned strategies, databases that
// disagree), and answers that lost what the docs promise. Every case runs through the API on
// SQLite and PostgreSQL: the validation must accept exactly what both databases can store and
// every condition can evaluate, and refuse the rest with 400 and a code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('input validation on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const strategyCount = () => h.database.db.quotaStrategy.count();
  const strategy = (overrides: Record<string, unknown> = {}) => ({
    name: unique('s'),
    title: 'input validation',
    type: 'single',
    // Runs of these strategies are part of the tests: created enabled on purpose.
    enabled: true,
    amount: 1,
    condition: 'true()',
    ...overrides,
  });

  /** POSTs a strategy that must be refused: 400, `code`, an error with these fields, nothing written. */
  async function refused(body: Record<string, unknown>, code: string, error: object) {
    const before = await strategyCount();
    const response = await h.call('POST', '/api/v1/strategies', body);
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.code).toBe(code);
    expect(response.body.errors).toEqual(expect.arrayContaining([expect.objectContaining(error)]));
    expect(await strategyCount()).toBe(before);
    return response.body;
  }

  async function created(body: Record<string, unknown>) {
    const response = await h.call('POST', '/api/v1/strategies', body);
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body as { id: number; amount: number; condition: string };
  }

  describe('C: cron expressions whose occurrences are not a pure function of expression and zone', () => {
    it.each(['H 8 * * *', 'H/15 * * * *', '0 H(0-5) * * *', '0 0 H * * *', '0 8 * * H'])(
      'refuses %s with cron_not_deterministic',
      async (expression) => {
        await refused(
          strategy({ type: 'periodic', periodic_expr: expression }),
          'validation_failed',
          {
            field: 'periodic_expr',
            code: 'cron_not_deterministic',
          },
        );
      },
    );

    it('still accepts ? as a wildcard and day names containing an h', async () => {
      await created(strategy({ type: 'periodic', periodic_expr: '0 8 ? * THU' }));
      await created(strategy({ type: 'periodic', periodic_expr: '0 8 * * thu,sat' }));
    });
  });

  describe('D: amounts with more than two decimals, however close', () => {
    it.each([
      ['0.30000000000000004', 0.1 + 0.2, 'amount_precision'],
      ['1.005', 1.005, 'amount_precision'],
      ['0.010000001', 0.010000001, 'amount_precision'],
      ['1e300', 1e300, 'too_big'],
      ['one cent too many', 999_999_999_999.01, 'too_big'],
    ])('refuses %s', async (_label, amount, code) => {
      await refused(strategy({ amount }), 'validation_failed', { field: 'amount', code });
    });

    it('refuses them on PATCH too', async () => {
      const { id } = await created(strategy());
      const response = await h.call('PATCH', `/api/v1/strategies/${id}`, { amount: 0.1 + 0.2 });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ field: 'amount', code: 'amount_precision' }),
      );
      expect((await h.call('GET', `/api/v1/strategies/${id}`)).body.amount).toBe(1);
    });

    it('stores two-decimal amounts exactly and grants them exactly', async () => {
      const big = await created(strategy({ amount: 999_999_999_999, condition: 'false()' }));
      expect(big.amount).toBe(999_999_999_999);
      const odd = await created(strategy({ amount: 12_345_678_901.23, condition: 'false()' }));
      expect((await h.call('GET', `/api/v1/strategies/${odd.id}`)).body.amount).toBe(
        12_345_678_901.23,
      );
      const user = unique('cents');
      await h.call('PUT', `/api/v1/users/${user}`, { org: user });
      const cents = await created(strategy({ amount: 0.3, condition: `belong-to("${user}")` }));
      expect(cents.amount).toBe(0.3);
      const run = await h.call('POST', `/api/v1/strategies/${cents.id}/run`);
      expect(run.body).toMatchObject({ granted: 1, failed: 0 });
      expect(h.mock.state().quotas[user]).toBe(0.3);
      const ledger = await h.call('GET', `/api/v1/strategies/${cents.id}/executions`);
      expect(ledger.body.items[0].amount).toBe(0.3);
    });
  });

  describe('F: text the databases cannot store, conditions they cannot evaluate', () => {
    it.each([
      ['a lone high surrogate in a name', { name: 'x\ud800' }, 'name', 'lone_surrogate'],
      ['a lone low surrogate in a title', { title: '\udc00' }, 'title', 'lone_surrogate'],
      ['a NUL in a name', { name: 'a\u0000b' }, 'name', 'nul_character'],
      ['a NUL in a model', { model: 'gpt\u0000' }, 'model', 'nul_character'],
    ])('refuses %s', async (_label, overrides, field, code) => {
      await refused(strategy(overrides), 'validation_failed', { field, code });
    });

    it.each([
      ['a lone surrogate', 'belong-to("\ud800")', 1, 12],
      ['a NUL', 'true() and\n  belong-to("a\u0000")', 2, 15],
      ['a lone surrogate outside a string', 'true()\udfff', 1, 7],
      ['an escape that decodes to a lone high surrogate', 'belong-to("\\ud800")', 1, 12],
      ['an escape that decodes to NUL', 'belong-to("\\u0000")', 1, 12],
      [
        'an escape that decodes to a lone low surrogate',
        'true() and\n belong-to("\\udc00")',
        2,
        13,
      ],
    ])(
      'refuses a condition with %s, with its line and column',
      async (_label, condition, line, column) => {
        await refused(strategy({ condition }), 'invalid_condition', {
          field: 'condition',
          code: 'invalid_character',
          line,
          column,
        });
        const validated = await h.call('POST', '/api/v1/conditions/validate', { condition });
        expect(validated.status).toBe(200);
        expect(validated.body.valid).toBe(false);
        expect(validated.body.errors[0]).toMatchObject({ code: 'invalid_character', line, column });
      },
    );

    it.each([
      ['start_at past 9999 in UTC', { start_at: '9999-12-31T23:00:00-05:00' }, 'start_at'],
      ['end_at in year 0', { end_at: '0000-06-01T00:00:00Z' }, 'end_at'],
      ['start_at before 1000 in UTC', { start_at: '1000-01-01T00:00:00+01:00' }, 'start_at'],
      [
        'start_at in year 1, which MySQL cannot store',
        { start_at: '0001-06-01T00:00:00Z' },
        'start_at',
      ],
    ])('refuses %s with date_out_of_range', async (_label, overrides, field) => {
      await refused(strategy(overrides), 'validation_failed', { field, code: 'date_out_of_range' });
    });

    it('stores and reads back the first and last instants every database holds', async () => {
      const id = unique('edge');
      const put = await h.call('PUT', `/api/v1/users/${id}`, {
        register_time: '1000-01-01T00:00:00.000Z',
        access_time: '9999-12-31T23:59:59.999Z',
      });
      expect(put.status, JSON.stringify(put.body)).toBe(200);
      const user = await h.call('GET', `/api/v1/users/${id}`);
      expect(user.body).toMatchObject({
        register_time: '1000-01-01T00:00:00.000Z',
        access_time: '9999-12-31T23:59:59.999Z',
      });
      const late = await h.call('PUT', `/api/v1/users/${unique('late')}`, {
        access_time: '9999-12-31T23:59:59-00:01',
      });
      expect(late.status).toBe(400);
      expect(late.body.errors).toContainEqual(
        expect.objectContaining({ field: 'access_time', code: 'date_out_of_range' }),
      );
    });

    it('refuses user text fields with lone surrogates or NULs', async () => {
      const lone = await h.call('PUT', `/api/v1/users/${unique('u')}`, { name: 'li\ud83d' });
      expect(lone.status).toBe(400);
      expect(lone.body.errors).toContainEqual(
        expect.objectContaining({ field: 'name', code: 'lone_surrogate' }),
      );
      const bulk = await h.call('POST', '/api/v1/users/bulk', [{ id: 'bad\ud800' }]);
      expect(bulk.status).toBe(400);
      expect(bulk.body.errors).toContainEqual(
        expect.objectContaining({ field: '0.id', code: 'lone_surrogate' }),
      );
    });

    it.each([
      ['register-before("1000-01-01")', 'Asia/Shanghai', 1, 17],
      ['register-after("9999-12-31 23:59:58")', 'America/New_York', 1, 16],
      ['true() and access-after("9999-12-31T23:59:59-01:00")', 'UTC', 1, 25],
    ])(
      'refuses %s in %s (its instant is outside 1000–9999) with line and column',
      async (condition, timezone, line, column) => {
        await refused(strategy({ condition, timezone }), 'invalid_condition', {
          field: 'condition',
          code: 'timestamp_out_of_range',
          line,
          column,
        });
      },
    );

    it('accepts the same timestamps where they stay inside the range, and previews them', async () => {
      const early = await created(
        strategy({ condition: 'register-before("1000-01-01")', timezone: 'UTC' }),
      );
      const late = await created(
        strategy({ condition: 'register-after("9999-12-31 23:59:58")', timezone: 'Asia/Shanghai' }),
      );
      for (const { id } of [early, late]) {
        const preview = await h.call('POST', `/api/v1/strategies/${id}/preview`);
        expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      }
      // Moving the zone must not poison the stored condition either.
      const moved = await h.call('PATCH', `/api/v1/strategies/${early.id}`, {
        timezone: 'Asia/Shanghai',
      });
      expect(moved.status).toBe(400);
      expect(moved.body.errors[0]).toMatchObject({ code: 'timestamp_out_of_range' });
    });

    it('refuses a backfill occurrence outside 1000–9999', async () => {
      const { id } = await created(strategy({ type: 'periodic', periodic_expr: '0 8 * * *' }));
      const response = await h.call('POST', `/api/v1/strategies/${id}/run`, {
        occurrence: '0000-12-31T08:00:00Z',
      });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ field: 'occurrence', code: 'date_out_of_range' }),
      );
    });
  });

  describe('G: an empty JSON body on /run and /preview', () => {
    it('is read as no body', async () => {
      const { id } = await created(strategy({ condition: 'false()' }));
      for (const action of ['run', 'preview']) {
        const response = await h.call('POST', `/api/v1/strategies/${id}/${action}`, '', {
          headers: { 'content-type': 'application/json' },
        });
        expect(response.status, `${action}: ${JSON.stringify(response.body)}`).toBe(200);
        expect(response.body.occurrence).toBe('once');
      }
    });
  });

  describe('2 and 4: conditions stored canonically; errors keep suggestion and expected', () => {
    it('stores the canonical form', async () => {
      const body = await created(
        strategy({ condition: 'is-vip(2.0)   and belong-to( "org001" )' }),
      );
      expect(body.condition).toBe('and(is-vip(2), belong-to("org001"))');
      const read = await h.call('GET', `/api/v1/strategies/${body.id}`);
      expect(read.body.condition).toBe('and(is-vip(2), belong-to("org001"))');
      const patched = await h.call('PATCH', `/api/v1/strategies/${body.id}`, {
        condition: 'not   true()',
      });
      expect(patched.body.condition).toBe('not(true())');
    });

    it('keeps suggestion and expected in /conditions/validate and in create errors', async () => {
      const empty = await h.call('POST', '/api/v1/conditions/validate', { condition: '  ' });
      expect(empty.body.errors[0]).toMatchObject({ code: 'empty', suggestion: 'true()' });
      const typo = await h.call('POST', '/api/v1/conditions/validate', { condition: 'is-vp(2)' });
      expect(typo.body.errors[0]).toMatchObject({ code: 'unknown_function', suggestion: 'is-vip' });
      const open = await h.call('POST', '/api/v1/conditions/validate', { condition: 'is-vip(' });
      expect(open.body.errors[0].expected).toEqual(expect.arrayContaining([expect.any(String)]));

      const body = await refused(strategy({ condition: '' }), 'invalid_condition', {
        code: 'empty',
        suggestion: 'true()',
      });
      expect(body.errors[0].field).toBe('condition');
      const { id } = await created(strategy());
      const patched = await h.call('PATCH', `/api/v1/strategies/${id}`, { condition: 'is-vp(2)' });
      expect(patched.body.errors[0]).toMatchObject({ suggestion: 'is-vip' });
    });
  });

  describe("5 and 1: backfills inside the strategy's window, DST fire times included", () => {
    it('refuses an occurrence outside [start_at, end_at) with occurrence_outside_window', async () => {
      h.clock.set('2026-01-15T10:00:00Z');
      const later = await created(
        strategy({
          type: 'periodic',
          periodic_expr: '0 * * * *',
          start_at: '2026-01-16T00:00:00Z',
        }),
      );
      const early = await h.call('POST', `/api/v1/strategies/${later.id}/run`, {
        occurrence: '2026-01-15T07:00:00Z',
      });
      expect(early.status).toBe(400);
      expect(early.body.errors).toContainEqual(
        expect.objectContaining({ field: 'occurrence', code: 'occurrence_outside_window' }),
      );
      const ended = await created(
        strategy({ type: 'periodic', periodic_expr: '0 * * * *', end_at: '2026-01-15T05:00:00Z' }),
      );
      for (const occurrence of ['2026-01-15T05:00:00Z', '2026-01-15T07:00:00Z']) {
        const response = await h.call('POST', `/api/v1/strategies/${ended.id}/run`, {
          occurrence,
        });
        expect(response.status).toBe(400);
        expect(response.body.errors[0]).toMatchObject({ code: 'occurrence_outside_window' });
      }
      const inside = await h.call('POST', `/api/v1/strategies/${ended.id}/run`, {
        occurrence: '2026-01-15T04:00:00Z',
      });
      expect(inside).toMatchObject({
        status: 200,
        body: { occurrence: '2026-01-15T04:00:00.000Z' },
      });
      expect(await h.database.db.quotaExecute.count({ where: { strategyId: later.id } })).toBe(0);
    });

    it('backfills the spring-forward fire time of 30 2 * * 0 in New York (07:30Z)', async () => {
      h.clock.set('2024-03-01T00:00:00Z');
      const user = unique('dst');
      await h.call('PUT', `/api/v1/users/${user}`, { org: user });
      const { id } = await created(
        strategy({
          type: 'periodic',
          periodic_expr: '30 2 * * 0',
          timezone: 'America/New_York',
          condition: `belong-to("${user}")`,
        }),
      );
      // At noon that Sunday the due occurrence (what a tick grants) is that morning's.
      h.clock.set('2024-03-10T12:00:00Z');
      const preview = await h.call('POST', `/api/v1/strategies/${id}/preview`);
      expect(preview.body.occurrence).toBe('2024-03-10T07:30:00.000Z');
      const run = await h.call('POST', `/api/v1/strategies/${id}/run`, {
        occurrence: '2024-03-10T07:30:00Z',
      });
      expect(run).toMatchObject({
        status: 200,
        body: { occurrence: '2024-03-10T07:30:00.000Z', granted: 1 },
      });
      h.clock.set('2026-01-15T10:00:00Z');
    });
  });
  describe('issue 23: user ids no URL can reach', () => {
    it.each(['.', '..'])('refuses the id %j in a bulk import, and writes nothing', async (id) => {
      const kept = unique('dots');
      const response = await h.call('POST', '/api/v1/users/bulk', [{ id: kept }, { id }]);
      expect(response.status, JSON.stringify(response.body)).toBe(400);
      expect(response.body.code).toBe('validation_failed');
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ field: '1.id', code: 'dot_segment_id' }),
      );
      expect(await h.database.db.userInfo.count({ where: { id: { in: [kept, id] } } })).toBe(0);
    });

    it.each(['.', '..'])('refuses the id %j in a PUT body', async (id) => {
      const response = await h.call('PUT', `/api/v1/users/${unique('dots')}`, { id, org: 'x' });
      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual(
        expect.objectContaining({ field: 'id', code: 'dot_segment_id' }),
      );
      expect(await h.database.db.userInfo.count({ where: { id } })).toBe(0);
    });

    it('accepts ids that only contain dots beside other characters, and reaches them', async () => {
      const ids = ['...', `.${unique('d')}`, `${unique('d')}..`];
      expect(
        (
          await h.call(
            'POST',
            '/api/v1/users/bulk',
            ids.map((id) => ({ id })),
          )
        ).status,
      ).toBe(200);
      for (const id of ids) {
        const read = await h.call('GET', `/api/v1/users/${encodeURIComponent(id)}`);
        expect(read.status, id).toBe(200);
        expect(read.body.id).toBe(id);
      }
    });
  });
});
