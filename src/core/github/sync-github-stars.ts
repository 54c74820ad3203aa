// The GitHub star poller's use case: for each tracked repository, read its stargazers from
// GitHub and make the stored stars match. A repository whose list could not be read keeps its
// stars (a half-read list would remove stars that are still there). One poll at a time across
// replicas, under a lease: a second replica polling too would spend the same rate limit again
// for the same stars.
import { allStrategies } from '../use-cases/all-strategies.ts';
import type { Clock } from '../clock.ts';
import type { GithubStarStore, RepoSyncStatus, StargazerSource } from '../ports/github.ts';
import type { ExclusiveLease } from '../ports/exclusive-lease.ts';
import type { CoreLogger } from '../ports/runtime-services.ts';
import type { StrategyStore } from '../ports/stores.ts';
import { coordinatesOf, trackedRepositories } from './tracked-repositories.ts';

export interface GithubSyncDeps {
  strategies: Pick<StrategyStore, 'list'>;
  source: StargazerSource;
  stars: GithubStarStore;
  /** GITHUB_REPOSITORIES */
  configured: readonly string[];
  clock: Clock;
  logger: CoreLogger;
  lease: ExclusiveLease;
}

export interface RepoSyncResult extends RepoSyncStatus {
  added: number;
  removed: number;
  /** False when GitHub listed only part of the stargazers: stars were added, none removed. */
  complete: boolean;
}

export interface GithubPoll {
  /** False when another replica (or this one) was polling: nothing was read or written. */
  ran: boolean;
  /** False when the lease was lost midway: the repositories after it were left for the next poll. */
  finished: boolean;
  results: RepoSyncResult[];
}

export async function syncGithubStars(deps: GithubSyncDeps): Promise<GithubPoll> {
  if (!(await deps.lease.acquire())) {
    deps.logger.info('GitHub stargazer sync skipped: another replica is polling');
    return { ran: false, finished: false, results: [] };
  }
  try {
    return await pollHoldingLease(deps);
  } finally {
    await deps.lease.release().catch((error: unknown) =>
      deps.logger.warn('GitHub poll lease release failed', {
        error: error instanceof Error ? error.message : String(error),
      }),
    );
  }
}

async function pollHoldingLease(deps: GithubSyncDeps): Promise<GithubPoll> {
  const conditions: string[] = [];
  for await (const strategy of allStrategies(deps.strategies, { enabled: true }))
    conditions.push(strategy.condition);
  const results: RepoSyncResult[] = [];
  for (const repo of trackedRepositories(conditions, deps.configured)) {
    const result = await syncRepository(deps, repo);
    if (result === 'lease_lost') {
      deps.logger.warn('GitHub poll lease lost: stopped before writing', { repo });
      return { ran: true, finished: false, results };
    }
    results.push(result);
  }
  return { ran: true, finished: true, results };
}

async function syncRepository(
  deps: GithubSyncDeps,
  repo: string,
): Promise<RepoSyncResult | 'lease_lost'> {
  if (!(await deps.lease.renew())) return 'lease_lost';
  const startedAt = deps.clock.now();
  const empty = {
    stargazers: 0,
    matched: 0,
    requests: 0,
    notModified: 0,
    added: 0,
    removed: 0,
    complete: false,
  };
  let result: RepoSyncResult;
  const coordinates = coordinatesOf(repo);
  if (coordinates === null) {
    const lastError = 'not a GitHub repository name (owner/name or owner.name)';
    result = { repo, renamedTo: null, startedAt, finishedAt: startedAt, lastError, ...empty };
  } else {
    try {
      const list = await deps.source.list(repo, coordinates);
      // A list can take longer than the lease (GitHub's rate limits are waited out): a replica
      // that took the lease over meanwhile writes fresher stars, and these must not follow.
      if (!(await deps.lease.renew())) return 'lease_lost';
      const change = await deps.stars.setStargazers(repo, list.logins, {
        removeMissing: list.complete,
      });
      result = {
        repo,
        renamedTo: list.renamedTo,
        startedAt,
        finishedAt: deps.clock.now(),
        stargazers: list.logins.length,
        requests: list.requests,
        notModified: list.notModified,
        lastError: null,
        complete: list.complete,
        ...change,
      };
    } catch (error) {
      const lastError = error instanceof Error ? error.message : String(error);
      result = {
        repo,
        renamedTo: null,
        startedAt,
        finishedAt: deps.clock.now(),
        lastError,
        ...empty,
      };
    }
  }
  await deps.stars.recordSync(result);
  logResult(deps.logger, result);
  return result;
}

function logResult(logger: CoreLogger, result: RepoSyncResult): void {
  const fields = {
    repo: result.repo,
    stargazers: result.stargazers,
    matched: result.matched,
    added: result.added,
    removed: result.removed,
    requests: result.requests,
    not_modified: result.notModified,
  };
  if (result.lastError !== null)
    logger.warn('GitHub stargazer sync failed; stars kept', { ...fields, error: result.lastError });
  else if (!result.complete)
    logger.warn('GitHub lists only part of the stargazers: stars added, none removed', fields);
  else if (result.renamedTo !== null)
    logger.warn('GitHub repository was renamed: update the conditions that name it', {
      ...fields,
      renamed_to: result.renamedTo,
    });
  else logger.info('GitHub stargazers synced', fields);
}
