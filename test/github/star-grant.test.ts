// Issue 25 §2, done when: a signed `star` webhook makes a `github-star` single strategy grant
// that user at the next scan; a badly signed one changes nothing; the poller alone reaches the
// same state. Real database, real mock gateway, mock GitHub API over HTTP.
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { startMockGithub, type MockGithub } from '../support/mock-github.ts';
import { unique } from '../support/unique-name.ts';

const SECRET = 'webhook-secret-0123456789';
const NOW = '2026-01-15T10:00:00Z';

describe.each(DATABASE_KINDS)('a github-star single strategy on %s', (kind) => {
  let h: Harness;
  let github: MockGithub;
  beforeAll(async () => {
    github = await startMockGithub();
    h = await createHarness(kind, {
      now: NOW,
      github: { apiUrl: github.url, webhookSecret: SECRET },
    });
  });
  afterAll(async () => {
    await h.destroy();
    await github.close();
  });

  /** A repository, a user with a GitHub login, and a single strategy granting its stargazers 7. */
  async function setUp() {
    const repo = `${unique('acme')}/widget`;
    const login = unique('Fan');
    const id = `${login}-id`;
    await h.call('PUT', `/api/v1/users/${id}`, { github_username: login });
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('stars'),
      title: 'thanks for the star',
      type: 'single',
      enabled: true,
      amount: 7,
      condition: `github-star("${repo}")`,
    });
    expect(created.status).toBe(201);
    // The first scan is full and finds nobody; later ones are incremental.
    expect((await h.call('POST', '/api/v1/strategies/scan')).status).toBe(200);
    expect(h.mock.state().quotas[id]).toBeUndefined();
    return { repo, login, id };
  }

  async function starWebhook(login: string, repo: string, secret: string) {
    const body = JSON.stringify({
      action: 'created',
      starred_at: NOW,
      repository: { full_name: repo },
      sender: { login: login.toUpperCase() },
    });
    return h.call('POST', '/api/v1/hooks/github', body, {
      token: null,
      headers: {
        'x-github-event': 'star',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': await sign(secret, body),
      },
    });
  }

  it('grants at the next scan after a signed star webhook; a badly signed one changes nothing', async () => {
    const { repo, login, id } = await setUp();
    expect((await starWebhook(login, repo, 'some-other-secret-000000')).status).toBe(401);
    await h.call('POST', '/api/v1/strategies/scan');
    expect(h.mock.state().quotas[id]).toBeUndefined();

    expect((await starWebhook(login, repo, SECRET)).status).toBe(200);
    expect((await h.call('POST', '/api/v1/strategies/scan')).status).toBe(200);
    expect(h.mock.state().quotas[id]).toBe(7);
  });

  it('reaches the same grant through the poller alone', async () => {
    const { repo, login, id } = await setUp();
    github.setStargazers(repo, [unique('someone-else'), login.toLowerCase()]);
    const { results } = await h.runtime.github.sync();
    expect(results.find((r) => r.repo === repo)).toMatchObject({ added: 1, lastError: null });
    await h.call('POST', '/api/v1/strategies/scan');
    expect(h.mock.state().quotas[id]).toBe(7);
  });
});
