// The API's resources and where each is mounted: one table that app.ts mounts at run time and
// that types the API (ApiSchema) for typed callers such as the console's client. A resource added
// here is served and typed at once; there is no second list to keep in step.
import type { Hono } from 'hono';
import type { MergeSchemaPath, Schema } from 'hono/types';
import type { UnionToIntersection } from 'hono/utils/types';
import type { ApiDeps } from './deps.ts';
import type { ApiApp, AppEnv } from './router.ts';
import { registerAuditRoutes } from './routes/audit.ts';
import { registerConditionRoutes } from './routes/conditions.ts';
import { registerConditionExplainRoutes, registerStrategyExplainRoutes } from './routes/explain.ts';
import { registerGrantRoutes } from './routes/grants.ts';
import { registerLotRoutes } from './routes/lots.ts';
import { registerCallerRoutes } from './routes/me.ts';
import { registerScheduleRoutes } from './routes/schedule.ts';
import { registerSourceRoutes } from './routes/sources.ts';
import { registerStatsRoutes } from './routes/stats.ts';
import { registerStrategyRoutes } from './routes/strategies.ts';
import { registerStrategyExecutionRoutes } from './routes/strategy-executions.ts';
import { registerHoldRoutes } from './routes/strategy-holds.ts';
import { registerPreviewRoutes } from './routes/strategy-previews.ts';
import { registerUserRoutes } from './routes/users.ts';
import { registerWebhookRoutes } from './routes/webhooks.ts';

/** In mounting order: where paths overlap, the first mounted answers. */
export const API_RESOURCES = [
  ['/api/v1/strategies', registerStrategyRoutes],
  ['/api/v1/strategies', registerStrategyExecutionRoutes],
  ['/api/v1/strategies', registerPreviewRoutes],
  ['/api/v1/strategies', registerHoldRoutes],
  ['/api/v1/users', registerUserRoutes],
  ['/api/v1', registerLotRoutes],
  ['/api/v1/grants', registerGrantRoutes],
  ['/api/v1/audit', registerAuditRoutes],
  ['/api/v1/sources', registerSourceRoutes],
  ['/api/v1/webhooks', registerWebhookRoutes],
  ['/api/v1/strategies', registerStrategyExplainRoutes],
  ['/api/v1/conditions', registerConditionRoutes],
  ['/api/v1/conditions', registerConditionExplainRoutes],
  ['/api/v1/schedule', registerScheduleRoutes],
  ['/api/v1', registerStatsRoutes],
  ['/api/v1', registerCallerRoutes],
] as const satisfies readonly (readonly [string, (deps: ApiDeps) => ApiApp])[];

type Mounted<Entry> = Entry extends readonly [infer Prefix extends string, infer Register]
  ? Register extends (deps: ApiDeps) => Hono<AppEnv, infer Routes extends Schema>
    ? MergeSchemaPath<Routes, Prefix>
    : never
  : never;

/**
 * Every operation under /api/v1 as Hono types it from the route declarations: path (Hono's
 * `:param` form) → `$get`/`$post`/… → input (param, query, json) and output per status.
 */
export type ApiSchema = UnionToIntersection<Mounted<(typeof API_RESOURCES)[number]>>;
