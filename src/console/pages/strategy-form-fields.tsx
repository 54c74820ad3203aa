// The strategy form's inputs, one per field of the strategy field table, by the field's kind:
// text and numbers are inputs, enums are selects, booleans are checkboxes. Three fields have
// more than an input: the condition (checked as you type), the cron expression (its next fire
// times) and the amount, whose meaning follows the grant mode.
import type { FieldSpec } from '../../contract/strategy-wire.ts';
import { base } from './layout.tsx';
import { FireTimes, type ScheduleAnswer } from './fire-times.tsx';
import { ConditionFeedback, type ConditionCheck } from './condition-feedback.tsx';
import { t } from '../i18n/current.ts';
import type { FieldText } from '../i18n/en.ts';

export interface FieldProps {
  spec: FieldSpec;
  /** Every value of the form (a field may read another: the amount reads the mode). */
  values: Record<string, string | boolean>;
  error?: string;
}

/** What the amount means in each grant mode: the label the amount field takes. */
const amountLabels = (): Record<string, string> => t().form.amountLabels;

/** A field's words in the request's language (English: the field table's own). */
const textOf = (spec: FieldSpec): FieldText =>
  (t().form.fields as Record<string, FieldText | undefined>)[spec.wire] ?? { label: spec.label };

export const labelOf = (spec: FieldSpec) => {
  const text = textOf(spec);
  return text.hint ? t().common.withHint(text.label, text.hint) : text.label;
};

function ErrorText(props: { name: string; error?: string }) {
  return props.error ? (
    <span class="field-error" id={`${props.name}-error`}>
      {props.error}
    </span>
  ) : null;
}

function inputMode(spec: FieldSpec): 'numeric' | 'decimal' | undefined {
  if (spec.kind === 'int') return 'numeric';
  return spec.kind === 'amount' ? 'decimal' : undefined;
}

export function PlainField(props: FieldProps & { label?: string; children?: unknown }) {
  const { spec, error } = props;
  const name = spec.wire;
  const value = props.values[name];
  const described = error ? `${name}-error` : undefined;
  if (spec.kind === 'boolean')
    return (
      <div class="field check">
        <input type="checkbox" id={name} name={name} checked={value === true} />
        <label for={name}>{props.label ?? labelOf(spec)}</label>
        <ErrorText name={name} error={error} />
      </div>
    );
  return (
    <div class="field">
      <label for={name}>{props.label ?? labelOf(spec)}</label>
      {spec.kind === 'enum' ? (
        <select id={name} name={name} aria-describedby={described}>
          {spec.values.map((option) => (
            <option value={option} selected={value === option}>
              {textOf(spec).valueLabels?.[option] ?? spec.valueLabels[option] ?? option}
            </option>
          ))}
        </select>
      ) : (
        <input
          type="text"
          id={name}
          name={name}
          value={String(value ?? '')}
          inputmode={inputMode(spec)}
          placeholder={spec.placeholder}
          required={spec.required || undefined}
          aria-describedby={described}
        />
      )}
      {props.children}
      <ErrorText name={name} error={error} />
    </div>
  );
}

/**
 * The amount, labelled by the mode the form shows (server-rendered, so right without
 * JavaScript); console.js relabels it when the mode select changes. The hint under it names
 * all three meanings, for a reader who changes the mode without JavaScript.
 */
export function AmountField(props: FieldProps) {
  const mode = String(props.values.mode ?? 'add');
  const labels = amountLabels();
  return (
    <PlainField {...props} label={labels[mode] ?? labels.add}>
      <p class="hint" id="amount-meaning" data-amount-labels={JSON.stringify(labels)}>
        {t().form.amountMeaning}
      </p>
    </PlainField>
  );
}

export function CronField(props: FieldProps & { schedule: ScheduleAnswer }) {
  const { spec, error } = props;
  const value = String(props.values[spec.wire] ?? '');
  return (
    <div class="field">
      <label for={spec.wire}>{labelOf(spec)}</label>
      <input
        type="text"
        id={spec.wire}
        name={spec.wire}
        value={value}
        placeholder={spec.placeholder}
        hx-get={`${base()}/schedules/check`}
        hx-trigger="input changed delay:300ms, input changed delay:300ms from:#timezone"
        hx-include="#periodic_expr,#timezone"
        hx-target="#cron-next"
        hx-sync="this:replace"
      />
      <ErrorText name={spec.wire} error={error} />
      <div id="cron-next" aria-live="polite">
        <FireTimes expression={value} answer={props.schedule} />
      </div>
    </div>
  );
}

export function ConditionField(
  props: FieldProps & {
    check?: ConditionCheck;
    functions: { name: string; signature: string; description: string }[];
  },
) {
  const { spec, functions } = props;
  const source = String(props.values[spec.wire] ?? '');
  return (
    <div class="field">
      <label for={spec.wire}>{labelOf(spec)}</label>
      <textarea
        id={spec.wire}
        name={spec.wire}
        rows={4}
        spellcheck={false}
        autocomplete="off"
        aria-describedby="condition-feedback"
        data-functions={JSON.stringify(
          functions.map((f) => ({ name: f.name, signature: f.signature })),
        )}
        hx-get={`${base()}/conditions/check`}
        hx-trigger="input changed delay:300ms"
        hx-target="#condition-feedback"
      >
        {source}
      </textarea>
      <div id="condition-feedback" aria-live="polite">
        {props.check && <ConditionFeedback source={source} check={props.check} />}
      </div>
      <details>
        <summary>{t().form.functions(functions.length)}</summary>
        <ul class="functions">
          {functions.map((f) => (
            <li>
              {/* The registry's descriptions are the API's words (GET /api/v1/conditions/functions). */}
              <code>{f.signature}</code> — <span lang="en">{f.description}</span>
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
