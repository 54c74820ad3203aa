// The strategy as the core sees it. Its settable fields are declared once, in the field table
// (strategy-fields.ts); the types, defaults and patch merge here are read off it. The rules that
// decide whether one is acceptable live in one place, use-cases/strategy-rules.ts, called by
// create-strategy and update-strategy only.
import {
  STRATEGY_FIELDS,
  strategyFieldEntries,
  type FieldValue,
  type StrategyFieldKey,
  type StrategyFieldTable,
} from './strategy-fields.ts';

export type StrategyType = FieldValue<StrategyFieldTable['type']>;
/** What a periodic strategy does about occurrences missed while the daemon was down. */
export type MissedRunsPolicy = FieldValue<StrategyFieldTable['missedRuns']>;

/** Everything an operator sets; `id`, `version` and timestamps are the database's. */
export type StrategyFields = {
  -readonly [K in StrategyFieldKey]: FieldValue<StrategyFieldTable[K]>;
};

export interface Strategy extends StrategyFields {
  id: number;
  /**
   * 1 on create, +1 on every change of what is granted, to whom, when or how (not of the name,
   * the title or `enabled`: model/strategy-version.ts); ledger rows record it.
   */
  version: number;
  createdAt: Date;
  updatedAt: Date;
}

type RequiredKey = {
  [K in StrategyFieldKey]: StrategyFieldTable[K]['required'] extends true ? K : never;
}[StrategyFieldKey];

/** What an operator must send to create a strategy; the rest has defaults (withDefaults). */
export type StrategyInput = Pick<StrategyFields, RequiredKey> & Partial<StrategyFields>;

/**
 * What a replacement (PUT) must send: a create's fields and `enabled`, which has no default
 * here. The create default (false) would stop a running strategy whose editor left it out.
 */
export type StrategyReplacement = StrategyInput & Pick<StrategyFields, 'enabled'>;

/**
 * A partial change (PATCH): absent keys keep their value; `null` clears a nullable field.
 * Dates are already parsed.
 */
export type StrategyPatch = Partial<StrategyFields>;

/** Absent optional fields take their documented defaults; the zone defaults to the configured one. */
export function withDefaults(input: StrategyInput, defaultTimeZone: string): StrategyFields {
  const fields: Record<string, unknown> = {};
  for (const [key, spec] of strategyFieldEntries()) {
    const given = input[key];
    if (given !== undefined) fields[key] = given;
    else if (spec.default === 'configured_zone') fields[key] = defaultTimeZone;
    else fields[key] = spec.default ?? null;
  }
  return fields as StrategyFields;
}

/** Applies a patch to a stored strategy: the fields a validated update starts from. */
export function applyPatch(current: Strategy, patch: StrategyPatch): StrategyFields {
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(STRATEGY_FIELDS) as StrategyFieldKey[]) {
    // A nullable field is cleared by an explicit null; any other field keeps its value then.
    const cleared = STRATEGY_FIELDS[key].nullable && key in patch;
    fields[key] = cleared ? (patch[key] ?? null) : (patch[key] ?? current[key]);
  }
  return fields as StrategyFields;
}
