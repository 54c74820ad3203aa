// The JSON shapes of the API's answers as TypeScript types, read off the serializers that write
// them (whose output the OpenAPI tests check against the schemas), so a typed client (the
// console) cannot drift from the server.
import type { githubRepoSyncJson } from './schemas/github-repos.ts';
import type { sourceJson } from './schemas/sources.ts';
import type { explanationJson } from './serialize-explain.ts';
import type {
  auditEventJson,
  callerJson,
  gatewayBalanceJson,
  heldJson,
  ledgerEntryJson,
  lotJson,
  periodTotalsJson,
  previewJson,
  schedulePreviewJson,
  strategyJson,
  strategyStatsJson,
  userJson,
} from './serialize.ts';

export type { ExplainNodeJson } from './serialize-explain.ts';
export type StrategyJson = ReturnType<typeof strategyJson>;
export type LedgerEntryJson = ReturnType<typeof ledgerEntryJson>;
export type LedgerStatus = LedgerEntryJson['status'];
export type UserJson = ReturnType<typeof userJson>;
export type GatewayBalanceJson = ReturnType<typeof gatewayBalanceJson>;
export type GrantStatsJson = ReturnType<typeof periodTotalsJson>;
export type StrategyStatsJson = ReturnType<typeof strategyStatsJson>;
export type FireTimeJson = StrategyStatsJson['next_occurrences'][number];
export type HeldJson = NonNullable<ReturnType<typeof heldJson>>;
export type PreviewJson = ReturnType<typeof previewJson>;
export type ExplanationJson = ReturnType<typeof explanationJson>;
export type AuditEventJson = ReturnType<typeof auditEventJson>;
export type LotJson = ReturnType<typeof lotJson>;
export type SourceJson = ReturnType<typeof sourceJson>;
export type GithubRepoSyncJson = ReturnType<typeof githubRepoSyncJson>;

/** A list answer: `{ items, total }` (listOf) or `{ items, next_cursor }` (cursorPageOf). */
export interface PageJson<T> {
  items: T[];
  total?: number;
  next_cursor?: string | null;
}
export type CallerJson = ReturnType<typeof callerJson>;
export type SchedulePreviewJson = ReturnType<typeof schedulePreviewJson>;
