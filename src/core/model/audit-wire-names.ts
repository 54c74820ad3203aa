// An audited change under the names the API speaks (snake_case). The trail stores the core's
// field names (`periodicExpr`), which no operator types and no webhook consumer should parse;
// the answer and the events rename them when they are read, so rows written before this rename
// read the same as new ones.
import type { AuditChanges } from './audit.ts';
import { strategyFieldEntries } from './strategy-fields.ts';

const STRATEGY_WIRE = new Map<string, string>(
  strategyFieldEntries().map(([key, spec]) => [key, spec.wire]),
);

/** The API's name of a field: the strategy field table's, else the core's name in snake_case. */
export function wireFieldName(key: string): string {
  return STRATEGY_WIRE.get(key) ?? key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const renamed = (fields: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(fields).map(([key, value]) => [wireFieldName(key), value]));

/**
 * `{ field: { before, after } }` and a creation's `{ after: { …fields } }` with wire names; the
 * values are left as they are (counts and ids keep their keys' snake_case too).
 */
export function changesInWireNames(changes: AuditChanges): AuditChanges {
  const keys = Object.keys(changes);
  if (keys.length === 1 && keys[0] === 'after' && isRecord(changes.after))
    return { after: renamed(changes.after) };
  return renamed(changes);
}
