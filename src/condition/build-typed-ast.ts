// Syntax tree → typed AST, using the registry as the allowlist: known names, argument counts,
// argument types, timestamp formats and the depth limit. All problems are collected, not just
// the first, so an operator fixes a condition in one round trip.
import type { ConditionAst, LiteralArg, NumberArg, Span, TimestampArg } from './ast.ts';
import type { SyntaxCall, SyntaxNode } from './syntax-tree.ts';
import { conditionError, type ConditionError } from './errors.ts';
import { LIMITS, TOO_DEEP_MESSAGE } from './limits.ts';
import {
  arityOf,
  FUNCTION_REGISTRY,
  lookupFunction,
  type FunctionSpec,
  type ParamSpec,
} from './registry.ts';
import { checkTimestamp, TIMESTAMP_FORMATS_HELP } from './timestamp.ts';
import { suggestFunctionName } from './suggest.ts';

type Arg = ConditionAst | LiteralArg;

export interface CheckOptions {
  /**
   * Offsets where the parser reported a syntax error or skipped tokens while recovering. A call
   * spanning one of them, or marked not `intact`, has only its function names checked: its
   * argument count and types would describe the recovery, not what the operator wrote. Calls
   * elsewhere are still checked fully, so independent mistakes are all reported at once.
   */
  damagedOffsets: readonly number[];
}

export function buildTypedAst(
  tree: SyntaxNode,
  options: CheckOptions,
): { ast: ConditionAst | undefined; errors: ConditionError[] } {
  const checker = new Checker(options.damagedOffsets);
  const ast = checker.condition(tree, 1, undefined);
  return { ast: checker.errors.length === 0 ? ast : undefined, errors: checker.errors };
}

function describe(node: SyntaxNode): string {
  if (node.kind === 'string') return 'a string';
  if (node.kind === 'number') return `the number ${node.value}`;
  return `a function call (${node.name})`;
}

/** Why a number does not fit a numeric parameter, or undefined when it does. */
function numberProblem(value: number, param: ParamSpec): string | undefined {
  if (!Number.isFinite(value)) return 'is too large a number';
  if (param.type === 'integer' && !Number.isInteger(value)) {
    return `must be a whole number, got ${value}`;
  }
  const min = param.min ?? -Infinity;
  const max = param.max ?? Infinity;
  if (value < min || value > max) {
    const range = Number.isFinite(max) ? `between ${min} and ${max}` : `at least ${min}`;
    return `must be ${range}, got ${value}`;
  }
  return undefined;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

class Checker {
  readonly errors: ConditionError[] = [];
  private reportedTooDeep = false;

  constructor(private readonly damagedOffsets: readonly number[]) {}

  private damaged(node: SyntaxCall): boolean {
    if (this.damagedOffsets.length === 0) return false;
    if (!node.intact) return true;
    const start = node.span.offset;
    const end = start + node.span.length;
    return this.damagedOffsets.some((offset) => offset >= start && offset < end);
  }

  /** `place` names the argument slot in messages, e.g. "and() argument 2"; undefined at the top. */
  condition(node: SyntaxNode, depth: number, place: string | undefined): ConditionAst | undefined {
    if (node.kind !== 'call') {
      const message =
        place === undefined
          ? `Expected a condition such as is-vip(1), got ${describe(node)}`
          : `${place} must be a condition such as is-vip(1), got ${describe(node)}`;
      this.errors.push(conditionError('argument_type', message, node.span));
      return undefined;
    }
    if (depth > LIMITS.maxDepth) {
      if (!this.reportedTooDeep) {
        this.reportedTooDeep = true;
        this.errors.push(conditionError('too_deep', TOO_DEEP_MESSAGE, node.span));
      }
      return undefined;
    }
    const spec = lookupFunction(node.name);
    if (spec === undefined) {
      this.unknownFunction(node);
      this.namesOnly(node.args, depth);
      return undefined;
    }
    if (this.damaged(node)) {
      this.namesOnly(node.args, depth);
      return undefined;
    }
    return this.call(node, spec, depth);
  }

  private unknownFunction(node: SyntaxCall): void {
    const suggestion = suggestFunctionName(node.name);
    const hint =
      suggestion !== undefined
        ? ` Did you mean '${suggestion}'?`
        : ` Known functions: ${FUNCTION_REGISTRY.map((spec) => spec.name).join(', ')}.`;
    this.errors.push(
      conditionError(
        'unknown_function',
        `Unknown function '${node.name}'.${hint}`,
        node.nameSpan,
        suggestion !== undefined ? { suggestion } : {},
      ),
    );
  }

  /** Keeps looking for independent problems inside a call whose own shape is unusable. */
  private namesOnly(args: readonly SyntaxNode[], depth: number): void {
    for (const arg of args) {
      if (arg.kind === 'call') this.condition(arg, depth + 1, undefined);
    }
  }

  private call(node: SyntaxCall, spec: FunctionSpec, depth: number): ConditionAst | undefined {
    const errorsBefore = this.errors.length;
    const { min, max } = arityOf(spec);
    const count = node.args.length;
    if (count < min || count > max) this.arityError(node, spec, min, max);

    const args: Arg[] = [];
    node.args.forEach((arg, index) => {
      const param = spec.params[Math.min(index, spec.params.length - 1)];
      if (param === undefined || (index >= spec.params.length && !spec.variadic) || index >= max) {
        // No parameter for this argument: its count is already reported; still check inside.
        if (arg.kind === 'call') this.condition(arg, depth + 1, undefined);
        return;
      }
      const typed = this.argument(arg, param, `${spec.name}() argument ${index + 1}`, depth);
      if (typed !== undefined) args.push(typed);
    });

    if (this.errors.length !== errorsBefore) return undefined;
    // Arity and types were checked against the registry just above, which is exactly the
    // invariant each member of the ConditionAst union states.
    return { kind: 'call', name: spec.name, args, span: node.span } as ConditionAst;
  }

  private arityError(node: SyntaxCall, spec: FunctionSpec, min: number, max: number): void {
    const count = node.args.length;
    const names = spec.params.map((param) => param.name).join(', ');
    let message: string;
    let span: Span = node.span;
    if (count > max) {
      const extra = node.args.slice(max);
      const first = extra[0]!.span;
      const last = extra[extra.length - 1]!.span;
      span = { ...first, length: last.offset + last.length - first.offset };
      message =
        min === max
          ? max === 0
            ? `${spec.name}() takes no arguments, got ${count}`
            : `${spec.name}() takes exactly ${plural(max, 'argument')} (${names}), got ${count}`
          : `${spec.name}() takes at most ${plural(max, 'argument')}, got ${count}`;
    } else {
      message =
        min === max
          ? `${spec.name}() takes exactly ${plural(min, 'argument')} (${names}), got ${count}`
          : `${spec.name}() takes at least ${plural(min, 'argument')}, got ${count}`;
    }
    this.errors.push(conditionError('arity', message, span));
  }

  private argument(
    arg: SyntaxNode,
    param: ParamSpec,
    place: string,
    depth: number,
  ): Arg | undefined {
    const label = `${place} (${param.name})`;
    switch (param.type) {
      case 'condition':
        return this.condition(arg, depth + 1, place);
      case 'string':
        if (arg.kind === 'string') return { kind: 'string', value: arg.value, span: arg.span };
        this.typeError(arg, `${label} must be a string, got ${describe(arg)}`);
        return undefined;
      case 'number':
      case 'integer':
        return this.number(arg, param, label);
      case 'timestamp':
        return this.timestamp(arg, label);
    }
  }

  private number(arg: SyntaxNode, param: ParamSpec, label: string): NumberArg | undefined {
    if (arg.kind !== 'number') {
      this.typeError(arg, `${label} must be a number, got ${describe(arg)}`);
      return undefined;
    }
    const problem = numberProblem(arg.value, param);
    if (problem !== undefined) {
      this.typeError(arg, `${label} ${problem}`);
      return undefined;
    }
    return { kind: 'number', value: arg.value, span: arg.span };
  }

  private timestamp(arg: SyntaxNode, label: string): TimestampArg | undefined {
    if (arg.kind !== 'string') {
      this.typeError(
        arg,
        `${label} must be a timestamp string such as "2024-01-01 00:00:00", got ${describe(arg)}`,
      );
      return undefined;
    }
    const result = checkTimestamp(arg.value);
    if (result.ok) return { kind: 'timestamp', value: arg.value, span: arg.span };
    this.errors.push(
      conditionError(
        'invalid_timestamp',
        `${label}: ${JSON.stringify(arg.value)} is not a valid timestamp (${result.reason}); ${TIMESTAMP_FORMATS_HELP}`,
        arg.span,
      ),
    );
    return undefined;
  }

  private typeError(arg: SyntaxNode, message: string): void {
    this.errors.push(conditionError('argument_type', message, arg.span));
  }
}
