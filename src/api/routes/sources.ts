// /api/v1/sources — where users come from: the user source's status, and starting a sync;
// the GitHub repositories' star sync state. The sync runs in the background: 202 once it has
// the lease, 409 while another run has it.
import { createRoute } from '@hono/zod-openapi';
import { actingApp, type ApiDeps } from '../deps.ts';
import { body, json } from '../route-helpers.ts';
import { newRouter } from '../router.ts';
import { problemResponses, routeProblem } from '../../contract/schemas.ts';
import {
  SourceListSchema,
  sourceJson,
  UserSyncRequestSchema,
  UserSyncStartedSchema,
} from '../../contract/schemas/sources.ts';
import {
  GithubRepoSyncListSchema,
  githubRepoSyncJson,
} from '../../contract/schemas/github-repos.ts';

const list = createRoute({
  method: 'get',
  path: '/',
  operationId: 'listSources',
  tags: ['sources'],
  summary: 'The user source: last run (counts, refused rows by reason), cursor, lag, errors',
  responses: {
    200: json(SourceListSchema, 'The configured sources (none without USER_SOURCE_URL)'),
    ...problemResponses,
  },
});

const github = createRoute({
  method: 'get',
  path: '/github',
  operationId: 'listGithubRepoSyncs',
  tags: ['sources'],
  summary: 'The GitHub repositories the star poller synced: last sync, stargazers, requests, error',
  responses: {
    200: json(GithubRepoSyncListSchema, 'Every repository synced so far (none before the first)'),
    ...problemResponses,
  },
});

const sync = createRoute({
  method: 'post',
  path: '/users/sync',
  operationId: 'syncUsers',
  tags: ['sources'],
  summary: 'Start a user sync now (in the background); `full` reads every row',
  request: body(
    UserSyncRequestSchema,
    {
      incremental: { summary: 'Rows past the cursor', value: {} },
      full: { summary: 'Every row, vanished users too', value: { full: true } },
    },
    false,
  ),
  responses: {
    202: json(UserSyncStartedSchema, 'The run started; GET /api/v1/sources shows it'),
    ...problemResponses,
    404: routeProblem('No user source is configured', {
      not_found: {
        code: 'not_found',
        detail: 'no user source is configured (set USER_SOURCE_URL)',
      },
    }),
    409: routeProblem('A user sync is running (here or on another replica: the lease)', {
      conflict: {
        code: 'conflict',
        detail: 'a user sync is already running (here or on another replica)',
      },
    }),
  },
});

export function registerSourceRoutes(deps: ApiDeps) {
  return newRouter()
    .openapi(list, async (c) => {
      const sources = await actingApp(deps, c).listSources();
      return c.json({ items: sources.map(sourceJson), total: sources.length }, 200);
    })
    .openapi(github, async (c) => {
      const repos = await actingApp(deps, c).listGithubRepoSyncs();
      return c.json({ items: repos.map(githubRepoSyncJson), total: repos.length }, 200);
    })
    .openapi(sync, async (c) => {
      const request = await readSyncBody(c);
      const started = await actingApp(deps, c).startUserSync({ full: request.full });
      // The run reports its own outcome (status, log, metrics); nobody awaits it here.
      started.done.catch((error: unknown) =>
        deps.logger.error('user sync failed', {
          error: error instanceof Error ? error.message : String(error),
        }),
      );
      return c.json({ status: 'started' as const, full: request.full === true }, 202);
    });
}

/** The body is optional: none means an ordinary (scheduled-like) run. */
function readSyncBody(c: { req: { valid(target: 'json'): unknown } }): Promise<{ full?: boolean }> {
  try {
    return Promise.resolve((c.req.valid('json') as { full?: boolean } | undefined) ?? {});
  } catch {
    return Promise.resolve({});
  }
}
