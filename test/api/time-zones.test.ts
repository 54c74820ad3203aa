// Zones people mean, through the API on every database: a new strategy must name UTC or an
// Area/City zone (CST, EST, PST8PDT … are refused with 400 ambiguous_time_zone naming the likely
// zone), a typo gets "did you mean"; a strategy stored with such a name keeps working, may be
// edited without touching its zone, and says so in timezone_warning.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('time zone names on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const periodic = (timezone: string) => ({
    name: unique('zone'),
    title: 't',
    type: 'periodic',
    periodic_expr: '0 8 * * *',
    amount: 1,
    condition: 'true()',
    timezone,
  });

  it.each([
    ['CST', 'Asia/Shanghai', /use "Asia\/Shanghai" or "America\/Chicago"/],
    ['EST', 'America/New_York', /use "America\/New_York"/],
    ['PST8PDT', 'America/Los_Angeles', /use "America\/Los_Angeles"/],
  ])(
    'refuses %s with 400 ambiguous_time_zone, nothing written',
    async (zone, suggestion, message) => {
      const before = await h.database.db.quotaStrategy.count();
      const answer = await h.call('POST', '/api/v1/strategies', periodic(zone));
      expect(answer.status).toBe(400);
      expect(answer.body.code).toBe('validation_failed');
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ field: 'timezone', code: 'ambiguous_time_zone', suggestion }),
      ]);
      expect(answer.body.errors[0].message).toMatch(message);
      expect(await h.database.db.quotaStrategy.count()).toBe(before);
    },
  );

  it('suggests the zone a typo meant', async () => {
    const answer = await h.call('POST', '/api/v1/strategies', periodic('Asia/Shangai'));
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({
      field: 'timezone',
      suggestion: 'Asia/Shanghai',
      message: 'unknown IANA time zone "Asia/Shangai" (did you mean "Asia/Shanghai"?)',
    });
  });

  it('keeps a strategy stored with a legacy zone working and flagged; its zone cannot be changed to another', async () => {
    const created = await h.call('POST', '/api/v1/strategies', periodic('America/Chicago'));
    expect(created.status).toBe(201);
    expect(created.body.timezone_warning).toBeNull();
    const id = created.body.id as number;
    // As saved before such names were refused.
    await h.database.db.quotaStrategy.update({ where: { id }, data: { timezone: 'CST' } });
    const read = await h.call('GET', `/api/v1/strategies/${id}`);
    expect(read.body).toMatchObject({ timezone: 'CST' });
    expect(read.body.timezone_warning).toMatch(/use "Asia\/Shanghai" or "America\/Chicago"/);
    const retitled = await h.call('PATCH', `/api/v1/strategies/${id}`, { title: 'still CST' });
    expect(retitled).toMatchObject({ status: 200, body: { title: 'still CST', timezone: 'CST' } });
    const moved = await h.call('PATCH', `/api/v1/strategies/${id}`, { timezone: 'EST' });
    expect(moved.status).toBe(400);
    const fixed = await h.call('PATCH', `/api/v1/strategies/${id}`, { timezone: 'Asia/Shanghai' });
    expect(fixed).toMatchObject({ status: 200, body: { timezone_warning: null } });
  });
});
