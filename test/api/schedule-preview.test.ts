// GET /api/v1/schedule/preview: the daemon's own schedule rules for an unsaved cron expression —
// fire times in UTC and on the zone's wall clock, the daylight-saving rule, the zone rules with
// their codes and suggestions, and the cron field at fault with its column.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';

describe('schedule preview', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { now: '2026-03-07T12:00:00Z', timeZone: 'Asia/Shanghai' });
  });
  afterAll(async () => {
    await h.destroy();
  });

  const preview = (query: Record<string, string>, token?: string) =>
    h.call('GET', `/api/v1/schedule/preview?${new URLSearchParams(query)}`, undefined, { token });

  it('answers the next fire times in UTC and on the wall clock, and the cron in words', async () => {
    const answer = await preview({ cron: '0 8 * * 1-5', timezone: 'Asia/Shanghai', count: '3' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      cron: '0 8 * * 1-5',
      timezone: 'Asia/Shanghai',
      description: 'At 08:00, Monday through Friday',
      fire_times: [
        { at: '2026-03-09T00:00:00.000Z', local: '2026-03-09T08:00:00+08:00' },
        { at: '2026-03-10T00:00:00.000Z', local: '2026-03-10T08:00:00+08:00' },
        { at: '2026-03-11T00:00:00.000Z', local: '2026-03-11T08:00:00+08:00' },
      ],
    });
  });

  it('a viewer may ask; the zone defaults to QM_TIMEZONE and the count to 5; Chinese words', async () => {
    const answer = await preview({ cron: '30 9 * * *', lang: 'zh_CN' }, VIEWER_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.body.timezone).toBe('Asia/Shanghai');
    expect(answer.body.fire_times).toHaveLength(5);
    expect(answer.body.description).toMatch(/09:30/);
    expect(answer.body.description).not.toMatch(/^At/);
  });

  it('follows the strategies’ daylight-saving rule: a skipped wall time fires after the gap', async () => {
    // New York springs forward on 2026-03-08: 02:30 does not exist that day.
    const answer = await preview({ cron: '30 2 * * *', timezone: 'America/New_York', count: '3' });
    expect(answer.body.fire_times.map((t: { local: string }) => t.local)).toEqual([
      '2026-03-08T03:30:00-04:00',
      '2026-03-09T02:30:00-04:00',
      '2026-03-10T02:30:00-04:00',
    ]);
  });

  it.each([
    ['61 8 * * *', 'invalid_cron', 1, 2],
    ['0 8 * 13 *', 'invalid_cron', 7, 2],
    ['0  8 * * foo', 'invalid_cron', 10, 3],
    ['H 8 * * *', 'cron_not_deterministic', 1, 1],
    ['0 8 * * * * *', 'invalid_cron', 13, 1],
    ['0 8', 'invalid_cron', 1, 3],
    ['0 8 31 2 *', 'invalid_cron', 1, 10],
  ])('bad cron %j → 400 %s at column %i', async (cron, code, column, length) => {
    const answer = await preview({ cron, timezone: 'UTC' });
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
    expect(answer.body.errors).toEqual([
      {
        field: 'cron',
        code,
        column,
        length,
        message: expect.stringMatching(/^invalid cron expression: /),
      },
    ]);
  });

  it.each([
    ['CST', 'ambiguous_time_zone', 'Asia/Shanghai'],
    ['PST8PDT', 'ambiguous_time_zone', 'America/Los_Angeles'],
    ['Asia/Shangai', 'unknown_time_zone', 'Asia/Shanghai'],
  ])('bad zone %s → 400 %s suggesting %s', async (timezone, code, suggestion) => {
    const answer = await preview({ cron: '0 8 * * *', timezone });
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { field: 'timezone', code, suggestion, message: expect.stringContaining(timezone) },
    ]);
  });

  it.each([
    [{ cron: '0 8 * * *', count: '0' }],
    [{ cron: '0 8 * * *', count: '21' }],
    [{ cron: '0 8 * * *', count: 'x' }],
    [{ cron: 'x'.repeat(201) }],
    [{ cron: '0 8 * * *\u0000' }],
    [{ cron: '0 8 * * *', lang: 'fr' }],
    [{ cron: '0 8 * * *', extra: '1' }],
    [{}],
  ])('refuses %j with 400', async (query) => {
    const answer = await preview(query);
    expect(answer.status).toBe(400);
    expect(answer.body.code).toBe('validation_failed');
  });

  it('an empty cron is a cron problem, at column 1', async () => {
    const answer = await preview({ cron: '', timezone: 'UTC' });
    expect(answer.status).toBe(400);
    expect(answer.body.errors[0]).toMatchObject({ field: 'cron', code: 'invalid_cron', column: 1 });
  });
});
