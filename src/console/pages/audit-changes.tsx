// An audit event's change, field by field (before → after), under the names the API answers
// (snake_case, the same an operator types).
import type { Child } from 'hono/jsx';
import { t } from '../i18n/current.ts';

export interface ChangeRow {
  field: string;
  /** Absent when the change only has a value (a count, a creation's field). */
  before?: unknown;
  after?: unknown;
  hasBefore: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const isBeforeAfter = (v: unknown): v is { before?: unknown; after?: unknown } =>
  isRecord(v) &&
  Object.keys(v).length > 0 &&
  Object.keys(v).every((k) => k === 'before' || k === 'after');

/**
 * The rows of a change: `{ field: { before, after } }` is one row per field; a creation's
 * `{ after: { …fields } }` is one row per field set (not null); anything else (counts, ids)
 * is one row per key with its value.
 */
export function changeRows(changes: Record<string, unknown>): ChangeRow[] {
  const keys = Object.keys(changes);
  // A creation lists what was set; a field left empty (null) says nothing at a glance.
  if (keys.length === 1 && keys[0] === 'after' && isRecord(changes.after))
    return changeRows(
      Object.fromEntries(Object.entries(changes.after).filter(([, v]) => v !== null)),
    );
  return keys.map((key) => {
    const value = changes[key];
    if (isBeforeAfter(value))
      return {
        field: key,
        before: value.before,
        after: value.after,
        hasBefore: 'before' in value,
      };
    return { field: key, after: value, hasBefore: false };
  });
}

/** A value as it would read in the API's JSON; text without quotes. */
function Value(props: { value: unknown; class: string }): Child {
  const { value } = props;
  const text =
    value === undefined ? '—' : typeof value === 'string' ? value : JSON.stringify(value);
  return <code class={props.class}>{text}</code>;
}

/** More rows than this (a creation's every field) fold under a summary, so a row stays a line. */
export const FOLD_AFTER = 6;

export function AuditChanges(props: { changes: Record<string, unknown> | null }) {
  if (props.changes === null) return null;
  const rows = changeRows(props.changes);
  if (rows.length === 0) return null;
  if (rows.length <= FOLD_AFTER) return <ChangeList rows={rows} />;
  return (
    <details>
      <summary>{t().audit.fields(rows.length)}</summary>
      <ChangeList rows={rows} />
    </details>
  );
}

function ChangeList(props: { rows: ChangeRow[] }) {
  const { rows } = props;
  return (
    <ul class="changes">
      {rows.map((r) => (
        <li>
          {/* The API's field name: what an operator types in a script, so never translated. */}
          <span class="field" translate="no">
            {r.field}
          </span>
          :{' '}
          {r.hasBefore && (
            <>
              <Value value={r.before} class="before" /> →{' '}
            </>
          )}
          <Value value={r.after} class="after" />
        </li>
      ))}
    </ul>
  );
}
