// A GitHub `star` webhook delivery (its signature already checked by the HTTP layer): the
// user's star is added or removed at once, so a single strategy on github-star(...) grants at
// the next scan instead of after the next poll.
import { AppError } from '../errors.ts';
import { allStrategies } from '../use-cases/all-strategies.ts';
import type { Clock } from '../clock.ts';
import type { GithubStarStore, StarChange } from '../ports/github.ts';
import type { StrategyStore } from '../ports/stores.ts';
import { trackedRepositories } from './tracked-repositories.ts';

export interface StarDelivery {
  deliveryId: string;
  action: 'created' | 'deleted';
  /** The stargazer (payload `sender.login`). */
  login: string;
  /** payload `repository.full_name` */
  fullName: string;
  /** payload `starred_at`: set for `created`, null for `deleted`. */
  starredAt: string | null;
}

export interface StarEventDeps {
  strategies: Pick<StrategyStore, 'list'>;
  stars: Pick<GithubStarStore, 'applyStarEvent' | 'syncStatuses'>;
  configured: readonly string[];
  clock: Clock;
  /** GITHUB_WEBHOOK_MAX_AGE_MS */
  maxAgeMs: number;
}

export type StarEventOutcome =
  { duplicate: true } | ({ duplicate: false; repos: string[] } & StarChange);

export async function receiveStarEvent(
  deps: StarEventDeps,
  delivery: StarDelivery,
): Promise<StarEventOutcome> {
  const now = deps.clock.now();
  // A `deleted` delivery carries no time: only `created` ones can be told stale. An old
  // `created` replayed after an unstar would bring the star back until the next poll.
  if (delivery.starredAt !== null) {
    const age = now.getTime() - Date.parse(delivery.starredAt);
    if (!(age <= deps.maxAgeMs)) {
      throw new AppError(
        'stale_delivery',
        `the star was made at ${delivery.starredAt}, more than ${deps.maxAgeMs} ms ago (GITHUB_WEBHOOK_MAX_AGE_MS); the poller will pick it up`,
      );
    }
  }
  const repos = await storedNames(deps, delivery.fullName);
  const outcome = await deps.stars.applyStarEvent({
    deliveryId: delivery.deliveryId,
    login: delivery.login,
    repos,
    starred: delivery.action === 'created',
    receivedAt: now,
  });
  return outcome === 'duplicate' ? { duplicate: true } : { duplicate: false, repos, ...outcome };
}

/**
 * The names the star is stored under: each tracked name that is GitHub's full name, compared
 * case-insensitively as GitHub does (also in the `owner.name` form, and the name a renamed
 * repository had before); the full name itself when none is tracked, so a strategy created
 * later finds it.
 */
async function storedNames(deps: StarEventDeps, fullName: string): Promise<string[]> {
  const conditions: string[] = [];
  for await (const strategy of allStrategies(deps.strategies, { enabled: true }))
    conditions.push(strategy.condition);
  const wanted = fullName.toLowerCase();
  const renamed = new Map(
    (await deps.stars.syncStatuses())
      .filter((status) => status.renamedTo !== null)
      .map((status) => [status.repo, status.renamedTo!.toLowerCase()]),
  );
  const names = trackedRepositories(conditions, deps.configured).filter((repo) => {
    const slashed = repo.replace(/^([^/.]+)\./, '$1/').toLowerCase();
    return slashed === wanted || renamed.get(repo) === wanted;
  });
  return names.length > 0 ? names : [fullName];
}
