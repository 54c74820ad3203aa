// A strategy on the wire, read off the field table (core/model/strategy-fields.ts): the JSON
// types of bodies and answers, the answer's serializer and the body → domain mapper. A field
// added to the table appears in all of them, with its wire name and wire value (dates as ISO).
import type { Strategy, StrategyPatch } from '../core/model/strategy.ts';
import {
  strategyFieldEntries,
  type FieldValue,
  type StrategyFieldKey,
  type StrategyFieldTable,
} from '../core/model/strategy-fields.ts';
import { ambiguousZoneProblem } from '../core/zone-names.ts';

/** A field's value in JSON: dates as ISO 8601 strings, everything else as the core has it. */
type WireValue<F> = F extends { kind: 'date' }
  ? string | (F extends { nullable: true } ? null : never)
  : FieldValue<F>;

type WireOf<K extends StrategyFieldKey> = StrategyFieldTable[K]['wire'];

/** Every settable field by its wire name, as an answer carries it. */
export type StrategyWireFields = {
  [K in StrategyFieldKey as WireOf<K>]: WireValue<StrategyFieldTable[K]>;
};

type RequiredWire = {
  [K in StrategyFieldKey]: StrategyFieldTable[K]['required'] extends true ? WireOf<K> : never;
}[StrategyFieldKey];

/** A create body: the required fields, any of the others. */
export type StrategyCreateBody = Pick<StrategyWireFields, RequiredWire> &
  Partial<StrategyWireFields>;
/** A replace (PUT) body: a create's, with `enabled` stated. */
export type StrategyReplaceBody = StrategyCreateBody & Pick<StrategyWireFields, 'enabled'>;
/** A patch body: any fields. */
export type StrategyPatchBody = Partial<StrategyWireFields>;

/** A strategy as the API answers it. */
export type StrategyAnswer = { id: number } & StrategyWireFields & {
    timezone_warning: string | null;
    version: number;
    created_at: string;
    updated_at: string;
  };

export function strategyJson(s: Strategy): StrategyAnswer {
  const json: Record<string, unknown> = { id: s.id };
  for (const [key, spec] of strategyFieldEntries()) {
    const value = s[key];
    json[spec.wire] = value instanceof Date ? value.toISOString() : value;
  }
  // Saved before ambiguous zone names were refused: it keeps working, and says so.
  json.timezone_warning = ambiguousZoneProblem(s.timezone)?.message ?? null;
  json.version = s.version;
  json.created_at = s.createdAt.toISOString();
  json.updated_at = s.updatedAt.toISOString();
  return json as StrategyAnswer;
}

/**
 * A validated body (snake_case, ISO strings) → the core's fields. Only the keys the body has are
 * set, so the same conversion serves a create (defaults are the core's) and a patch (absent
 * keys keep their value, null clears).
 */
export function strategyPatchFromBody(body: StrategyPatchBody): StrategyPatch {
  const patch: Record<string, unknown> = {};
  const sent = body as Record<string, unknown>;
  for (const [key, spec] of strategyFieldEntries()) {
    if (!(spec.wire in sent) || (sent[spec.wire] === undefined && !spec.nullable)) continue;
    const value = sent[spec.wire] ?? null;
    patch[key] = spec.kind === 'date' && typeof value === 'string' ? new Date(value) : value;
  }
  return patch;
}

// The console reads the table through the contract (it imports nothing of the core).
export {
  STRATEGY_FIELDS,
  strategyFieldEntries,
  type FieldSpec,
} from '../core/model/strategy-fields.ts';
