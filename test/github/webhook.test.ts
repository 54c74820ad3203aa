// POST /api/v1/hooks/github with GitHub's own example payloads (@octokit/webhooks-examples),
// signed with the configured secret: star created/deleted update the user's stars at once, a
// repeated delivery changes nothing, unsigned, badly signed and stale deliveries are refused,
// and the route needs no admin token (GitHub cannot send one) but is off without a secret.
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

const SECRET = 'webhook-secret-0123456789';
const NOW = '2026-01-15T10:00:00Z';

interface Example {
  name: string;
  examples: Record<string, unknown>[];
}
const examples = createRequire(import.meta.url)(
  '@octokit/webhooks-examples/api.github.com/index.json',
) as Example[];
const example = (event: string, action?: string) =>
  structuredClone(
    examples
      .find((e) => e.name === event)!
      .examples.find((payload) => action === undefined || payload.action === action)!,
  ) as Record<string, unknown> & {
    starred_at?: string | null;
    repository: { full_name: string };
    sender: { login: string };
  };

/** A star payload from the examples, for this login and repository, starred at `starredAt`. */
function starPayload(action: 'created' | 'deleted', login: string, repo: string, starredAt = NOW) {
  const payload = example('star', action);
  payload.sender.login = login;
  payload.repository.full_name = repo;
  if (action === 'created') payload.starred_at = starredAt;
  return payload;
}

async function deliver(
  h: Harness,
  event: string,
  payload: unknown,
  options: { secret?: string | null; delivery?: string } = {},
) {
  const body = JSON.stringify(payload);
  const headers: Record<string, string> = {
    'x-github-event': event,
    'x-github-delivery': options.delivery ?? crypto.randomUUID(),
  };
  if (options.secret !== null)
    headers['x-hub-signature-256'] = await sign(options.secret ?? SECRET, body);
  return h.call('POST', '/api/v1/hooks/github', body, { token: null, headers });
}

describe.each(DATABASE_KINDS)('the GitHub webhook on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { now: NOW, github: { webhookSecret: SECRET } });
  });
  afterAll(async () => {
    await h.destroy();
  });

  /** A user whose github_username is `login` in lower case, and a repository name. */
  async function userAndRepo() {
    const login = unique('Octo');
    const id = `${login}-id`;
    expect(
      (await h.call('PUT', `/api/v1/users/${id}`, { github_username: login.toLowerCase() })).status,
    ).toBeLessThan(300);
    return { login, id, repo: `${unique('org')}/Hello-World` };
  }
  const starsOf = async (id: string) =>
    ((await h.call('GET', `/api/v1/users/${id}`)).body as { github_stars: string[] }).github_stars;

  it('answers a signed ping without an admin token', async () => {
    const response = await deliver(h, 'ping', example('ping'));
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'pong' });
  });

  it('adds the star of a signed star.created at once, matching the login case-insensitively', async () => {
    const { login, id, repo } = await userAndRepo();
    const response = await deliver(h, 'star', starPayload('created', login, repo));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'applied', repos: [repo], matched: 1, added: 1 });
    expect(await starsOf(id)).toEqual([repo]);
  });

  it('removes the star on star.deleted', async () => {
    const { login, id, repo } = await userAndRepo();
    await deliver(h, 'star', starPayload('created', login, repo));
    const response = await deliver(h, 'star', starPayload('deleted', login, repo));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'applied', removed: 1 });
    expect(await starsOf(id)).toEqual([]);
  });

  it('ignores a repeated X-GitHub-Delivery', async () => {
    const { login, id, repo } = await userAndRepo();
    const delivery = crypto.randomUUID();
    await deliver(h, 'star', starPayload('created', login, repo), { delivery });
    await deliver(h, 'star', starPayload('deleted', login, repo));
    // The first delivery again (GitHub's "Redeliver"): the star stays removed.
    const repeated = await deliver(h, 'star', starPayload('created', login, repo), { delivery });
    expect(repeated.status).toBe(200);
    expect(repeated.body).toEqual({ status: 'duplicate', delivery });
    expect(await starsOf(id)).toEqual([]);
  });

  it.each([
    ['unsigned', null],
    ['signed with another secret', 'not-the-webhook-secret-0000'],
  ])('refuses a delivery %s with 401 and changes nothing', async (_what, secret) => {
    const { login, id, repo } = await userAndRepo();
    const response = await deliver(h, 'star', starPayload('created', login, repo), { secret });
    expect(response.status).toBe(401);
    expect((response.body as { code: string }).code).toBe('unauthorized');
    expect(await starsOf(id)).toEqual([]);
  });

  it('refuses a body changed after signing', async () => {
    const { login, id, repo } = await userAndRepo();
    const body = JSON.stringify(starPayload('created', login, repo));
    const response = await h.call('POST', '/api/v1/hooks/github', body.replace('}', ' }'), {
      token: null,
      headers: {
        'x-github-event': 'star',
        'x-github-delivery': crypto.randomUUID(),
        'x-hub-signature-256': await sign(SECRET, body),
      },
    });
    expect(response.status).toBe(401);
    expect(await starsOf(id)).toEqual([]);
  });

  it('refuses a stale star.created (GitHub’s example, starred in 2019) with 409', async () => {
    const { login, id, repo } = await userAndRepo();
    const payload = starPayload('created', login, repo, example('star', 'created').starred_at!);
    const response = await deliver(h, 'star', payload);
    expect(response.status).toBe(409);
    expect((response.body as { code: string }).code).toBe('stale_delivery');
    expect(await starsOf(id)).toEqual([]);
  });

  it('stores the star under the spelling an enabled strategy uses', async () => {
    const { login, id } = await userAndRepo();
    const owner = unique('dotted');
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('gh'),
      title: 'stars',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: `github-star("${owner}.tool")`,
    });
    expect(created.status).toBe(201);
    const response = await deliver(
      h,
      'star',
      starPayload('created', login, `${owner.toUpperCase()}/tool`),
    );
    expect(response.body).toMatchObject({ repos: [`${owner}.tool`] });
    expect(await starsOf(id)).toEqual([`${owner}.tool`]);
  });
});

describe('the GitHub webhook without GITHUB_WEBHOOK_SECRET', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite', { now: NOW });
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('answers 404', async () => {
    const response = await deliver(h, 'ping', example('ping'));
    expect(response.status).toBe(404);
  });
});
