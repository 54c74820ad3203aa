// Two replicas (two runtimes, each with its own connection pool and lease holder) on one
// PostgreSQL, then one MariaDB, polling the same GitHub at once: one polls, the other reads
// nothing. Counted at the mock GitHub: the requests of one poll only, never two in flight.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';
import { createReservedLease, RESERVED_LEASE_KEYS } from '../../src/db/reserved-lease.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import { startMockGithub, type MockGithub } from '../support/mock-github.ts';
import { unique } from '../support/unique-name.ts';

describe.each(['postgresql', 'mysql'] as const)('the GitHub poll lease on %s', (kind) => {
  let url: DisposableDatabaseUrl;
  let github: MockGithub;
  let replicas: Harness[];
  const configured: string[] = [];

  /** A replica: its own database client on the shared database, dropped only by the test. */
  async function replica(): Promise<Harness> {
    const database = await openDatabase(url.url);
    return createHarness(kind, {
      database: { ...database, url: url.url, destroy: () => database.close() },
      github: { apiUrl: github.url, repositories: configured },
    });
  }

  beforeAll(async () => {
    url = await createDatabaseUrl(kind);
    github = await startMockGithub();
    replicas = [await replica(), await replica()];
  });
  afterAll(async () => {
    for (const h of replicas ?? []) await h.destroy();
    await github?.close();
    await url?.drop();
  });

  it('lets one of two replicas poll when both start at once; the other sends no request', async () => {
    const [a, b] = replicas as [Harness, Harness];
    const repo = `${unique('acme')}/widget`;
    const logins = Array.from({ length: 300 }, (_, i) => `fan-${i}`);
    github.setStargazers(repo, logins);
    configured.splice(0, configured.length, repo);
    await a.call(
      'POST',
      '/api/v1/users/bulk',
      logins.map((login) => ({ id: `${repo}:${login}`, github_username: login })),
    );
    // Slow answers: had both polled, their requests would have overlapped.
    github.delayResponses(150);
    try {
      const before = github.requests.length;
      const polls = await Promise.all([a.runtime.github.sync(), b.runtime.github.sync()]);
      expect(polls.map((poll) => poll.ran).sort()).toEqual([false, true]);
      // 300 stargazers, 100 a page: one poll's three requests.
      expect(github.requests.length - before).toBe(3);
      expect(github.maxInFlight).toBe(1);
      const ran = polls.find((poll) => poll.ran)!;
      expect(ran.results).toMatchObject([{ repo, stargazers: 300, added: 300, lastError: null }]);
      const user = await b.call('GET', `/api/v1/users/${encodeURIComponent(`${repo}:fan-299`)}`);
      expect(user.body).toMatchObject({ github_stars: [repo] });
      // Released at the end: the replica that stood aside polls next (all 304s).
      const next = await b.runtime.github.sync();
      expect(next.ran).toBe(true);
      expect(next.results[0]).toMatchObject({ requests: 3, notModified: 3 });
    } finally {
      github.delayResponses(0);
    }
  });

  it('waits out the lease of a poller that died holding it, then polls', async () => {
    const [a] = replicas as [Harness];
    const dead = createReservedLease(a.database, RESERVED_LEASE_KEYS.githubStarPoll, 'dead', 1500);
    expect(await dead.acquire()).toBe(true);
    const before = github.requests.length;
    expect(await a.runtime.github.sync()).toMatchObject({ ran: false, results: [] });
    expect(github.requests.length).toBe(before);
    expect(a.logger.lines.some((l) => l.message.startsWith('GitHub stargazer sync skipped'))).toBe(
      true,
    );
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect((await a.runtime.github.sync()).ran).toBe(true);
    expect(github.requests.length).toBeGreaterThan(before);
  });
});
