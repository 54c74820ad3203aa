// text → typed AST or errors. The stages, each bounded before the next runs:
//   1. length limit (before any work proportional to the input)
//   2. characters no database can store (NUL, half of a surrogate pair), anywhere, strings too
//   3. lexing (unexpected characters, unterminated or single-quoted strings)
//   4. empty input
//   5. nesting limit on the tokens (before the recursive-descent parser can overflow the stack)
//   6. parsing, with Chevrotain error recovery unless the input is very long (syntax errors,
//      trailing input); stopped after a dozen errors (see syntax-messages.ts)
//   7. syntax tree (string escapes) and checking against the registry
// Never throws: every failure is a ConditionError.
import type { CstNode, IToken } from 'chevrotain';
import type { ConditionAst } from './ast.ts';
import { buildSyntaxTree } from './build-syntax-tree.ts';
import { buildTypedAst } from './build-typed-ast.ts';
import { conditionError, sortErrors, type ConditionError } from './errors.ts';
import { LIMITS, TOO_DEEP_MESSAGE } from './limits.ts';
import { recoveringParser, strictParser } from './parser.ts';
import { createSource, type Source } from './source.ts';
import { ErrorLimitReached, resetErrorBudget, toSyntaxErrors } from './syntax-messages.ts';
import {
  conditionLexer,
  invalidTokens,
  LParen,
  Not,
  RParen,
  SingleQuotedString,
  Identifier,
} from './tokens.ts';

export type ParseResult = { ok: true; ast: ConditionAst } | { ok: false; errors: ConditionError[] };

/** Above this many tokens a syntax error stops the parse (see below). */
const RECOVERY_TOKEN_LIMIT = 1000;

/** An operator fixes the first errors first; hundreds of them would only bury those. */
const MAX_REPORTED_ERRORS = 20;

const fail = (errors: ConditionError[]): ParseResult => ({
  ok: false,
  errors: sortErrors(errors).slice(0, MAX_REPORTED_ERRORS),
});

/** Shows text in a message: JSON-escaped (so control characters are visible), shortened. */
function shown(text: string): string {
  const escaped = JSON.stringify(text.length > 24 ? `${text.slice(0, 24)}…` : text).slice(1, -1);
  return `'${escaped}'`;
}

function lexicalErrors(
  source: Source,
  tokens: IToken[],
  lexerErrors: { offset: number; length: number }[],
): ConditionError[] {
  const errors = lexerErrors.map(({ offset, length }) => {
    const text = source.text.slice(offset, offset + length);
    const what = length === 1 ? 'character' : 'characters';
    return conditionError(
      'syntax',
      `Unexpected ${what} ${shown(text)}`,
      source.span(offset, length),
    );
  });
  for (const token of tokens) {
    if (!invalidTokens.has(token.tokenType)) continue;
    const span = source.span(token.startOffset, token.image.length);
    if (token.tokenType === SingleQuotedString) {
      const inner =
        token.image.endsWith("'") && token.image.length > 1 ? token.image.slice(1, -1) : undefined;
      const suggestion = inner !== undefined && !inner.includes('"') ? `"${inner}"` : undefined;
      errors.push(
        conditionError(
          'syntax',
          'Strings are written in double quotes, e.g. "org001"',
          span,
          suggestion ? { suggestion } : {},
        ),
      );
    } else {
      errors.push(conditionError('syntax', 'Unterminated string: the closing " is missing', span));
    }
  }
  return errors;
}

/**
 * NUL and unpaired surrogates. A condition is stored as text and its strings are compared in
 * SQL: PostgreSQL refuses a NUL in text (the write fails), and an unpaired surrogate has no
 * UTF-8 form (drivers store U+FFFD, so what ran would not be what validated). They are refused
 * wherever they are, with their position, rather than only where the lexer would trip on them.
 */
function unstorableCharacters(source: Source): ConditionError[] {
  const errors: ConditionError[] = [];
  const text = source.text;
  for (let i = 0; i < text.length && errors.length < MAX_REPORTED_ERRORS; i++) {
    const unit = text.charCodeAt(i);
    const paired = unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
    if (paired) {
      i++;
      continue;
    }
    if (unit === 0 || (unit >= 0xd800 && unit <= 0xdfff)) {
      const what =
        unit === 0
          ? 'a NUL character'
          : `half of a UTF-16 surrogate pair (\\u${unit.toString(16)})`;
      errors.push(
        conditionError(
          'invalid_character',
          `The condition contains ${what}, which cannot be stored`,
          source.span(i, 1),
        ),
      );
    }
  }
  return errors;
}

/**
 * The nesting the parser will recurse into: open parentheses plus prefix `not`s, each `not`
 * lasting until the operand after it is complete. Checked on tokens, iteratively, so even a
 * 10 000-character `((((…` is rejected without deep recursion.
 */
function nestingError(source: Source, tokens: IToken[]): ConditionError | undefined {
  let depth = 0;
  let pendingNots = 0;
  const notsPerParen: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    const type = token.tokenType;
    if (type === Not && tokens[i + 1]?.tokenType !== LParen) {
      pendingNots++;
    } else if (type === LParen) {
      depth += 1 + pendingNots;
      notsPerParen.push(pendingNots);
      pendingNots = 0;
    } else if (type === RParen) {
      // An unmatched ')' changes nothing here; the parser reports it.
      if (notsPerParen.length > 0) depth -= 1 + notsPerParen.pop()!;
    } else if (type !== Identifier && type !== Not) {
      // A literal, comma or operator ends a run of `not`s (a name keeps it: its call follows).
      pendingNots = 0;
    }
    if (depth + pendingNots > LIMITS.maxDepth) {
      return conditionError(
        'too_deep',
        TOO_DEEP_MESSAGE,
        source.span(token.startOffset, token.image.length),
      );
    }
  }
  return undefined;
}

export function parse(text: string): ParseResult {
  if (typeof text !== 'string') text = '';
  const source = createSource(text);

  if (text.length > LIMITS.maxLength) {
    return fail([
      conditionError(
        'too_long',
        `The condition is too long: ${text.length} characters, at most ${LIMITS.maxLength} are allowed`,
        source.range(LIMITS.maxLength, text.length),
      ),
    ]);
  }

  const unstorable = unstorableCharacters(source);
  if (unstorable.length > 0) return fail(unstorable);

  const lexed = conditionLexer.tokenize(text);
  const lexical = lexicalErrors(source, lexed.tokens, lexed.errors);
  if (lexical.length > 0) return fail(lexical);
  const tokens = lexed.tokens;

  if (tokens.length === 0) {
    return fail([
      conditionError(
        'empty',
        'The condition is empty; write true() to match every user',
        source.span(0, 0),
        {
          suggestion: 'true()',
        },
      ),
    ]);
  }

  const tooDeep = nestingError(source, tokens);
  if (tooDeep) return fail([tooDeep]);

  // Recovery reports several errors at once, but each recovered error may scan the rest of the
  // input again. Hand-written conditions are far below the threshold; past it, the parser
  // stops at the first error, which keeps the worst case linear in the input.
  const parser = tokens.length <= RECOVERY_TOKEN_LIMIT ? recoveringParser : strictParser;
  parser.input = tokens;
  resetErrorBudget();
  let cst: CstNode | undefined;
  try {
    cst = parser.condition();
  } catch (error) {
    // Enough errors to show; the rest of the input is not examined (and the CST is partial).
    if (!(error instanceof ErrorLimitReached)) throw error;
  }
  const { errors: syntaxErrors, damagedOffsets } = toSyntaxErrors(parser.errors, source, tokens);

  const errors = [...syntaxErrors];
  let ast: ConditionAst | undefined;
  if (cst !== undefined) {
    const built = buildSyntaxTree(cst, source, tokens);
    errors.push(...built.errors);
    if (built.tree !== undefined) {
      const checked = buildTypedAst(built.tree, { damagedOffsets });
      errors.push(...checked.errors);
      ast = checked.ast;
    }
  }
  if (errors.length > 0 || ast === undefined) {
    return fail(
      errors.length > 0
        ? errors
        : [conditionError('syntax', 'The condition could not be read', source.span(0, 0))],
    );
  }
  return { ok: true, ast };
}
