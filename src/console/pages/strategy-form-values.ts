// The strategy form's values (all text, as a form has them) and the API body built from them:
// empty optional fields are left out on create and cleared (null) on edit, numbers are numbers,
// and a typo stays text so the API's validation names the field.
import type { StrategyJson } from '../../contract/wire-types.ts';

export interface FormValues {
  name: string;
  title: string;
  type: string;
  amount: string;
  model: string;
  periodic_expr: string;
  timezone: string;
  condition: string;
  enabled: boolean;
  max_exec_per_user: string;
  missed_runs: string;
  max_catch_up: string;
  start_at: string;
  end_at: string;
  max_users_per_occurrence: string;
  max_amount_per_occurrence: string;
  expires_after: string;
  expires_at: string;
  rollover_max: string;
  priority: string;
}

export function valuesOf(s?: StrategyJson): FormValues {
  const text = (value: string | number | null | undefined) => (value == null ? '' : String(value));
  return {
    name: text(s?.name),
    title: text(s?.title),
    type: s?.type ?? 'single',
    amount: text(s?.amount),
    model: text(s?.model),
    periodic_expr: text(s?.periodic_expr),
    timezone: text(s?.timezone),
    condition: text(s?.condition),
    enabled: s?.enabled ?? false,
    max_exec_per_user: text(s?.max_exec_per_user ?? 0),
    missed_runs: s?.missed_runs ?? 'skip',
    max_catch_up: text(s?.max_catch_up ?? ''),
    start_at: text(s?.start_at),
    end_at: text(s?.end_at),
    max_users_per_occurrence: text(s?.max_users_per_occurrence),
    max_amount_per_occurrence: text(s?.max_amount_per_occurrence),
    expires_after: text(s?.expires_after),
    expires_at: text(s?.expires_at),
    rollover_max: text(s?.rollover_max),
    priority: text(s?.priority ?? ''),
  };
}

const NUMBERS = new Set([
  'amount',
  'max_exec_per_user',
  'max_catch_up',
  'max_users_per_occurrence',
  'max_amount_per_occurrence',
  'rollover_max',
  'priority',
]);
const NULLABLE = new Set([
  'model',
  'periodic_expr',
  'start_at',
  'end_at',
  'max_users_per_occurrence',
  'max_amount_per_occurrence',
  'expires_after',
  'expires_at',
  'rollover_max',
]);
/** Fields only newer servers know: sent only when filled in, so older servers still accept the form. */
const NEWER = new Set([
  'max_users_per_occurrence',
  'max_amount_per_occurrence',
  'expires_after',
  'expires_at',
  'rollover_max',
  'priority',
]);

export function strategyBody(values: FormValues, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = { enabled: values.enabled };
  for (const [key, raw] of Object.entries(values)) {
    if (key === 'enabled') continue;
    const text = String(raw).trim();
    if (text === '') {
      if (editing && NULLABLE.has(key) && !NEWER.has(key)) body[key] = null;
      continue;
    }
    // A textarea posts its line breaks as CRLF (HTML's form encoding); the operator typed LF.
    if (key === 'condition') body[key] = String(raw).replace(/\r\n?/g, '\n');
    else if (NUMBERS.has(key) && /^-?\d+(\.\d+)?$/.test(text)) body[key] = Number(text);
    else body[key] = text;
  }
  return body;
}
