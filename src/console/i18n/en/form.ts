// English: the strategy form and the condition feedback. Part of the catalogue en.ts assembles.
import type { Child } from 'hono/jsx';
import type { StrategyJson } from '../../api-types.ts';
import { strategyFieldEntries, type StrategyWireFields } from '../../../contract/strategy-wire.ts';

type Wire = keyof StrategyWireFields;

/** What the form and the field list call a strategy field. */
export interface FieldText {
  label: string;
  /** Words after the label (units, what empty means). */
  hint?: string;
  /** An enum's options, by value. */
  valueLabels?: Record<string, string>;
}

/** English field words are the field table's own (core/model/strategy-fields.ts). */
const FIELD_TEXTS = Object.fromEntries(
  strategyFieldEntries().map(([, spec]) => [
    spec.wire,
    {
      label: spec.label,
      ...(spec.hint ? { hint: spec.hint } : {}),
      ...(spec.kind === 'enum' ? { valueLabels: spec.valueLabels } : {}),
    },
  ]),
) as Record<Wire, FieldText>;

export const form = {
  form: {
    newTitle: 'New strategy',
    editTitle: (name: string) => `Edit ${name}`,
    viewerNotice: 'You are signed in as a viewer: the server will refuse to save.',
    save: 'Save',
    create: 'Create',
    saved: 'Saved.',
    changedSinceOpened:
      'This strategy was changed by someone else since you opened it: your edits were not saved. ' +
      'Reload the page to see the current version, then make your change again.',
    fields: FIELD_TEXTS,
    amountLabels: {
      add: 'Amount per grant',
      top_up: 'Top up to',
      reset: 'Reset to',
    } satisfies Record<StrategyJson['mode'], string>,
    amountMeaning:
      'add: the amount each grant adds · top up: the balance each user is raised to (only the difference is sent) · reset: the balance each user is set to',
    functions: (n: number) => `Functions (${n})`,
    noCron: 'No cron expression (a single strategy).',
    schedule: {
      /** Before the daemon's (English) message about the time zone field. */
      timeZoneAt: 'Time zone: ',
      /** The zone name the daemon suggests instead of a legacy or ambiguous one. */
      useZone: (zone: Child): Child[] => [' (use ', zone, ')'],
      unavailable: (status: number) => `The next fire times are not available (HTTP ${status}).`,
    },
  },
  condition: {
    notChecked: 'The condition could not be checked.',
    valid: 'Valid',
    readsAs: ' — reads as ',
    position: (line: number, column: number) => `line ${line}, column ${column}`,
    conditionField: 'condition',
    writeOne: (example: Child): Child[] => ['Write a condition, e.g. ', example, '.'],
  },
  problem: {
    /** An API error found at a line and column (the message itself is the API's). */
    at: (line: number, column: number, message: string) =>
      `line ${line}, column ${column}: ${message}`,
  },
};
