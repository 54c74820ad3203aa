// Lists a repository's stargazers through the GitHub REST client (@octokit/rest): the paginate
// plugin follows the Link headers, the throttling plugin waits out primary (x-ratelimit-*) and
// secondary (retry-after) rate limits. A request hook makes every page conditional: the ETag
// GitHub last sent for that page goes out as If-None-Match, and a 304 (which GitHub does not
// count against the rate limit) is answered from the stored page, so an idle re-sync reads no
// page twice.
import { paginateRest } from '@octokit/plugin-paginate-rest';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type {
  RepositoryCoordinates,
  StargazerList,
  StargazerSource,
} from '../core/ports/github.ts';
import type { StargazerPageStore, StoredStargazerPage } from '../db/github-page-store.ts';

const GithubClient = Octokit.plugin(paginateRest, throttling);

/**
 * github.com serves at most 400 pages of this list (40 000 stargazers with 100 a page) and
 * answers a later page with 422 "pagination is limited for this resource".
 */
const PAGINATION_LIMITED = /pagination is limited/i;

export interface StargazerClientOptions {
  /** GITHUB_TOKEN; unauthenticated without one. */
  token?: string;
  /** GITHUB_API_URL */
  apiUrl: string;
  pages: StargazerPageStore;
  logger: CoreLogger;
  /** Rate-limit waits per request before it fails (default 3). */
  maxRateLimitRetries?: number;
  /** Told of every response: 'ok', 'not_modified', 'rate_limited', 'truncated' or 'error'. */
  onResponse?: (outcome: 'ok' | 'not_modified' | 'rate_limited' | 'truncated' | 'error') => void;
}

interface StarredItem {
  user: { login: string } | null;
}

export function createStargazerSource(options: StargazerClientOptions): StargazerSource {
  return { list: (repo, coordinates) => listStargazers(options, repo, coordinates) };
}

const pathOf = (url: string) => new URL(url, 'http://github.invalid').pathname.toLowerCase();

async function listStargazers(
  options: StargazerClientOptions,
  repo: string,
  { owner, name }: RepositoryCoordinates,
): Promise<StargazerList> {
  const stored = new Map((await options.pages.load(repo)).map((page) => [page.url, page]));
  const seen: StoredStargazerPage[] = [];
  const counts = { requests: 0, notModified: 0, redirected: false, truncated: false };
  // A request refused for a rate limit is retried below this hook: the limit handler counts it.
  const octokit = newClient(options, repo, () => counts.requests++);
  octokit.hook.wrap('request', async (request, endpoint) => {
    const url = octokit.request.endpoint.parse(endpoint).url;
    const cached = stored.get(url);
    counts.requests++;
    try {
      // before-after-hook passes the options bound: they are changed in place, not replaced.
      if (cached) endpoint.headers['if-none-match'] = cached.etag;
      const response = await request(endpoint);
      options.onResponse?.('ok');
      if (pathOf(response.url) !== pathOf(url)) counts.redirected = true;
      if (Array.isArray(response.data)) {
        seen.push({
          url,
          etag: response.headers.etag ?? '',
          link: response.headers.link ?? null,
          logins: (response.data as StarredItem[]).flatMap((item) =>
            item.user ? [item.user.login] : [],
          ),
        });
      }
      return response;
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 422 && PAGINATION_LIMITED.test((error as Error).message)) {
        // The end of what GitHub will list: the pages read so far are all there is to read.
        options.onResponse?.('truncated');
        counts.truncated = true;
        return { status: 200, url, headers: {}, data: [] };
      }
      if (status !== 304 || !cached) {
        options.onResponse?.('error');
        throw error;
      }
      options.onResponse?.('not_modified');
      counts.notModified++;
      const finalUrl = (error as { response?: { url?: string } }).response?.url ?? url;
      if (pathOf(finalUrl) !== pathOf(url)) counts.redirected = true;
      seen.push(cached);
      const headers = { etag: cached.etag, ...(cached.link ? { link: cached.link } : {}) };
      const data = cached.logins.map((login) => ({ starred_at: null, user: { login } }));
      return { status: 200, url, headers, data };
    }
  });
  const logins: string[] = [];
  for await (const response of octokit.paginate.iterator(
    octokit.rest.activity.listStargazersForRepo,
    {
      owner,
      repo: name,
      per_page: 100,
      headers: { accept: 'application/vnd.github.star+json' },
    },
  )) {
    for (const item of response.data as unknown as StarredItem[])
      if (item.user) logins.push(item.user.login);
  }
  const changed = counts.notModified < seen.length || seen.length !== stored.size;
  if (changed) await options.pages.save(repo, seen);
  const renamedTo = counts.redirected ? await currentName(octokit, owner, name) : null;
  return {
    logins,
    complete: !counts.truncated,
    requests: counts.requests,
    notModified: counts.notModified,
    renamedTo,
  };
}

/** GitHub's full name now (the request is redirected like the list was). */
async function currentName(
  octokit: InstanceType<typeof GithubClient>,
  owner: string,
  name: string,
): Promise<string | null> {
  const { data } = await octokit.request('GET /repos/{owner}/{repo}', { owner, repo: name });
  return data.full_name.toLowerCase() === `${owner}/${name}`.toLowerCase() ? null : data.full_name;
}

function newClient(options: StargazerClientOptions, repo: string, onRefused: () => void) {
  const maxRetries = options.maxRateLimitRetries ?? 3;
  const onLimit =
    (kind: string) =>
    (retryAfter: number, _request: unknown, _octokit: unknown, retryCount: number): boolean => {
      onRefused();
      options.onResponse?.('rate_limited');
      const retry = retryCount < maxRetries;
      options.logger.warn('GitHub rate limit reached', {
        repo,
        kind,
        retry_after_s: retryAfter,
        retrying: retry,
      });
      return retry;
    };
  return new GithubClient({
    auth: options.token,
    baseUrl: options.apiUrl,
    userAgent: 'quota-manager',
    // Octokit's own console logging would bypass our logger (and its redaction).
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
    throttle: { onRateLimit: onLimit('primary'), onSecondaryRateLimit: onLimit('secondary') },
  });
}
