// The strategy form's inputs, one per field of the strategy field table, by the field's kind:
// text and numbers are inputs, enums are selects, booleans are checkboxes. Three fields have
// more than an input: the condition (checked as you type), the cron expression (its next fire
// times) and the amount, whose meaning follows the grant mode.
import type { FieldSpec } from '../../contract/strategy-wire.ts';
import { base } from './layout.tsx';
import { FireTimes } from './fire-times.tsx';
import { ConditionFeedback, type ConditionCheck } from './condition-feedback.tsx';

export interface FieldProps {
  spec: FieldSpec;
  /** Every value of the form (a field may read another: the amount reads the mode). */
  values: Record<string, string | boolean>;
  error?: string;
}

/** What the amount means in each grant mode: the label the amount field takes. */
export const AMOUNT_LABELS: Record<string, string> = {
  add: 'Amount per grant',
  top_up: 'Top up to',
  reset: 'Reset to',
};

export const labelOf = (spec: FieldSpec) =>
  spec.hint ? `${spec.label} (${spec.hint})` : spec.label;

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
              {spec.valueLabels[option] ?? option}
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
  return (
    <PlainField {...props} label={AMOUNT_LABELS[mode] ?? AMOUNT_LABELS.add}>
      <p class="hint" id="amount-meaning" data-amount-labels={JSON.stringify(AMOUNT_LABELS)}>
        add: the amount each grant adds · top up: the balance each user is raised to (only the
        difference is sent) · reset: the balance each user is set to
      </p>
    </PlainField>
  );
}

export function CronField(props: FieldProps) {
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
        hx-trigger="input changed delay:300ms"
        hx-include="#periodic_expr,#timezone"
        hx-target="#cron-next"
      />
      <ErrorText name={spec.wire} error={error} />
      <div id="cron-next" aria-live="polite">
        <FireTimes expression={value} timeZone={String(props.values.timezone ?? '')} />
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
        <summary>Functions ({functions.length})</summary>
        <ul class="functions">
          {functions.map((f) => (
            <li>
              <code>{f.signature}</code> — {f.description}
            </li>
          ))}
        </ul>
      </details>
    </div>
  );
}
