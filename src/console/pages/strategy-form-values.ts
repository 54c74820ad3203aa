// The strategy form's values (all text, as a form has them, but for checkboxes) and the API body
// built from them, for every field of the strategy field table: an empty optional field is left
// out on create and cleared (null) on edit where it can be cleared, numbers are numbers, and a
// typo stays text so the API's validation names the field.
import {
  strategyFieldEntries,
  type StrategyWireFields,
  type StrategyAnswer,
} from '../../contract/strategy-wire.ts';

export type FormValues = {
  [W in keyof StrategyWireFields]: StrategyWireFields[W] extends boolean ? boolean : string;
};

/** The form's values for a strategy (edit), or a new one's (the table's visible defaults). */
export function valuesOf(s?: StrategyAnswer): FormValues {
  const values: Record<string, string | boolean> = {};
  for (const [, spec] of strategyFieldEntries()) {
    const stored = s?.[spec.wire as keyof StrategyWireFields];
    if (spec.kind === 'boolean') values[spec.wire] = Boolean(stored ?? spec.default);
    else if (stored !== undefined && stored !== null) values[spec.wire] = String(stored);
    // A default is shown when it is a value the operator can read (not the configured zone).
    else if (spec.kind === 'enum') values[spec.wire] = String(spec.default ?? spec.values[0]);
    else if (typeof spec.default === 'number') values[spec.wire] = String(spec.default);
    else values[spec.wire] = '';
  }
  return values as FormValues;
}

/** The values a posted form carries: a checkbox is on or absent. */
export function valuesFromForm(field: (name: string) => string): FormValues {
  const values: Record<string, string | boolean> = {};
  for (const [, spec] of strategyFieldEntries())
    values[spec.wire] = spec.kind === 'boolean' ? field(spec.wire) === 'on' : field(spec.wire);
  return values as FormValues;
}

export function strategyBody(values: FormValues, editing: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  const posted = values as Record<string, string | boolean>;
  for (const [, spec] of strategyFieldEntries()) {
    const raw = posted[spec.wire] ?? '';
    if (typeof raw === 'boolean') {
      body[spec.wire] = raw;
      continue;
    }
    const text = raw.trim();
    if (text === '') {
      // Emptying a field that can be unset (a budget cap, a model, a window) unsets it.
      if (editing && spec.nullable) body[spec.wire] = null;
      continue;
    }
    const numeric = spec.kind === 'int' || spec.kind === 'amount';
    // A textarea posts its line breaks as CRLF (HTML's form encoding); the operator typed LF.
    if (spec.kind === 'text' && spec.plain) body[spec.wire] = raw.replace(/\r\n?/g, '\n');
    else if (numeric && /^-?\d+(\.\d+)?$/.test(text)) body[spec.wire] = Number(text);
    else body[spec.wire] = text;
  }
  return body;
}
