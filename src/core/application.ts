// The application layer's table of contents: every use case, bound to its dependencies. The
// API, the CLI and the scheduler call these and nothing below them. A new use case is a file in
// use-cases/ plus one line here. `as(actor)` is the same application acting for someone else:
// the API binds each request's token name (and request id), the CLI "cli", the daemon "system",
// and every change they make is audited under that name.
import { expiringLots, expiryLedger, userLots } from './use-cases/lots.ts';
import type { Resolution } from './model/ledger-entry.ts';
import type { Actor } from './model/audit.ts';
import type { RequestScope } from './model/request-scope.ts';
import type {
  Strategy,
  StrategyInput,
  StrategyPatch,
  StrategyReplacement,
} from './model/strategy.ts';
import type { IfMatch } from './model/strategy-tag.ts';
import type { UserUpsert } from './model/user.ts';
import type { AuditFilter, GrantFilter, StrategyListFilter, UserSearch } from './ports/stores.ts';
import { allStrategies, findStrategy } from './use-cases/all-strategies.ts';
import { auditTrail } from './use-cases/audit-trail.ts';
import { createStrategy } from './use-cases/create-strategy.ts';
import type { CoreDeps } from './use-cases/deps.ts';
import { grantStats, strategyStats } from './use-cases/grant-stats.ts';
import {
  listGrants,
  resolveLedgerEntry,
  strategyLedger,
  userLedger,
  type PageQuery,
} from './use-cases/ledger.ts';
import {
  deleteStrategy,
  getStrategy,
  listStrategies,
  setStrategyEnabled,
} from './use-cases/manage-strategy.ts';
import {
  deleteUser,
  getUser,
  importUserBatch,
  recordUsersImport,
  searchUsers,
  upsertUser,
  upsertUsers,
} from './use-cases/manage-users.ts';
import { gatewayBalance } from './use-cases/gateway-balance.ts';
import { pruneLedgerAudited, type PruneOptions } from './use-cases/prune-ledger.ts';
import { approveOccurrence } from './use-cases/approve-occurrence.ts';
import { approveAllHeld, dismissOccurrence } from './use-cases/manage-holds.ts';
import {
  previewStrategy,
  previewUsers,
  streamPreviewUsers,
  type PreviewTarget,
} from './use-cases/preview-strategy.ts';
import { runStrategyNow, scanNow } from './use-cases/run-strategies.ts';
import { explainCondition, explainUser } from './use-cases/explain-user.ts';
import { previewSchedule, type ScheduleQuestion } from './use-cases/preview-schedule.ts';
import { patchStrategy, replaceStrategy } from './use-cases/update-strategy.ts';
import { listSources, startUserSync } from './use-cases/user-sources.ts';
import { listGithubRepoSyncs } from './use-cases/github-repo-syncs.ts';
import type { UserSyncRequest } from './user-source/sync-users.ts';
import type { DeliveryStatus, WebhookInput, WebhookPatch } from './model/webhook.ts';
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listWebhooks,
  retryWebhookDelivery,
  rotateWebhookSecret,
  sendTestEvent,
  updateWebhook,
  webhookDeliveries,
} from './use-cases/manage-webhooks.ts';

export function createApplication(deps: CoreDeps): Application {
  return {
    ...useCases(deps),
    as: (actor: Actor, scope?: RequestScope) => createApplication({ ...deps, actor, scope }),
  };
}

function useCases(deps: CoreDeps) {
  return {
    /** Who this application acts for. */
    actor: deps.actor,
    ...strategyUseCases(deps),
    ...ledgerAndUserUseCases(deps),
    ...webhookUseCases(deps),
  };
}

function strategyUseCases(deps: CoreDeps) {
  return {
    // Strategies
    createStrategy: (input: StrategyInput) => createStrategy(deps, input),
    replaceStrategy: (id: number, input: StrategyReplacement, ifMatch?: IfMatch) =>
      replaceStrategy(deps, id, input, ifMatch),
    patchStrategy: (id: number, patch: StrategyPatch, ifMatch?: IfMatch) =>
      patchStrategy(deps, id, patch, ifMatch),
    getStrategy: (id: number) => getStrategy(deps, id),
    findStrategy: (idOrName: string) => findStrategy(deps.strategies, idOrName),
    listStrategies: (filter: StrategyListFilter) => listStrategies(deps, filter),
    allStrategies: (filter: { enabled?: boolean } = {}) => allStrategies(deps.strategies, filter),
    setStrategyEnabled: (id: number, enabled: boolean) => setStrategyEnabled(deps, id, enabled),
    deleteStrategy: (id: number) => deleteStrategy(deps, id),
    // Scans, runs, previews
    scanNow: () => scanNow(deps),
    runStrategyNow: (strategy: Strategy, occurrence?: Date) =>
      runStrategyNow(deps, strategy, occurrence),
    previewStrategy: (strategy: Strategy, target?: PreviewTarget) =>
      previewStrategy(deps, strategy, target),
    previewUsers: (
      strategy: Strategy,
      query: { target?: PreviewTarget; cursor: string | null; limit: number },
    ) => previewUsers(deps, strategy, query),
    streamPreviewUsers: (strategy: Strategy, target?: PreviewTarget) =>
      streamPreviewUsers(deps, strategy, target),
    approveOccurrence: (strategy: Strategy, occurrence: string, ifMatch?: IfMatch) =>
      approveOccurrence(deps, strategy, occurrence, ifMatch),
    approveAllHeld: (strategy: Strategy, ifMatch?: IfMatch) =>
      approveAllHeld(deps, strategy, ifMatch),
    dismissOccurrence: (strategy: Strategy, occurrence: string, ifMatch?: IfMatch) =>
      dismissOccurrence(deps, strategy, occurrence, ifMatch),
    // A schedule not saved yet: its next fire times (zone: the configured default when absent)
    previewSchedule: (question: Omit<ScheduleQuestion, 'timeZone'> & { timeZone?: string }) =>
      previewSchedule(
        { ...question, timeZone: question.timeZone ?? deps.defaultTimeZone },
        deps.clock.now(),
      ),
    // Explain
    explainUser: (strategy: Strategy, userId: string, target?: PreviewTarget) =>
      explainUser(deps, strategy, userId, target),
    explainCondition: (condition: string, userId: string) =>
      explainCondition(deps, condition, userId),
  };
}

function ledgerAndUserUseCases(deps: CoreDeps) {
  return {
    // The ledger
    strategyLedger: (id: number, query: PageQuery & { userId?: string }) =>
      strategyLedger(deps, id, query),
    userLedger: (userId: string, query: PageQuery) => userLedger(deps, userId, query),
    listGrants: (filter: GrantFilter) => listGrants(deps, filter),
    resolveLedgerEntry: (strategyId: number, id: number, resolution: Resolution) =>
      resolveLedgerEntry(deps, strategyId, id, resolution),
    pruneLedger: (options: Pick<PruneOptions, 'before' | 'dryRun' | 'onStart' | 'onProgress'>) =>
      pruneLedgerAudited(deps, {
        ...options,
        ledger: deps.ledger,
        strategies: deps.strategies,
        clock: deps.clock,
      }),
    // Users
    upsertUser: (user: UserUpsert) => upsertUser(deps, user),
    upsertUsers: (users: UserUpsert[]) => upsertUsers(deps, users),
    importUserBatch: (users: UserUpsert[]) => importUserBatch(deps, users),
    getUser: (id: string, grants: number) => getUser(deps, id, grants),
    userLots: (id: string, page: { afterId: number; limit: number }) => userLots(deps, id, page),
    expiringLots: (within: string, page: { afterId: number; limit: number }) =>
      expiringLots(deps, within, page),
    expiryLedger: (query: PageQuery & { userId?: string }) => expiryLedger(deps, query),
    deleteUser: (id: string) => deleteUser(deps, id),
    searchUsers: (filter: UserSearch) => searchUsers(deps, filter),
    gatewayBalance: (userId: string) => gatewayBalance(deps, userId),
    recordUsersImport: (counts: Record<string, number | string>) => recordUsersImport(deps, counts),
    // User sources
    listSources: () => listSources(deps),
    startUserSync: (request: UserSyncRequest) => startUserSync(deps, request),
    listGithubRepoSyncs: () => listGithubRepoSyncs(deps),
    // The audit trail
    auditTrail: (filter: AuditFilter) => auditTrail(deps, filter),
    // Statistics
    grantStats: () => grantStats(deps),
    strategyStats: (id: number, options: { next: number; last: number }) =>
      strategyStats(deps, id, options),
  };
}

function webhookUseCases(deps: CoreDeps) {
  return {
    listWebhooks: (page: { afterId: number; limit: number }) => listWebhooks(deps, page),
    getWebhook: (id: number) => getWebhook(deps, id),
    createWebhook: (input: WebhookInput) => createWebhook(deps, input),
    updateWebhook: (id: number, patch: WebhookPatch) => updateWebhook(deps, id, patch),
    deleteWebhook: (id: number) => deleteWebhook(deps, id),
    rotateWebhookSecret: (id: number) => rotateWebhookSecret(deps, id),
    webhookDeliveries: (
      id: number,
      filter: { status?: DeliveryStatus; beforeId?: number; limit: number },
    ) => webhookDeliveries(deps, id, filter),
    retryWebhookDelivery: (id: number, deliveryId: number) =>
      retryWebhookDelivery(deps, id, deliveryId),
    sendTestEvent: (id: number) => sendTestEvent(deps, id),
  };
}

/** What the API, the CLI and the scheduler see of the core. */
export type Application = ReturnType<typeof useCases> & {
  /** The same use cases acting for `actor` (audit rows name it), for one request's `scope`. */
  as(actor: Actor, scope?: RequestScope): Application;
};
