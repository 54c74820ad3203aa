// The untyped syntax tree build-syntax-tree.ts produces (build-typed-ast.ts types it against the registry), and
// the shapes of the CST nodes it reads them from.
import type { CstNode, IToken } from 'chevrotain';
import type { Span } from './ast.ts';

export interface SyntaxCall {
  readonly kind: 'call';
  readonly name: string;
  readonly nameSpan: Span;
  readonly args: readonly SyntaxNode[];
  readonly span: Span;
  /** False when error recovery dropped, skipped or invented anything in this call's subtree. */
  readonly intact: boolean;
}

export interface SyntaxString {
  readonly kind: 'string';
  readonly value: string;
  readonly span: Span;
  readonly intact: boolean;
}

export interface SyntaxNumber {
  readonly kind: 'number';
  readonly value: number;
  readonly span: Span;
  readonly intact: boolean;
}

export type SyntaxNode = SyntaxCall | SyntaxString | SyntaxNumber;

// Children of each grammar rule's CST node (names as in parser.ts); absent after recovery.
export interface ExpressionCtx {
  conjunction?: CstNode[];
  Or?: IToken[];
}
export interface ConjunctionCtx {
  negation?: CstNode[];
  And?: IToken[];
}
export interface NegationCtx {
  Not?: IToken[];
  negation?: CstNode[];
  primary?: CstNode[];
}
export interface PrimaryCtx {
  call?: CstNode[];
  group?: CstNode[];
  StringLiteral?: IToken[];
  NumberLiteral?: IToken[];
}
export interface CallCtx {
  Identifier?: IToken[];
  LParen?: IToken[];
  expression?: CstNode[];
  Comma?: IToken[];
  RParen?: IToken[];
}
export interface GroupCtx {
  expression?: CstNode[];
}
