// What the strategy field table (strategy-fields.ts) says about one field: its wire name, its
// kind and limits (from which the request schema, the row mapper and the console's input
// follow), whether it may be null, its default, whether a change of it makes a new version, and
// its words for people. FieldValue is the core's TypeScript type of a field of a given spec.

interface FieldCommon {
  /** The name on the wire: JSON bodies and answers, the console's form, CSV. */
  wire: string;
  /** Short name for people: the console's field list and form label. */
  label: string;
  /** Extra words the form shows after the label (units, what empty means). */
  hint?: string;
  /** What it means: the OpenAPI document's description of the request field. */
  description: string;
  /** The answer's description, where it says more than the request's. */
  answerDescription?: string;
  example: string | number | boolean | null;
  /** null is a value (clears it on PATCH); absent means "keep" on PATCH. */
  nullable: boolean;
  /** Whether a create must send it (otherwise `default` applies). */
  required: boolean;
  /** The value of an optional field a create leaves out; `configured_zone` is the daemon's zone. */
  default?: string | number | boolean | null;
  /**
   * Whether a change of it makes a new strategy version (model/strategy-version.ts): only a
   * change of who is granted what, when or how; labels and `enabled` do not.
   */
  newVersion: boolean;
  /** Placeholder text of the console's input. */
  placeholder?: string;
}

export type FieldSpec = FieldCommon &
  (
    | {
        kind: 'text';
        maxLength: number;
        trimmed: boolean;
        /**
         * A plain string, possibly empty, checked by its own parser (the condition reports NULs
         * and unpaired surrogates with a line and column) rather than as text.
         */
        plain?: boolean;
      }
    | { kind: 'enum'; values: readonly string[]; valueLabels: Record<string, string> }
    | { kind: 'int'; min: number; max: number }
    /** A Decimal(14,2) amount: whole cents, below 10^12. */
    | { kind: 'amount'; min: number; minMessage?: string }
    | { kind: 'date' }
    | { kind: 'boolean' }
  );

/** The core's value of a field of this spec. */
export type FieldValue<F> = (
  F extends { kind: 'text' }
    ? string
    : F extends { kind: 'enum'; values: readonly (infer V)[] }
      ? V
      : F extends { kind: 'int' | 'amount' }
        ? number
        : F extends { kind: 'date' }
          ? Date
          : F extends { kind: 'boolean' }
            ? boolean
            : never
) extends infer T
  ? T | (F extends { nullable: true } ? null : never)
  : never;
