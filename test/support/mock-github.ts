// A small real HTTP server speaking the parts of the GitHub REST API the stargazer sync uses,
// in GitHub's documented shapes: Link pagination, application/vnd.github.star+json items with
// starred_at, ETag / If-None-Match → 304, x-ratelimit-* headers, a primary limit (403 with
// x-ratelimit-remaining 0), a secondary limit (403 with retry-after), 5xx, and a renamed
// repository answered with 301 to /repositories/{id}/…
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface MockRepo {
  id: number;
  fullName: string;
  stargazers: { login: string; starred_at: string }[];
}

export interface MockGithub {
  url: string;
  /** Sets a repository's stargazers (logins, in starring order). */
  setStargazers(fullName: string, logins: string[]): void;
  /** The repository is now called `to`; its old name answers 301. */
  rename(from: string, to: string): void;
  /** Pages served at most (github.com: 400); a later page answers 422. Default: no limit. */
  limitPages(pages: number): void;
  /** The next request answers with this fault once. */
  failNext(fault: 'primary_limit' | 'secondary_limit' | 'server_error'): void;
  /** Every answer waits this long first (default 0): polls that overlap then show it. */
  delayResponses(ms: number): void;
  /** The most requests this server had in flight at once (answered or not). */
  readonly maxInFlight: number;
  /** Every request: path with query, and the status answered. */
  readonly requests: { path: string; status: number }[];
  close(): Promise<void>;
}

const PER_PAGE_MAX = 100;

export async function startMockGithub(): Promise<MockGithub> {
  const repos = new Map<string, MockRepo>();
  const renamed = new Map<string, number>();
  const faults: ('primary_limit' | 'secondary_limit' | 'server_error')[] = [];
  const requests: { path: string; status: number }[] = [];
  let nextId = 1000;
  let remaining = 5000;
  let pageLimit = Infinity;
  let delayMs = 0;
  let inFlight = 0;
  let maxInFlight = 0;

  const byId = (id: number) => [...repos.values()].find((repo) => repo.id === id);

  function rateHeaders(res: ServerResponse, left = remaining): void {
    res.setHeader('x-ratelimit-limit', '5000');
    res.setHeader('x-ratelimit-remaining', String(left));
    res.setHeader('x-ratelimit-reset', String(Math.floor(Date.now() / 1000) + 1));
  }

  /** Answers; returns the response so that handlers can `return send(…)`. */
  function send(res: ServerResponse, status: number, body?: unknown): ServerResponse {
    res.statusCode = status;
    if (body !== undefined) res.setHeader('content-type', 'application/json; charset=utf-8');
    return res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  function stargazers(
    req: IncomingMessage,
    res: ServerResponse,
    repo: MockRepo,
    base: string,
  ): ServerResponse {
    const url = new URL(req.url!, 'http://x');
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), PER_PAGE_MAX);
    const page = Number(url.searchParams.get('page') ?? 1);
    const pages = Math.max(1, Math.ceil(repo.stargazers.length / perPage));
    if (page > pageLimit) {
      return send(res, 422, {
        message:
          'In order to keep the API fast for everyone, pagination is limited for this resource. Check the rel=last link relation in the Link response header to see how far back you can traverse.',
        documentation_url: 'https://docs.github.com/v3/#pagination',
      });
    }
    const starJson = /application\/vnd\.github\.star\+json/.test(req.headers.accept ?? '');
    const slice = repo.stargazers.slice((page - 1) * perPage, page * perPage);
    const items = slice.map((s) => {
      const user = { login: s.login, id: 1, type: 'User' };
      return starJson ? { starred_at: s.starred_at, user } : user;
    });
    const body = JSON.stringify(items);
    const etag = `W/"${createHash('sha256').update(`${body}|${pages}`).digest('hex').slice(0, 32)}"`;
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      // A conditional hit costs no rate limit at GitHub: remaining stays as it is.
      rateHeaders(res);
      return send(res, 304);
    }
    remaining--;
    rateHeaders(res);
    const origin = `http://${req.headers.host}`;
    const link = (n: number, rel: string) =>
      `<${origin}${base}?per_page=${perPage}&page=${n}>; rel="${rel}"`;
    const links = [
      ...(page < pages ? [link(page + 1, 'next'), link(pages, 'last')] : []),
      ...(page > 1 ? [link(1, 'first'), link(page - 1, 'prev')] : []),
    ];
    if (links.length > 0) res.setHeader('link', links.join(', '));
    return send(res, 200, items);
  }

  function route(req: IncomingMessage, res: ServerResponse): ServerResponse {
    const url = new URL(req.url!, 'http://x');
    const fault = faults.shift();
    if (fault === 'server_error') return send(res, 502, { message: 'Server Error' });
    if (fault === 'primary_limit') {
      rateHeaders(res, 0);
      return send(res, 403, { message: 'API rate limit exceeded for user ID 1.' });
    }
    if (fault === 'secondary_limit') {
      res.setHeader('retry-after', '1');
      return send(res, 403, { message: 'You have exceeded a secondary rate limit.' });
    }
    const named = /^\/repos\/([^/]+)\/([^/]+)(\/stargazers)?$/.exec(url.pathname);
    if (named) {
      const key = `${named[1]}/${named[2]}`.toLowerCase();
      const movedTo = renamed.get(key);
      if (movedTo !== undefined) {
        res.setHeader('location', `/repositories/${movedTo}${named[3] ?? ''}${url.search}`);
        return send(res, 301, { message: 'Moved Permanently' });
      }
      const repo = repos.get(key);
      if (!repo) return send(res, 404, { message: 'Not Found' });
      return named[3]
        ? stargazers(req, res, repo, url.pathname)
        : send(res, 200, { id: repo.id, full_name: repo.fullName });
    }
    const numbered = /^\/repositories\/(\d+)(\/stargazers)?$/.exec(url.pathname);
    const repo = numbered ? byId(Number(numbered[1])) : undefined;
    if (!numbered || !repo) return send(res, 404, { message: 'Not Found' });
    return numbered[2]
      ? stargazers(req, res, repo, url.pathname)
      : send(res, 200, { id: repo.id, full_name: repo.fullName });
  }

  const server = createServer((req, res) => {
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.on('close', () => inFlight--);
    res.on('finish', () => requests.push({ path: req.url!, status: res.statusCode }));
    if (delayMs === 0) route(req, res);
    else setTimeout(() => route(req, res), delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get maxInFlight() {
      return maxInFlight;
    },
    delayResponses(ms) {
      delayMs = ms;
    },
    setStargazers(fullName, logins) {
      const key = fullName.toLowerCase();
      const repo = repos.get(key) ?? { id: nextId++, fullName, stargazers: [] };
      const since = new Map(repo.stargazers.map((s) => [s.login, s.starred_at]));
      repo.stargazers = logins.map((login) => ({
        login,
        starred_at: since.get(login) ?? new Date().toISOString(),
      }));
      repos.set(key, repo);
    },
    rename(from, to) {
      const repo = repos.get(from.toLowerCase())!;
      repos.delete(from.toLowerCase());
      repo.fullName = to;
      repos.set(to.toLowerCase(), repo);
      renamed.set(from.toLowerCase(), repo.id);
    },
    limitPages(pages) {
      pageLimit = pages;
    },
    failNext(fault) {
      faults.push(fault);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
