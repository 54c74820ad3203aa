// The GitHub stargazer poller against a mock GitHub API (a real HTTP server) and a real
// database: it reaches the stars GitHub lists, matches logins case-insensitively, re-syncs an
// unchanged repository with 304s only, waits out rate limits, follows a renamed repository and
// keeps the stars when GitHub fails.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, VIEWER_TOKEN, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startMockGithub, type MockGithub } from '../support/mock-github.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('GitHub stargazer sync on %s', (kind) => {
  let h: Harness;
  let github: MockGithub;
  let configured: string[];
  beforeAll(async () => {
    github = await startMockGithub();
    configured = [];
    h = await createHarness(kind, {
      github: { apiUrl: github.url, repositories: configured },
    });
  });
  afterAll(async () => {
    await h.destroy();
    await github.close();
  });
  afterEach(() => configured.splice(0));

  /** A tracked repository with `count` stargazers `<prefix>-<i>`; users for the first `users`. */
  async function repository(count: number, users: number) {
    const owner = unique('acme');
    const repo = `${owner}/widget`;
    const logins = Array.from({ length: count }, (_, i) => `${owner}-Star-${i}`);
    github.setStargazers(repo, logins);
    configured.push(repo);
    const ids = logins.slice(0, users).map((login) => `${login.toLowerCase()}-id`);
    // Stored names differ in case from GitHub's: logins are case-insensitive.
    const bulk = ids.map((id, i) => ({ id, github_username: logins[i]!.toLowerCase() }));
    expect((await h.call('POST', '/api/v1/users/bulk', bulk)).status).toBeLessThan(300);
    return { repo, logins, ids };
  }

  const starsOf = async (id: string) =>
    ((await h.call('GET', `/api/v1/users/${id}`)).body as { github_stars: string[] }).github_stars;

  const changeSeq = async (id: string) =>
    (await h.runtime.database.db.userInfo.findUnique({ where: { id } }))!.changeSeq;
  const counter = async () =>
    (await h.runtime.database.db.changeCounter.findUnique({ where: { id: 1 } }))!.value;

  const sync = async (repo: string) =>
    (await h.runtime.github.sync()).results.find((result) => result.repo === repo)!;

  it('reaches the stars GitHub lists, over Link pages, matching logins case-insensitively', async () => {
    const { repo, ids } = await repository(250, 120);
    const result = await sync(repo);
    expect(result).toMatchObject({ stargazers: 250, matched: 120, added: 120, removed: 0 });
    expect(result.lastError).toBeNull();
    expect(result.requests).toBe(3);
    expect(await starsOf(ids[0]!)).toEqual([repo]);
    expect(await starsOf(ids[119]!)).toEqual([repo]);
  });

  it('shows the last sync of each repository at GET /api/v1/sources/github, to viewers too', async () => {
    const { repo } = await repository(3, 2);
    github.failNext('server_error');
    await sync(repo);
    const failed = await h.call('GET', '/api/v1/sources/github', undefined, {
      token: VIEWER_TOKEN,
    });
    expect(failed.status).toBe(200);
    const row = (body: typeof failed.body) =>
      body.items.find((item: { repo: string }) => item.repo === repo);
    expect(row(failed.body)).toMatchObject({ stargazers: 0, last_error: expect.any(String) });
    await sync(repo);
    const { body } = await h.call('GET', '/api/v1/sources/github');
    expect(body.total).toBe(body.items.length);
    expect(row(body)).toMatchObject({
      repo,
      renamed_to: null,
      stargazers: 3,
      matched: 2,
      last_error: null,
      started_at: expect.stringMatching(/Z$/),
    });
  });

  it('re-syncs an unchanged repository with 304s only and changes nothing', async () => {
    const { repo } = await repository(230, 10);
    await sync(repo);
    const before = await counter();
    const idle = await sync(repo);
    // No user was written: incremental scans have nothing new to read.
    expect(await counter()).toBe(before);
    expect(idle).toMatchObject({ requests: 3, notModified: 3, added: 0, removed: 0, matched: 10 });
    const statuses = github.requests.slice(-3).map((r) => r.status);
    expect(statuses).toEqual([304, 304, 304]);
    const { body } = await h.metrics.render();
    expect(body).toMatch(/quota_manager_github_requests_total\{outcome="not_modified"\} [1-9]/);
  });

  it('removes the star of a user who unstarred, and moves that user for incremental scans', async () => {
    const { repo, logins, ids } = await repository(5, 5);
    await sync(repo);
    const [unstarring, staying] = [await changeSeq(ids[0]!), await changeSeq(ids[1]!)];
    github.setStargazers(repo, logins.slice(1));
    const result = await sync(repo);
    expect(await changeSeq(ids[0]!)).toBeGreaterThan(unstarring);
    expect(await changeSeq(ids[1]!)).toBe(staying);
    expect(result).toMatchObject({ stargazers: 4, matched: 4, added: 0, removed: 1 });
    expect(await starsOf(ids[0]!)).toEqual([]);
    expect(await starsOf(ids[1]!)).toEqual([repo]);
  });

  it('waits out a primary and a secondary rate limit through the throttling plugin', async () => {
    const { repo, ids } = await repository(150, 2);
    github.failNext('primary_limit');
    github.failNext('secondary_limit');
    const started = Date.now();
    const result = await sync(repo);
    expect(result.lastError).toBeNull();
    expect(result).toMatchObject({ stargazers: 150, added: 2 });
    // Two refused requests, then the two pages.
    expect(result.requests).toBe(4);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(h.logger.lines.filter((l) => l.message === 'GitHub rate limit reached')).toHaveLength(2);
    expect(await starsOf(ids[1]!)).toEqual([repo]);
  });

  it('follows a renamed repository (301), reports the new name and keeps the stored name', async () => {
    const { repo, ids } = await repository(3, 3);
    const renamedTo = `${repo.split('/')[0]}/gadget`;
    github.rename(repo, renamedTo);
    const result = await sync(repo);
    expect(result).toMatchObject({ stargazers: 3, added: 3, renamedTo });
    expect(await starsOf(ids[2]!)).toEqual([repo]);
    expect(
      h.logger.lines.some(
        (l) => l.message.startsWith('GitHub repository was renamed') && l.fields?.repo === repo,
      ),
    ).toBe(true);
  });

  it('adds but never removes stars when GitHub lists only part of the stargazers (page limit)', async () => {
    const { repo, logins, ids } = await repository(250, 250);
    // A star GitHub's truncated list cannot show (it came by webhook, say).
    await h.call('PUT', `/api/v1/users/${ids[240]!}`, { github_stars: [repo] });
    github.limitPages(2);
    try {
      const result = await sync(repo);
      expect(result).toMatchObject({ complete: false, stargazers: 200, added: 200, removed: 0 });
      expect(result.lastError).toBeNull();
      expect(await starsOf(ids[0]!)).toEqual([repo]);
      expect(await starsOf(ids[240]!)).toEqual([repo]);
      github.setStargazers(repo, logins.slice(1));
      expect(await sync(repo)).toMatchObject({ complete: false, removed: 0 });
      expect(await starsOf(ids[0]!)).toEqual([repo]);
    } finally {
      github.limitPages(Infinity);
    }
  });

  it('runs one of two syncs started at once in one process; the other reads nothing', async () => {
    const { repo, ids } = await repository(120, 120);
    const before = github.requests.length;
    const polls = await Promise.all([h.runtime.github.sync(), h.runtime.github.sync()]);
    expect(polls.map((poll) => poll.ran).sort()).toEqual([false, true]);
    const ran = polls.find((poll) => poll.ran)!;
    expect(ran.results.find((r) => r.repo === repo)).toMatchObject({ added: 120, lastError: null });
    expect(github.requests.length - before).toBe(2);
    expect(await starsOf(ids[119]!)).toEqual([repo]);
    // The lease was given back: the next poll runs.
    expect((await h.runtime.github.sync()).ran).toBe(true);
  });

  it('keeps the stars when GitHub fails (5xx), and says why', async () => {
    const { repo, logins, ids } = await repository(3, 3);
    await sync(repo);
    github.setStargazers(repo, logins.slice(2));
    github.failNext('server_error');
    const result = await sync(repo);
    expect(result.lastError).toMatch(/Server Error|502/);
    expect(await starsOf(ids[0]!)).toEqual([repo]);
  });

  it('reads the repositories named in enabled strategies’ conditions, in either spelling', async () => {
    const owner = unique('cond');
    github.setStargazers(`${owner}/tool`, ['Dotted']);
    await h.call('PUT', `/api/v1/users/${owner}-dotted`, { github_username: 'dotted' });
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('gh'),
      title: 'stars',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: `or(github-star("${owner}.tool"), is-vip(99))`,
    });
    expect(created.status).toBe(201);
    const result = await sync(`${owner}.tool`);
    expect(result).toMatchObject({ stargazers: 1, added: 1 });
    expect(await starsOf(`${owner}-dotted`)).toEqual([`${owner}.tool`]);
  });
});
