// Everything the use cases may use, built once by the composition root (src/runtime.ts).
// A new use case takes `CoreDeps` (or a Pick of it) and is listed in application.ts.
import type { Clock } from '../clock.ts';
import type { Actor } from '../model/audit.ts';
import type { RequestScope } from '../model/request-scope.ts';
import type { CoreLogger, ScanSerializer } from '../ports/runtime-services.ts';
import type {
  AuditStore,
  LedgerStore,
  StatsStore,
  StrategyStore,
  UserStore,
} from '../ports/stores.ts';
import type { GithubStarStore } from '../ports/github.ts';
import type { RunDeps } from '../scan/run-deps.ts';
import type { UserSourceService } from './user-sources.ts';

export interface CoreDeps {
  strategies: StrategyStore;
  ledger: LedgerStore;
  users: UserStore;
  stats: StatsStore;
  audit: AuditStore;
  /** Who the use cases act for: audit rows name them (the API binds each request's token). */
  actor: Actor;
  /** What scans, runs and previews need (store, gateway, lease settings…). */
  scan: RunDeps;
  /** One scan or run at a time in this process (the scheduler's queue). */
  serializer: ScanSerializer;
  clock: Clock;
  logger: CoreLogger;
  /** The configured zone (QM_TIMEZONE): strategies without one, and "today" in statistics. */
  defaultTimeZone: string;
  /** The request the use cases answer (API): when it ends, and what its caller may read. */
  scope?: RequestScope;
  /** The operator's user database (USER_SOURCE_URL); absent when none is configured. */
  userSource?: UserSourceService;
  /** The GitHub star poller's record of each repository's last sync. */
  githubRepos: Pick<GithubStarStore, 'syncStatuses'>;
}
