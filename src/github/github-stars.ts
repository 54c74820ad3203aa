// Wires the GitHub star sync and webhook from the config: the octokit client, the stores, the
// poll's lease, the core use cases and the cron tick. Built by the composition root
// (src/runtime.ts).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Config } from '../config/load-config.ts';
import type { Clock } from '../core/clock.ts';
import {
  receiveStarEvent,
  type StarDelivery,
  type StarEventOutcome,
} from '../core/github/receive-star-event.ts';
import { syncGithubStars, type GithubPoll } from '../core/github/sync-github-stars.ts';
import type { CoreLogger } from '../core/ports/runtime-services.ts';
import type { StrategyStore } from '../core/ports/stores.ts';
import type { Database } from '../db/client.ts';
import { createStargazerPageStore } from '../db/github-page-store.ts';
import { createGithubStarStore } from '../db/github-star-store.ts';
import { createReservedLease, RESERVED_LEASE_KEYS } from '../db/reserved-lease.ts';
import type { Metrics } from '../metrics/metrics.ts';
import { GithubSyncTick } from '../scheduler/github-sync-tick.ts';
import { createStargazerSource } from './stargazer-client.ts';

export interface GithubStars {
  /**
   * One sync of every tracked repository (the cron tick calls it too, unless GITHUB_SYNC_CRON is
   * off); skipped (`ran: false`) while another replica polls.
   */
  sync(): Promise<GithubPoll>;
  /** The webhook's settings and use case; absent when GITHUB_WEBHOOK_SECRET is unset. */
  webhook?: { secret: string; receive(delivery: StarDelivery): Promise<StarEventOutcome> };
  start(timeZone: string): void;
  stop(): Promise<void>;
}

export function buildGithubStars(
  settings: Config['github'],
  parts: {
    /** SCAN_LEASE_MS: the poll's lease lives as long as a scan's. */
    leaseMs: number;
    database: Database;
    strategies: StrategyStore;
    clock: Clock;
    logger: CoreLogger;
    metrics: Metrics;
    /**
     * A webhook added a star: the scanner ticks now, so a `github-star` single strategy grants
     * in well under a second instead of at the next SCAN_CRON tick (bench/README.md §15).
     */
    onStarAdded?: () => void;
  },
): GithubStars {
  const stars = createGithubStarStore(parts.database);
  const source = createStargazerSource({
    token: settings.token,
    apiUrl: settings.apiUrl,
    pages: createStargazerPageStore(parts.database),
    logger: parts.logger,
    onResponse: (outcome) => parts.metrics.githubRequests.inc({ outcome }),
  });
  const deps = {
    strategies: parts.strategies,
    stars,
    source,
    configured: settings.repositories,
    clock: parts.clock,
    logger: parts.logger,
    // Its own holder per build: two runtimes in one process are two replicas.
    lease: createReservedLease(
      parts.database,
      RESERVED_LEASE_KEYS.githubStarPoll,
      `github-poll:${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      parts.leaseMs,
    ),
  };
  const tick = new GithubSyncTick(parts.logger);
  const sync = async () => {
    const poll = await syncGithubStars(deps);
    for (const result of poll.results)
      parts.metrics.githubStarChanges.inc({ source: 'poll' }, result.added + result.removed);
    return poll;
  };
  const secret = settings.webhookSecret;
  return {
    sync,
    webhook:
      secret === undefined
        ? undefined
        : {
            secret,
            receive: async (delivery) => {
              const outcome = await receiveStarEvent(
                { ...deps, maxAgeMs: settings.webhookMaxAgeMs },
                delivery,
              );
              if (!outcome.duplicate)
                parts.metrics.githubStarChanges.inc(
                  { source: 'webhook' },
                  outcome.added + outcome.removed,
                );
              if (!outcome.duplicate && outcome.added > 0) parts.onStarAdded?.();
              return outcome;
            },
          },
    start: (timeZone) => {
      if (settings.syncCron !== 'off') tick.start(settings.syncCron, timeZone, sync);
    },
    stop: () => tick.stop(),
  };
}
