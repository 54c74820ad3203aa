// The strategy field table: every field an operator sets on a strategy, declared once. The
// core's types (Strategy, StrategyInput, …), its defaults and patch merge (strategy.ts), what
// makes a new version (strategy-version.ts), the database row mapper (db/row-mappers.ts), the
// request and response schemas, body mappers and serializer (contract/strategy-wire.ts) and the
// console's form and field list (console/pages/strategy-form-*) are all read off this table.
//
// HOW TO ADD A FIELD (say `note`, an optional text):
//   1. one entry below, in the place the console form should show it: `wire` (its snake_case
//      JSON name), `kind` and its limits, `nullable`, `required` or `default`, `newVersion`
//      (does changing it change who/what/when/how is granted?), `label`, `description`,
//      `example`;
//   2. the column in the three Prisma schemas (prisma/schema.prisma, prisma/sqlite/,
//      prisma/mysql/), with the same name as the key here, and a migration in each of the three
//      migration trees; regenerate the clients (npx tsx scripts/db-generate.ts).
//   Cross-field rules (e.g. "only for periodic") go in use-cases/strategy-rules.ts; a kind the
//   table does not know yet needs its case in the few `switch (spec.kind)` that read it.
//   test/api/strategy-field-table.test.ts fails if a place forgets a field.
import { GRANT_MODES } from '../grant-mode.ts';
import { LOT_STRATEGY_FIELDS } from './lot-strategy-fields.ts';
import type { FieldSpec } from './strategy-field-spec.ts';

export type { FieldSpec, FieldValue } from './strategy-field-spec.ts';

/** A strategy's budget caps hold an occurrence until raised or approved (scan/budget-check.ts). */
const HELD =
  'is held — nothing granted — until the cap is raised or the occurrence approved (already granted included)';

export const STRATEGY_FIELDS = {
  name: {
    wire: 'name',
    kind: 'text',
    maxLength: 100,
    trimmed: true,
    label: 'Name',
    hint: 'unique',
    description:
      'Unique, stable handle (the CLI names strategies by it); a duplicate answers 409 conflict',
    example: 'daily-star-reward',
    nullable: false,
    required: true,
    newVersion: false,
  },
  title: {
    wire: 'title',
    kind: 'text',
    maxLength: 200,
    trimmed: true,
    label: 'Title',
    description: 'Human description shown in lists',
    example: 'Daily reward for stargazers',
    nullable: false,
    required: true,
    newVersion: false,
  },
  type: {
    wire: 'type',
    kind: 'enum',
    values: ['single', 'periodic'],
    valueLabels: { single: 'single (one occurrence)', periodic: 'periodic (cron)' },
    label: 'Type',
    description:
      '`single` grants each matching user once (occurrence `once`); `periodic` once per cron fire time',
    example: 'periodic',
    nullable: false,
    required: true,
    newVersion: true,
  },
  mode: {
    wire: 'mode',
    kind: 'enum',
    values: GRANT_MODES,
    valueLabels: {
      add: 'add (a fixed amount per grant)',
      top_up: 'top up (raise the balance to a target)',
      reset: 'reset (set the balance to a value)',
    },
    label: 'Grant mode',
    description:
      'How a grant changes the balance. add (default): adds amount. top_up: amount is a target ' +
      'balance; each user gets max(0, amount − balance), read from the gateway just before sending. ' +
      'reset: sets the balance to amount (0 drains it) with the gateway refresh call. See ' +
      'AIGATEWAY_BALANCE for how the gateway keeps a balance.',
    example: 'top_up',
    nullable: false,
    required: false,
    default: 'add',
    newVersion: true,
  },
  amount: {
    wire: 'amount',
    kind: 'amount',
    // 0 is only meaningful for top_up and reset; the core refuses it for add (strategy-rules.ts).
    min: 0,
    minMessage: 'must be at least 0 (and at least 0.01 in add mode)',
    label: 'Amount',
    description:
      'add: the amount added (> 0); top_up: the target balance (≥ 0); reset: the new balance (≥ 0; 0 drains)',
    answerDescription:
      'add: the amount added per grant; top_up: the target balance; reset: the new balance',
    example: 5,
    nullable: false,
    required: true,
    newVersion: true,
  },
  model: {
    wire: 'model',
    kind: 'text',
    maxLength: 200,
    trimmed: true,
    label: 'Model',
    hint: 'empty: the gateway default',
    description: "The gateway model the quota is for (null: the gateway's default)",
    example: null,
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  periodicExpr: {
    wire: 'periodic_expr',
    kind: 'text',
    maxLength: 200,
    trimmed: true,
    label: 'Cron expression',
    hint: 'periodic',
    placeholder: '0 8 * * *',
    description:
      'Cron expression (5 or 6 fields), evaluated in `timezone`: required for periodic, refused for single',
    example: '0 8 * * *',
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  timezone: {
    wire: 'timezone',
    kind: 'text',
    maxLength: 64,
    trimmed: false,
    label: 'Time zone',
    hint: 'IANA; empty: the daemon default',
    placeholder: 'Asia/Shanghai',
    description: 'IANA zone of periodic_expr and of dates in the condition (default: QM_TIMEZONE)',
    example: 'Asia/Shanghai',
    nullable: false,
    required: false,
    default: 'configured_zone',
    newVersion: true,
  },
  condition: {
    wire: 'condition',
    kind: 'text',
    maxLength: 10_000,
    trimmed: false,
    plain: true,
    label: 'Condition',
    description:
      'Who qualifies, in the condition language (docs/conditions.md); checked on save (400 invalid_condition with line and column)',
    answerDescription:
      'Who qualifies, in the condition language (docs/conditions.md); stored in canonical form',
    example: 'github-star("zgsm-ai/zgsm")',
    nullable: false,
    required: true,
    newVersion: true,
  },
  maxExecPerUser: {
    wire: 'max_exec_per_user',
    kind: 'int',
    min: 0,
    max: 1_000_000,
    label: 'Max grants per user',
    hint: '0: unlimited',
    description: 'At most this many grants per user over the strategy’s life (0: no cap)',
    example: 0,
    nullable: false,
    required: false,
    default: 0,
    newVersion: true,
  },
  missedRuns: {
    wire: 'missed_runs',
    kind: 'enum',
    values: ['skip', 'catch_up'],
    valueLabels: { skip: 'skip (grant only the latest)', catch_up: 'catch up (grant each)' },
    label: 'Missed runs',
    description:
      'skip (default): only the latest missed occurrence is granted; catch_up: every missed one, up to max_catch_up',
    example: 'skip',
    nullable: false,
    required: false,
    default: 'skip',
    newVersion: true,
  },
  maxCatchUp: {
    wire: 'max_catch_up',
    kind: 'int',
    min: 1,
    max: 1000,
    label: 'Max catch-up occurrences',
    description: 'The most missed occurrences catch_up grants at once (default 10)',
    example: 10,
    nullable: false,
    required: false,
    default: 10,
    newVersion: true,
  },
  startAt: {
    wire: 'start_at',
    kind: 'date',
    label: 'Start',
    hint: 'ISO 8601 with offset, optional',
    placeholder: '2026-01-01T00:00:00+08:00',
    description: 'No occurrence before this instant (ISO 8601; null: no start)',
    example: '2026-02-01T00:00:00+08:00',
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  endAt: {
    wire: 'end_at',
    kind: 'date',
    label: 'End',
    hint: 'ISO 8601 with offset, optional',
    description: 'No occurrence after this instant (ISO 8601; null: no end)',
    example: null,
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  maxUsersPerOccurrence: {
    wire: 'max_users_per_occurrence',
    kind: 'int',
    min: 1,
    max: 1_000_000_000,
    label: 'Budget: max users per occurrence',
    hint: 'optional',
    description: `Budget cap: an occurrence that would grant more users than this in total ${HELD}. Unset: the configured default (scan.max_users_per_occurrence), if any`,
    example: 1000,
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  maxAmountPerOccurrence: {
    wire: 'max_amount_per_occurrence',
    kind: 'amount',
    // A cap of 0 would hold every occurrence: disable the strategy instead.
    min: 0.01,
    label: 'Budget: max amount per occurrence',
    hint: 'optional',
    description: `Budget cap: an occurrence that would grant more than this amount in total ${HELD}. Unset: no amount cap`,
    example: 5000,
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  // Credit lots: the terms of the lots new grants make (lot-strategy-fields.ts).
  ...LOT_STRATEGY_FIELDS,
  enabled: {
    wire: 'enabled',
    kind: 'boolean',
    label: 'Enabled',
    hint: 'scans grant it',
    description:
      'Disabled strategies are never scanned and a run answers 409 strategy_disabled (a preview always works). Created disabled unless true',
    example: false,
    nullable: false,
    required: false,
    // Going live is deliberate: a new strategy grants nothing until the operator enables it
    // (after a preview), unless the request says `enabled: true` on purpose.
    default: false,
    // Switching off and on changes no definition (model/strategy-version.ts says why that is
    // safe for runs in flight and for single strategies' stored scan positions).
    newVersion: false,
  },
} as const satisfies Record<string, FieldSpec>;

export type StrategyFieldTable = typeof STRATEGY_FIELDS;
export type StrategyFieldKey = keyof StrategyFieldTable;

/** The table's keys in its order (the form's order, the answer's order). */
export const STRATEGY_FIELD_KEYS = Object.keys(STRATEGY_FIELDS) as StrategyFieldKey[];

/** The table as a list of [key, spec] for code that treats every field alike. */
export function strategyFieldEntries(): [StrategyFieldKey, FieldSpec][] {
  return STRATEGY_FIELD_KEYS.map((key) => [key, STRATEGY_FIELDS[key]]);
}
