// The console's names for the API's answers, each read off an operation's declared answer
// (ApiSchema, through api-operations.ts's GetAnswer/PostAnswer): when a route's schema changes, every
// view that shows it sees the change at compile time. No shape is written out here.
import type { GetAnswer, PostAnswer } from './api-operations.ts';

export type StrategyJson = GetAnswer<'/api/v1/strategies/:id'>;
export type StrategyPageJson = GetAnswer<'/api/v1/strategies'>;
export type LedgerPageJson = GetAnswer<'/api/v1/strategies/:id/executions'>;
export type LedgerEntryJson = LedgerPageJson['items'][number];
export type LedgerStatus = LedgerEntryJson['status'];
export type UserJson = GetAnswer<'/api/v1/users'>['items'][number];
export type UserWithGrantsJson = GetAnswer<'/api/v1/users/:id'>;
export type GatewayBalanceJson = GetAnswer<'/api/v1/users/:id/balance'>;
export type GrantStatsJson = GetAnswer<'/api/v1/stats'>;
export type StrategyStatsJson = GetAnswer<'/api/v1/strategies/:id/stats'>;
export type FireTimeJson = StrategyStatsJson['next_occurrences'][number];
export type HeldJson = NonNullable<PostAnswer<'/api/v1/strategies/:id/run'>['held']>;
export type PreviewJson = PostAnswer<'/api/v1/strategies/:id/preview'>;
export type ExplanationJson = GetAnswer<'/api/v1/strategies/:id/explain/:user_id'>;
export type AuditEventJson = GetAnswer<'/api/v1/audit'>['items'][number];
export type LotJson = GetAnswer<'/api/v1/users/:id/lots'>['items'][number];
export type SourcePageJson = GetAnswer<'/api/v1/sources'>;
export type SourceJson = SourcePageJson['items'][number];
export type GithubRepoSyncPageJson = GetAnswer<'/api/v1/sources/github'>;
export type GithubRepoSyncJson = GithubRepoSyncPageJson['items'][number];
export type CallerJson = GetAnswer<'/api/v1/me'>;
export type SchedulePreviewJson = GetAnswer<'/api/v1/schedule/preview'>;
export type WebhookJson = GetAnswer<'/api/v1/webhooks/:id'>;
export type DeliveryJson = GetAnswer<'/api/v1/webhooks/:id/deliveries'>['items'][number];
