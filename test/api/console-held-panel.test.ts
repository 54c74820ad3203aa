// The console's held-occurrence panel, in-process through the daemon's own server: one panel per
// strategy listing each held occurrence with its users and amount, buttons labelled with the
// formatted fire time (not raw ISO), and dismiss and approve-all posts that reach the API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

describe('the held-occurrence panel of the console', () => {
  let h: Harness;
  let strategyId: number;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    h.clock.set('2026-05-01T07:59:00Z');
    const org = unique('panel');
    const users = ['a', 'b', 'c'].map((u) => ({ id: `${org}-${u}`, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const strategy = await createOrgStrategy(h, org, {
      type: 'periodic',
      periodic_expr: '0 * * * *',
      missed_runs: 'catch_up',
      max_users_per_occurrence: 2,
    });
    strategyId = strategy.id;
    for (const at of ['2026-05-01T08:00:30Z', '2026-05-01T09:00:30Z', '2026-05-01T10:00:30Z']) {
      h.clock.set(at);
      await h.call('POST', `/api/v1/strategies/${strategyId}/run`);
    }
  });
  afterAll(async () => {
    await h.destroy();
  });

  async function signIn(token: string): Promise<string> {
    const answer = await h.app.request('/ui/sign-in', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }).toString(),
    });
    expect(answer.status).toBe(303);
    return /qm_session=([^;]+)/.exec(answer.headers.get('set-cookie') ?? '')![1]!;
  }
  const page = async (cookie: string) =>
    (
      await h.app.request(`/ui/strategies/${strategyId}`, {
        headers: { cookie: `qm_session=${cookie}` },
      })
    ).text();

  it('lists each held occurrence once, with users and amount, and formatted button labels', async () => {
    const html = await page(await signIn(ADMIN_TOKEN));
    expect(html.match(/data-testid="held"/g)).toHaveLength(1);
    // One time format everywhere, in the strategy's zone (console/pages/instant.tsx).
    expect(html).toMatch(
      /<time datetime="2026-05-01T08:00:00.000Z"[^>]*>2026-05-01 08:00 UTC<\/time>/,
    );
    expect(html).toContain('Approve 2026-05-01 10:00 UTC');
    expect(html).toContain('Dismiss 2026-05-01 09:00 UTC');
    expect(html).toContain('Approve all 3');
    // No raw ISO instant is a button's label.
    expect(html).not.toMatch(/<button[^>]*>[^<]*\d{4}-\d\d-\d\dT/);
  });

  it('shows a viewer the panel without a write control', async () => {
    const html = await page(await signIn(VIEWER_TOKEN));
    expect(html).toContain('data-testid="held"');
    expect(html).not.toContain('Dismiss');
    expect(html).not.toContain('Approve all');
  });

  it('dismisses one occurrence and approves the rest from the panel', async () => {
    const cookie = await signIn(ADMIN_TOKEN);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await page(cookie))![1]!;
    const post = (action: string, fields: Record<string, string>) =>
      h.app.request(`/ui/strategies/${strategyId}/${action}`, {
        method: 'POST',
        headers: {
          cookie: `qm_session=${cookie}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ _csrf: csrf, confirmed: 'yes', ...fields }).toString(),
      });
    const dismissed = await post('dismiss', { occurrence: '2026-05-01T09:00:00.000Z' });
    expect(dismissed.status).toBe(303);
    // The notice the page redirected to shows, written by that page.
    const done = async (answer: Response) => {
      const shown = await (
        await h.app.request(answer.headers.get('location')!, {
          headers: { cookie: `qm_session=${cookie}` },
        })
      ).text();
      return /<p class="notice ok" role="status">([^<]*)<\/p>/.exec(shown)?.[1];
    };
    expect(await done(dismissed)).toBe('Dismissed 2026-05-01 09:00 UTC: nothing granted.');
    const approved = await post('approve-all', {});
    expect(
      new URL(approved.headers.get('location')!, 'http://x').searchParams.get('error'),
    ).toBeNull();
    expect(await done(approved)).toBe('Approved and ran 2 held occurrences: granted 6.');
    expect(await page(cookie)).not.toContain('data-testid="held"');
  });
});
