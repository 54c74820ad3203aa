// The typed AST that every consumer (formatter, evaluator, explainer, SQL compiler) reads.
// Each node is a call of one registered function whose argument types are fixed by its name,
// so consumers switch on `name` and TypeScript checks that every function is handled.

/** Where a node came from in the source text. `line`/`column` are 1-based. */
export interface Span {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
}

export interface StringArg {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
}

export interface NumberArg {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
}

/**
 * A timestamp keeps its literal text (validated when parsed): the instant depends on the time
 * zone of whoever evaluates the condition, see timestamp.ts.
 */
export interface TimestampArg {
  readonly kind: 'timestamp';
  readonly value: string;
  readonly span: Span;
}

export type LiteralArg = StringArg | NumberArg | TimestampArg;

interface CallBase<N extends string, A extends readonly unknown[]> {
  readonly kind: 'call';
  readonly name: N;
  readonly args: A;
  readonly span: Span;
}

export type LogicalCall = CallBase<'and' | 'or', readonly ConditionAst[]>;
export type NotCall = CallBase<'not', readonly [ConditionAst]>;
export type ConstantCall = CallBase<'true' | 'false', readonly []>;
/** `match-user`, `github-star`, `belong-to`: TRUE when the attribute is one of the values. */
export type ListCall = CallBase<'match-user' | 'github-star' | 'belong-to', readonly StringArg[]>;
export type TimeCall = CallBase<
  'register-before' | 'register-after' | 'access-before' | 'access-after',
  readonly [TimestampArg]
>;
export type VipCall = CallBase<'is-vip', readonly [NumberArg]>;
/** The model argument is kept for compatibility with the original language; see docs. */
export type QuotaCall = CallBase<'quota-le' | 'quota-ge', readonly [StringArg, NumberArg]>;

export type ConditionAst =
  LogicalCall | NotCall | ConstantCall | ListCall | TimeCall | VipCall | QuotaCall;

export type FunctionName = ConditionAst['name'];

/** Compile-time exhaustiveness guard for `switch (node.name)`. */
export function unreachable(value: never): never {
  throw new Error(`unhandled condition node: ${JSON.stringify(value)}`);
}
