// The wire schema of each event type's `data`, with an example envelope per type: the OpenAPI
// document's `webhooks` (one per type, the body a receiver gets) and docs/events.md are made
// from these. A Record over the catalogue, so a new type in core/model/domain-event.ts does not
// compile until it has both.
import { z } from '@hono/zod-openapi';
import type { EventType } from '../../core/model/domain-event.ts';

/** The catalogue, for the console (which reads the core only through contract/). */
export { EVENT_TYPES } from '../../core/model/domain-event.ts';

const id = (description: string) => z.number().int().positive().openapi({ description });
const text = (description: string) => z.string().openapi({ description });
const count = (description: string) => z.number().int().nonnegative().openapi({ description });
const money = (description: string) => z.number().openapi({ description });
const occurrence = text('The occurrence: its fire time (RFC 3339) or `once`');
const strategyId = id('The strategy');
const actor = text('The token name that made the change (`system` for the daemon itself)');

const strategyChange = z.object({
  strategy_id: strategyId,
  actor,
  changes: z
    .record(z.string(), z.unknown())
    .openapi({ description: 'What changed, as in the audit row: `{field: {before, after}}`' }),
});

const grant = {
  grant_id: id('The ledger row (GET /api/v1/grants/{id})'),
  strategy_id: strategyId,
  occurrence,
  user_id: text('The user granted'),
  amount: money('The amount of the grant'),
};

const gateway = z.object({
  state: z
    .enum(['open', 'closed'])
    .openapi({ description: 'The circuit breaker: `open` (grants paused) or `closed`' }),
});

export const EVENT_DATA_SCHEMAS: Record<EventType, z.ZodObject> = {
  'occurrence.completed': z.object({
    strategy_id: strategyId,
    strategy_name: text('The strategy name'),
    occurrence,
    granted: count('Users granted in this run'),
    granted_amount: money('The amount granted in this run'),
    failed: count('Grants that failed for good in this run'),
    unknown: count('Grants whose outcome is unknown (a person settles them)'),
  }),
  'occurrence.held': z.object({
    strategy_id: strategyId,
    strategy_name: text('The strategy name'),
    occurrence,
    needed_users: count('Users the occurrence would grant'),
    needed_amount: money('The amount it would grant'),
    max_users_per_occurrence: count('The cap on users it exceeds').nullable(),
    max_amount_per_occurrence: money('The cap on the amount it exceeds').nullable(),
  }),
  'occurrence.approved': z.object({
    strategy_id: strategyId,
    occurrence: occurrence.nullable(),
    approved_users: count('Users the approval allows').nullable(),
    approved_amount: money('The amount the approval allows').nullable(),
    actor,
  }),
  'grant.unknown': z.object({
    ...grant,
    last_error: text('Why the outcome is unknown').nullable(),
  }),
  'grant.applied': z.object({
    ...grant,
    delta_sent: money('The delta sent to the gateway (differs from amount for top_up/reset)'),
  }),
  'strategy.created': strategyChange,
  'strategy.updated': strategyChange,
  'strategy.enabled': strategyChange,
  'strategy.disabled': strategyChange,
  'strategy.deleted': strategyChange,
  'scan.failed': z.object({
    strategy_id: strategyId,
    occurrence: occurrence.nullable(),
    error: text('Why the strategy run failed'),
  }),
  'gateway.unavailable': gateway,
  'gateway.recovered': gateway,
  'user_source.failed': z.object({
    error: text('Why the sync failed'),
    full: z.boolean().openapi({ description: 'Whether it was a full run' }),
    rows_read: count('Source rows read before it failed'),
    started_at: text('When the run started (RFC 3339)'),
  }),
  'webhook.disabled': z.object({
    endpoint_id: id('The endpoint disabled'),
    failing_for_ms: count('WEBHOOK_DISABLE_AFTER_MS: how long every delivery had failed'),
    last_error: text('The last attempt’s failure'),
  }),
  'webhook.test': z.object({
    endpoint_id: id('The endpoint tested'),
    message: text('A fixed text'),
    actor,
  }),
};

const at = '2026-12-07T02:00:00.000Z';
const admin = 'ops-admin';

/** The `data` of an example envelope per type, as the daemon writes it. */
export const EVENT_DATA_EXAMPLES: Record<EventType, Record<string, unknown>> = {
  'occurrence.completed': {
    strategy_id: 7,
    strategy_name: 'nightly-vip',
    occurrence: at,
    granted: 1198,
    granted_amount: 11980,
    failed: 0,
    unknown: 2,
  },
  'occurrence.held': {
    strategy_id: 7,
    strategy_name: 'nightly-vip',
    occurrence: at,
    needed_users: 1200,
    needed_amount: 12000,
    max_users_per_occurrence: 1000,
    max_amount_per_occurrence: null,
  },
  'occurrence.approved': {
    strategy_id: 7,
    occurrence: at,
    approved_users: 1200,
    approved_amount: 12000,
    actor: admin,
  },
  'grant.unknown': {
    grant_id: 90211,
    strategy_id: 7,
    occurrence: at,
    user_id: 'user001',
    amount: 10,
    last_error: 'gateway did not answer within 5000 ms',
  },
  'grant.applied': {
    grant_id: 90212,
    strategy_id: 7,
    occurrence: at,
    user_id: 'user002',
    amount: 10,
    delta_sent: 10,
  },
  'strategy.created': {
    strategy_id: 7,
    actor: admin,
    changes: { after: { name: 'nightly-vip', amount: 10 } },
  },
  'strategy.updated': {
    strategy_id: 7,
    actor: admin,
    changes: { amount: { before: 10, after: 20 } },
  },
  'strategy.enabled': {
    strategy_id: 7,
    actor: admin,
    changes: { enabled: { before: false, after: true } },
  },
  'strategy.disabled': {
    strategy_id: 7,
    actor: admin,
    changes: { enabled: { before: true, after: false } },
  },
  'strategy.deleted': { strategy_id: 7, actor: admin, changes: {} },
  'scan.failed': {
    strategy_id: 7,
    occurrence: at,
    error: 'users table not readable: connection reset',
  },
  'gateway.unavailable': { state: 'open' },
  'gateway.recovered': { state: 'closed' },
  'user_source.failed': {
    error: 'connect ECONNREFUSED 10.0.0.5:5432',
    full: false,
    rows_read: 0,
    started_at: '2026-12-07T01:59:58.000Z',
  },
  'webhook.disabled': {
    endpoint_id: 3,
    failing_for_ms: 432000000,
    last_error: 'answered 503',
  },
  'webhook.test': { endpoint_id: 3, message: 'a test event from quota-manager', actor: admin },
};

export const eventExample = (type: EventType) => ({
  type,
  timestamp: at,
  data: EVENT_DATA_EXAMPLES[type],
});

/** The body a receiver gets for `type`: the envelope with that type's data. */
export const eventEnvelopeSchema = (type: EventType) =>
  z.object({
    type: z.literal(type).openapi({ description: 'The event type (docs/events.md)' }),
    timestamp: text('When it happened, RFC 3339 in UTC'),
    data: EVENT_DATA_SCHEMAS[type].openapi({ description: `The facts of ${type}` }),
  });
