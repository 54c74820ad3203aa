// CST → syntax tree: every call with its name, arguments and source spans, infix operators
// turned into the same calls as the prefix form (`a and b and c` → and(a, b, c)), string
// escapes decoded. Names and argument types are not checked here (build-typed-ast.ts does it against the
// registry), so this tree is untyped.
//
// After Chevrotain's error recovery a CST can lack children; the builder then returns what it
// can and marks calls it could not read completely (`intact: false`), so the checker still
// reports independent problems elsewhere (e.g. a misspelt name) without guessing about the
// broken part.
import type { CstNode, IToken } from 'chevrotain';
import type { Span } from './ast.ts';
import { conditionError, type ConditionError } from './errors.ts';
import { recoveringParser } from './parser.ts';
import type { Source } from './source.ts';
import { decodeStringLiteral } from './string-escapes.ts';
import { describeToken } from './syntax-messages.ts';
import type {
  CallCtx,
  ConjunctionCtx,
  ExpressionCtx,
  GroupCtx,
  NegationCtx,
  PrimaryCtx,
  SyntaxNode,
  SyntaxNumber,
} from './syntax-tree.ts';

// Both parser instances share the grammar, so either one's visitor base fits their CSTs.
const BaseVisitor = recoveringParser.getBaseCstVisitorConstructorWithDefaults();

function isReal(token: IToken | undefined): token is IToken {
  return token !== undefined && !token.isInsertedInRecovery && Number.isFinite(token.startOffset);
}

class SyntaxTreeBuilder extends BaseVisitor {
  source!: Source;
  tokens: readonly IToken[] = [];
  errors: ConditionError[] = [];

  constructor() {
    super();
    this.validateVisitor();
  }

  private tokenSpan(token: IToken): Span {
    return this.source.span(token.startOffset, token.image.length);
  }

  private cover(first: Span, last: Span): Span {
    return this.source.range(first.offset, last.offset + last.length);
  }

  /**
   * Visits a child rule. A CST node that Chevrotain re-synced may miss children, so whatever
   * it yields is marked not intact (and so is every ancestor, see `intact` below).
   */
  private child(cst: CstNode | undefined): SyntaxNode | undefined {
    if (cst === undefined) return undefined;
    const node = this.visit(cst) as SyntaxNode | undefined;
    return node !== undefined && cst.recoveredNode === true && node.intact
      ? { ...node, intact: false }
      : node;
  }

  /** n-ary `and`/`or` from an infix chain; a chain of one is just its operand. */
  private infix(
    name: 'and' | 'or',
    operandCsts: CstNode[] | undefined,
    operators: IToken[] | undefined,
  ): SyntaxNode | undefined {
    const operands = (operandCsts ?? []).map((cst) => this.child(cst));
    const args = operands.filter((node): node is SyntaxNode => node !== undefined);
    if (operands.length === 1) return args[0];
    if (args.length === 0) return undefined;
    const operator = operators?.find(isReal);
    return {
      kind: 'call',
      name,
      nameSpan: operator ? this.tokenSpan(operator) : args[0]!.span,
      args,
      span: this.cover(args[0]!.span, args[args.length - 1]!.span),
      intact: args.length === operands.length && args.every((arg) => arg.intact),
    };
  }

  condition(ctx: { expression?: CstNode[] }): SyntaxNode | undefined {
    return this.child(ctx.expression?.[0]);
  }

  expression(ctx: ExpressionCtx): SyntaxNode | undefined {
    return this.infix('or', ctx.conjunction, ctx.Or);
  }

  conjunction(ctx: ConjunctionCtx): SyntaxNode | undefined {
    return this.infix('and', ctx.negation, ctx.And);
  }

  negation(ctx: NegationCtx): SyntaxNode | undefined {
    if (ctx.primary?.[0]) return this.child(ctx.primary[0]);
    const operand = this.child(ctx.negation?.[0]);
    const not = ctx.Not?.[0];
    if (!isReal(not)) return operand;
    const nameSpan = this.tokenSpan(not);
    return {
      kind: 'call',
      name: 'not',
      nameSpan,
      args: operand ? [operand] : [],
      span: operand ? this.cover(nameSpan, operand.span) : nameSpan,
      intact: operand !== undefined && operand.intact,
    };
  }

  primary(ctx: PrimaryCtx): SyntaxNode | undefined {
    if (ctx.call?.[0]) return this.child(ctx.call[0]);
    if (ctx.group?.[0]) return this.child(ctx.group[0]);
    const string = ctx.StringLiteral?.[0];
    if (isReal(string)) {
      return {
        kind: 'string',
        value: decodeStringLiteral(string.image, string.startOffset, this.source, this.errors),
        span: this.tokenSpan(string),
        intact: true,
      };
    }
    const number = ctx.NumberLiteral?.[0];
    if (isReal(number)) return this.number(number);
    return undefined;
  }

  call(ctx: CallCtx): SyntaxNode | undefined {
    const name = ctx.Identifier?.[0];
    if (!isReal(name)) return undefined;
    const nameSpan = this.tokenSpan(name);
    const args = (ctx.expression ?? []).map((cst) => this.child(cst));
    const present = args.filter((arg): arg is SyntaxNode => arg !== undefined);
    this.reportMissingCommas(args, ctx.Comma ?? []);
    const close = ctx.RParen?.[0];
    const last = isReal(close)
      ? this.tokenSpan(close)
      : (present[present.length - 1]?.span ?? nameSpan);
    return {
      kind: 'call',
      name: name.image,
      nameSpan,
      args: present,
      span: this.cover(nameSpan, last),
      intact:
        isReal(ctx.LParen?.[0]) &&
        isReal(close) &&
        present.length === args.length &&
        present.every((arg) => arg.intact),
    };
  }

  /** The grammar lets `f(a b)` through so that recovery stays on track; the error is here. */
  private reportMissingCommas(args: (SyntaxNode | undefined)[], commas: IToken[]): void {
    for (let i = 1; i < args.length; i++) {
      const before = args[i - 1];
      const after = args[i];
      if (before === undefined || after === undefined) continue;
      const gapStart = before.span.offset + before.span.length;
      const gapEnd = after.span.offset;
      if (
        commas.some(
          (comma) => isReal(comma) && comma.startOffset >= gapStart && comma.startOffset < gapEnd,
        )
      )
        continue;
      const found = this.firstTokenAt(gapStart);
      if (found === undefined) continue;
      this.errors.push(
        conditionError(
          'syntax',
          `Expected ',' between arguments but found ${describeToken(found)}`,
          this.tokenSpan(found),
          {
            expected: ["','"],
          },
        ),
      );
    }
  }

  /** The first token starting at or after `offset` (binary search; tokens are in order). */
  private firstTokenAt(offset: number): IToken | undefined {
    let lo = 0;
    let hi = this.tokens.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.tokens[mid]!.startOffset < offset) lo = mid + 1;
      else hi = mid;
    }
    return this.tokens[lo];
  }

  group(ctx: GroupCtx): SyntaxNode | undefined {
    // Parentheses only group; they leave no node of their own.
    return this.child(ctx.expression?.[0]);
  }

  private number(token: IToken): SyntaxNumber {
    const value = Number(token.image);
    // -0 and 0 are the same number to operators; keep one so format/parse round-trips exactly.
    // A literal too large for a double becomes Infinity, which the checker rejects.
    return {
      kind: 'number',
      value: value === 0 ? 0 : value,
      span: this.tokenSpan(token),
      intact: true,
    };
  }
}

// One instance, like the parser: parse() is synchronous, so its per-call fields never interleave.
const builder = new SyntaxTreeBuilder();

/** Builds the syntax tree; `errors` holds invalid string escapes. */
export function buildSyntaxTree(
  cst: CstNode,
  source: Source,
  tokens: readonly IToken[],
): { tree: SyntaxNode | undefined; errors: ConditionError[] } {
  builder.source = source;
  builder.tokens = tokens;
  builder.errors = [];
  const node = builder.visit(cst) as SyntaxNode | undefined;
  const tree = node !== undefined && cst.recoveredNode === true ? { ...node, intact: false } : node;
  return { tree, errors: builder.errors };
}
