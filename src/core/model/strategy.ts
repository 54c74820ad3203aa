// The strategy as the core sees it. The rules that decide whether one is acceptable live in
// one place, use-cases/strategy-rules.ts, called by create-strategy and update-strategy only.
// New strategy settings go here first (and in the store, the API schema and serializer).
import type { GrantMode } from '../grant-mode.ts';

export type StrategyType = 'single' | 'periodic';
/** What a periodic strategy does about occurrences missed while the daemon was down. */
export type MissedRunsPolicy = 'skip' | 'catch_up';

export interface Strategy {
  id: number;
  name: string;
  title: string;
  type: StrategyType;
  /** add: a delta of amount; top_up: amount is a target balance; reset: set the balance to amount. */
  mode: GrantMode;
  amount: number;
  model: string | null;
  periodicExpr: string | null;
  timezone: string;
  condition: string;
  enabled: boolean;
  maxExecPerUser: number;
  missedRuns: MissedRunsPolicy;
  maxCatchUp: number;
  startAt: Date | null;
  endAt: Date | null;
  /**
   * 1 on create, +1 on every change of what is granted, to whom, when or how (not of the name,
   * the title or `enabled`: model/strategy-version.ts); ledger rows record it.
   */
  version: number;
  /** Budget: an occurrence that would grant more users than this (in total) is held. */
  maxUsersPerOccurrence: number | null;
  /** Budget: an occurrence that would grant more than this amount (in total) is held. */
  maxAmountPerOccurrence: number | null;
  /**
   * Credit lots (docs/expiry.md): an ISO 8601 duration counted from the occurrence (P30D,
   * PT12H) or a calendar boundary in `timezone` (end_of_day, end_of_week, end_of_month).
   */
  expiresAfter: string | null;
  /** Credit lots: an absolute expiry instant (single strategies). */
  expiresAt: Date | null;
  /** Credit lots (periodic): at most this much of a lot's remainder is carried to the next one. */
  rolloverMax: number | null;
  /** Credit lots: lower is spent first (wire: `priority`). */
  lotPriority: number;
  createdAt: Date;
  updatedAt: Date;
}

/** Everything an operator sets; `id`, `version` and timestamps are the database's. */
export type StrategyFields = Omit<Strategy, 'id' | 'version' | 'createdAt' | 'updatedAt'>;

/** What an operator must send to create a strategy; the rest has defaults (withDefaults). */
export type StrategyInput = Pick<
  StrategyFields,
  'name' | 'title' | 'type' | 'amount' | 'condition'
> &
  Partial<StrategyFields>;

/**
 * What a replacement (PUT) must send: a create's fields and `enabled`, which has no default
 * here. The create default (false) would stop a running strategy whose editor left it out.
 */
export type StrategyReplacement = StrategyInput & Pick<StrategyFields, 'enabled'>;

/** Absent optional fields take their documented defaults; the zone defaults to the configured one. */
export function withDefaults(input: StrategyInput, defaultTimeZone: string): StrategyFields {
  return {
    name: input.name,
    title: input.title,
    type: input.type,
    mode: input.mode ?? 'add',
    amount: input.amount,
    model: input.model ?? null,
    periodicExpr: input.periodicExpr ?? null,
    timezone: input.timezone ?? defaultTimeZone,
    condition: input.condition,
    // Going live is deliberate: a new strategy grants nothing until the operator enables it
    // (after a preview), unless the request says `enabled: true` on purpose.
    enabled: input.enabled ?? false,
    maxExecPerUser: input.maxExecPerUser ?? 0,
    missedRuns: input.missedRuns ?? 'skip',
    maxCatchUp: input.maxCatchUp ?? 10,
    startAt: input.startAt ?? null,
    endAt: input.endAt ?? null,
    maxUsersPerOccurrence: input.maxUsersPerOccurrence ?? null,
    maxAmountPerOccurrence: input.maxAmountPerOccurrence ?? null,
    expiresAfter: input.expiresAfter ?? null,
    expiresAt: input.expiresAt ?? null,
    rolloverMax: input.rolloverMax ?? null,
    lotPriority: input.lotPriority ?? 0,
  };
}

/**
 * A partial change (PATCH): absent keys keep their value; `null` clears a nullable field.
 * Dates are already parsed.
 */
export type StrategyPatch = Partial<StrategyFields>;

/** Applies a patch to a stored strategy: the fields a validated update starts from. */
export function applyPatch(current: Strategy, patch: StrategyPatch): StrategyFields {
  const has = (key: keyof StrategyPatch) => key in patch;
  return {
    name: patch.name ?? current.name,
    title: patch.title ?? current.title,
    type: patch.type ?? current.type,
    mode: patch.mode ?? current.mode,
    amount: patch.amount ?? current.amount,
    model: has('model') ? (patch.model ?? null) : current.model,
    periodicExpr: has('periodicExpr') ? (patch.periodicExpr ?? null) : current.periodicExpr,
    timezone: patch.timezone ?? current.timezone,
    condition: patch.condition ?? current.condition,
    enabled: patch.enabled ?? current.enabled,
    maxExecPerUser: patch.maxExecPerUser ?? current.maxExecPerUser,
    missedRuns: patch.missedRuns ?? current.missedRuns,
    maxCatchUp: patch.maxCatchUp ?? current.maxCatchUp,
    startAt: has('startAt') ? (patch.startAt ?? null) : current.startAt,
    endAt: has('endAt') ? (patch.endAt ?? null) : current.endAt,
    maxUsersPerOccurrence: has('maxUsersPerOccurrence')
      ? (patch.maxUsersPerOccurrence ?? null)
      : current.maxUsersPerOccurrence,
    maxAmountPerOccurrence: has('maxAmountPerOccurrence')
      ? (patch.maxAmountPerOccurrence ?? null)
      : current.maxAmountPerOccurrence,
    expiresAfter: has('expiresAfter') ? (patch.expiresAfter ?? null) : current.expiresAfter,
    expiresAt: has('expiresAt') ? (patch.expiresAt ?? null) : current.expiresAt,
    rolloverMax: has('rolloverMax') ? (patch.rolloverMax ?? null) : current.rolloverMax,
    lotPriority: patch.lotPriority ?? current.lotPriority,
  };
}
