// The wire shape of the GitHub repositories' sync state (GET /api/v1/sources/github) and its
// serializer: one row of github_repo_sync per repository the star poller has synced.
import { z } from '@hono/zod-openapi';
import type { RepoSyncStatus } from '../../core/ports/github.ts';

export const GithubRepoSyncSchema = z
  .object({
    repo: z.string().openapi({
      description: 'The repository as the conditions name it (stars are stored under it)',
      example: 'zgsm-ai/zgsm',
    }),
    renamed_to: z.string().nullable().openapi({
      description: 'GitHub’s current name when it redirected the last sync (renamed)',
      example: null,
    }),
    started_at: z
      .string()
      .openapi({ description: 'When the last sync began', example: '2026-06-01T08:00:00.000Z' }),
    finished_at: z
      .string()
      .openapi({ description: 'When it ended', example: '2026-06-01T08:00:04.000Z' }),
    stargazers: z
      .number()
      .int()
      .openapi({ description: 'Stargazers GitHub listed (0 when it failed)', example: 1234 }),
    matched: z
      .number()
      .int()
      .openapi({ description: 'Of those, users here (by github_username)', example: 310 }),
    requests: z
      .number()
      .int()
      .openapi({ description: 'Requests sent to GitHub, retries included', example: 13 }),
    not_modified: z
      .number()
      .int()
      .openapi({ description: 'Of those, answered 304 (not counted by GitHub)', example: 13 }),
    last_error: z.string().nullable().openapi({
      description: 'Why the last sync failed (the stars were kept); null when it did not',
      example: null,
    }),
  })
  .openapi('GithubRepoSync');

export const GithubRepoSyncListSchema = z
  .object({
    items: z
      .array(GithubRepoSyncSchema)
      .openapi({ description: 'Every repository synced so far, by name' }),
    total: z.number().int().openapi({ description: 'How many there are', example: 1 }),
  })
  .openapi('GithubRepoSyncList');

export const githubRepoSyncJson = (status: RepoSyncStatus) => ({
  repo: status.repo,
  renamed_to: status.renamedTo,
  started_at: status.startedAt.toISOString(),
  finished_at: status.finishedAt.toISOString(),
  stargazers: status.stargazers,
  matched: status.matched,
  requests: status.requests,
  not_modified: status.notModified,
  last_error: status.lastError,
});
