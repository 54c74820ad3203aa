// The condition language's vocabulary. Order in `allTokens` matters: Chevrotain tries the
// patterns in this order at every position and takes the first match (with `longer_alt` for
// keywords), so more specific patterns come before more general ones.
import type { TokenType } from 'chevrotain';
import { createToken, Lexer } from './chevrotain.ts';

/** Any Unicode white space, including line breaks; never reaches the parser. */
export const WhiteSpace = createToken({
  name: 'WhiteSpace',
  pattern: /\s+/,
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/**
 * A function name. Dashes are allowed after the first character (`is-vip`, `github-star`).
 * The infix keywords below are also identifiers (via `categories`), because `and(...)`,
 * `or(...)` and `not(...)` are function calls as well.
 */
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_-]*/ });

// `longer_alt` keeps `android(` or `order(` from lexing as a keyword followed by letters.
export const And = createToken({
  name: 'And',
  pattern: /and/,
  longer_alt: Identifier,
  categories: [Identifier],
});
export const Or = createToken({
  name: 'Or',
  pattern: /or/,
  longer_alt: Identifier,
  categories: [Identifier],
});
export const Not = createToken({
  name: 'Not',
  pattern: /not/,
  longer_alt: Identifier,
  categories: [Identifier],
});

/**
 * A double-quoted string. A backslash escapes the next character (the escapes themselves are
 * decoded and validated later, with exact positions); raw line breaks are not allowed, so a
 * missing closing quote stops at the end of its line instead of swallowing the rest.
 */
export const StringLiteral = createToken({
  name: 'StringLiteral',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*"/,
});

/** Matches only where `StringLiteral` did not: a string whose closing quote is missing. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: /"(?:[^"\\\r\n]|\\[^\r\n])*\\?/,
});

/** Single-quoted text is a common slip; lexing it lets us say so instead of "unexpected '". */
export const SingleQuotedString = createToken({
  name: 'SingleQuotedString',
  pattern: /'(?:[^'\\\r\n]|\\[^\r\n])*'?/,
});

/** Integers and decimals, optionally negative. No exponents: operators write plain numbers. */
export const NumberLiteral = createToken({ name: 'NumberLiteral', pattern: /-?\d+(?:\.\d+)?/ });

export const LParen = createToken({ name: 'LParen', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', pattern: /\)/ });
export const Comma = createToken({ name: 'Comma', pattern: /,/ });

/** Tokens that the lexer may produce but that are always errors (reported before parsing). */
export const invalidTokens: ReadonlySet<TokenType> = new Set([
  UnterminatedString,
  SingleQuotedString,
]);

export const allTokens: TokenType[] = [
  WhiteSpace,
  // Keywords before Identifier; longer_alt hands longer words back to Identifier.
  And,
  Or,
  Not,
  Identifier,
  // The complete string first; the unterminated form is the fallback.
  StringLiteral,
  UnterminatedString,
  SingleQuotedString,
  NumberLiteral,
  LParen,
  RParen,
  Comma,
];

/**
 * One shared lexer. Only offsets are tracked: line and column are derived from offsets in one
 * place (source.ts), so every error uses the same line-break rules.
 */
export const conditionLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  ensureOptimizations: true,
});
