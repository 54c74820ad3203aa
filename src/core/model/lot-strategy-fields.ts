// The strategy fields of credit lots (docs/expiry.md): the terms of the lots new grants make,
// part of the strategy field table (strategy-fields.ts), kept here so each module stays small.
// Which of them a strategy may have (only in mode add, an absolute expiry only for single
// strategies, a rollover only for periodic ones, not both expiries) and the `expires_after`
// grammar are rules between fields: use-cases/strategy-rules.ts.
import type { FieldSpec } from './strategy-field-spec.ts';

export const LOT_STRATEGY_FIELDS = {
  expiresAfter: {
    wire: 'expires_after',
    kind: 'text',
    // The longest rule the grammar accepts (core/lots/expiry-rule.ts) is well under this.
    maxLength: 64,
    trimmed: false,
    label: 'Lots: grants expire after',
    hint: 'P30D, PT12H, end_of_month; optional',
    placeholder: 'end_of_month',
    description:
      'Credit lots (docs/expiry.md): each grant expires this long after its occurrence — an ISO 8601 duration of weeks, days, hours, minutes, seconds (P30D, PT12H; at least PT1M) — or at a calendar boundary in `timezone` (end_of_day, end_of_week, end_of_month); the unspent remainder is taken back. Null: grants never expire',
    example: 'end_of_month',
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  expiresAt: {
    wire: 'expires_at',
    kind: 'date',
    label: 'Lots: grants expire at',
    hint: 'ISO 8601, single strategies; optional',
    placeholder: '2027-01-01T00:00:00+08:00',
    description:
      'Credit lots, single strategies: every grant expires at this instant (ISO 8601). Null: none',
    example: '2027-01-01T00:00:00+08:00',
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  rolloverMax: {
    wire: 'rollover_max',
    kind: 'amount',
    // A rollover of 0 carries nothing: leave it unset instead.
    min: 0.01,
    label: 'Lots: rollover at most',
    hint: 'periodic; carried to the next period; optional',
    description:
      'Credit lots, periodic strategies: at the next occurrence at most this much of the previous lot’s remainder is carried over; the rest expires. Null: no rollover',
    example: 50,
    nullable: true,
    required: false,
    default: null,
    newVersion: true,
  },
  lotPriority: {
    wire: 'priority',
    kind: 'int',
    // Spending order values are compared, never summed: small bounds lose nothing.
    min: -1_000_000,
    max: 1_000_000,
    label: 'Lots: spending priority',
    hint: 'lower is spent first',
    description:
      'Credit lots: spending order — lots with a lower priority are spent first, then the soonest expiry, then the oldest (default 0)',
    example: 0,
    nullable: false,
    required: false,
    default: 0,
    newVersion: true,
  },
} as const satisfies Record<string, FieldSpec>;
