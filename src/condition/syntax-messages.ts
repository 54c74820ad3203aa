// Turns Chevrotain's recognition exceptions into our ConditionErrors: operator-friendly wording,
// an `expected` list, the code (`syntax` or `trailing_input`) and the exact span.
//
// Chevrotain builds the message when it raises an exception and keeps nothing else about what
// it expected, so our message provider returns a small JSON payload instead of prose, and
// `toSyntaxErrors` writes the message. It does so from the lexed tokens around the error,
// because the `previous` token Chevrotain passes is unreliable after recovery skipped tokens.
import type {
  IParserErrorMessageProvider,
  IRecognitionException,
  IToken,
  TokenType,
} from 'chevrotain';
import { EOF } from './chevrotain.ts';
import { conditionError, type ConditionError } from './errors.ts';
import type { Source } from './source.ts';
import {
  allTokens,
  And,
  Comma,
  Identifier,
  LParen,
  Not,
  NumberLiteral,
  Or,
  RParen,
  StringLiteral,
} from './tokens.ts';

type Payload =
  | { kind: 'mismatch'; expected: string; rule: string }
  | { kind: 'no_viable_alternative' }
  | { kind: 'trailing' };

/**
 * Error recovery is costly: each recovered error walks the rule stack and may scan ahead
 * through the tokens, so a hostile 10 000-character input full of errors could keep a parse
 * busy for seconds. The provider is called once per error, before recovery starts, so it is
 * where a parse is stopped once it has found enough errors to show.
 */
const MAX_RECOGNITION_ERRORS = 12;
let errorBudget = MAX_RECOGNITION_ERRORS;

/** Thrown by the message provider to abandon a parse that has found enough errors. */
export class ErrorLimitReached extends Error {}

/** Call before every parse. */
export function resetErrorBudget(): void {
  errorBudget = MAX_RECOGNITION_ERRORS;
}

function encode(payload: Payload): string {
  if (--errorBudget < 0) throw new ErrorLimitReached('too many syntax errors');
  return JSON.stringify(payload);
}

export const syntaxMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected, ruleName }) =>
    encode({ kind: 'mismatch', expected: expected.name, rule: ruleName }),
  buildNotAllInputParsedMessage: () => encode({ kind: 'trailing' }),
  buildNoViableAltMessage: () => encode({ kind: 'no_viable_alternative' }),
  // The grammar has no AT_LEAST_ONE, so this never fires; treat it like a missing alternative.
  buildEarlyExitMessage: () => encode({ kind: 'no_viable_alternative' }),
};

const TOKEN_TYPES = new Map<string, TokenType>(
  [...allTokens, EOF].map((type) => [type.name, type]),
);

const TOKEN_DESCRIPTIONS = new Map<TokenType, string>([
  [LParen, "'('"],
  [RParen, "')'"],
  [Comma, "','"],
  [And, "'and'"],
  [Or, "'or'"],
  [Not, "'not'"],
  [Identifier, 'a function name'],
  [StringLiteral, 'a string'],
  [NumberLiteral, 'a number'],
  [EOF, 'end of input'],
]);

/** What may start an expression (a condition or a literal argument). */
const EXPRESSION_START = ['a function name', "'not'", "'('", 'a string', 'a number'];

const MAX_SHOWN = 24;

/** How a token is named in a message: its text, quoted, or "end of input". */
export function describeToken(token: IToken | undefined): string {
  if (token === undefined || token.tokenType === EOF) return 'end of input';
  const image =
    token.image.length > MAX_SHOWN ? `${token.image.slice(0, MAX_SHOWN)}…` : token.image;
  if (token.tokenType === StringLiteral) return `string ${image}`;
  if (token.tokenType === NumberLiteral) return `number ${image}`;
  return `'${image}'`;
}

function isNameToken(token: IToken | undefined): boolean {
  return (
    token !== undefined &&
    (token.tokenType === Identifier || (token.tokenType.CATEGORIES ?? []).includes(Identifier))
  );
}

function listAlternatives(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}

function decode(message: string): Payload | undefined {
  try {
    return JSON.parse(message) as Payload;
  } catch {
    return undefined; // Not produced by our provider; cannot happen, handled anyway.
  }
}

function isRealToken(token: IToken | undefined): token is IToken {
  return (
    token !== undefined &&
    token.tokenType !== EOF &&
    !token.isInsertedInRecovery &&
    Number.isFinite(token.startOffset)
  );
}

function callHint(
  name: IToken,
  found: IToken | undefined,
): { message: string; expected: string[] } {
  return {
    message: `Expected '(' after '${name.image}' but found ${describeToken(found)}: functions are called with parentheses, as in ${name.image}()`,
    expected: ["'('"],
  };
}

function describeError(
  payload: Payload | undefined,
  token: IToken | undefined,
  previous: IToken | undefined,
  next: IToken | undefined,
): { message: string; expected: string[] } {
  const found = describeToken(token);
  switch (payload?.kind) {
    case 'trailing':
      return {
        message: `Unexpected ${found} after the end of the condition; combine conditions with 'and' or 'or'`,
        expected: ["'and'", "'or'", 'end of input'],
      };
    case 'mismatch': {
      const expected = TOKEN_TYPES.get(payload.expected);
      if (expected === LParen && payload.rule === 'call' && isNameToken(previous))
        return callHint(previous!, token);
      if (expected === RParen && payload.rule === 'call') {
        // Inside a call the parser stops at a token that can neither continue nor close the
        // argument list; say both, so a stray token is as clear as a missing ')'.
        const wanted = previous?.tokenType === LParen ? ['an argument', "')'"] : ["','", "')'"];
        return {
          message: `Expected ${listAlternatives(wanted)} but found ${found}`,
          expected: wanted,
        };
      }
      const wanted = expected
        ? (TOKEN_DESCRIPTIONS.get(expected) ?? expected.name)
        : payload.expected;
      return { message: `Expected ${wanted} but found ${found}`, expected: [wanted] };
    }
    default:
      // A bare name: calls need "name (", and the parser saw no "(".
      if (isNameToken(token) && next?.tokenType !== LParen) return callHint(token!, next);
      return {
        message: `Expected a condition such as true() or a value but found ${found}`,
        expected: EXPRESSION_START,
      };
  }
}

/**
 * Converts the parser's exceptions, in order. `tokens` is the lexed input. Errors at the end of
 * input point just after the last token (so a missing ')' is shown where it belongs, not after
 * trailing blank lines). Also returns every offset where recovery reported or skipped input,
 * which the checker uses to avoid reporting follow-on errors there.
 */
export function toSyntaxErrors(
  exceptions: readonly IRecognitionException[],
  source: Source,
  tokens: readonly IToken[],
): { errors: ConditionError[]; damagedOffsets: number[] } {
  if (exceptions.length === 0) return { errors: [], damagedOffsets: [] };
  const indexOf = new Map(tokens.map((token, index) => [token, index]));
  const lastToken = tokens[tokens.length - 1];
  const inputEnd = lastToken ? lastToken.startOffset + lastToken.image.length : 0;
  const seen = new Set<number>();
  const errors: ConditionError[] = [];
  const damagedOffsets: number[] = [];

  for (const exception of exceptions) {
    for (const skipped of exception.resyncedTokens)
      if (isRealToken(skipped)) damagedOffsets.push(skipped.startOffset);
    const payload = decode(exception.message);
    const trailing = payload?.kind === 'trailing';
    const token = isRealToken(exception.token) ? exception.token : undefined;
    const index = token ? indexOf.get(token) : undefined;
    const previous = index !== undefined ? tokens[index - 1] : lastToken;
    const next = index !== undefined ? tokens[index + 1] : undefined;
    const span = token
      ? trailing
        ? source.range(token.startOffset, inputEnd)
        : source.span(token.startOffset, token.image.length)
      : source.span(inputEnd, 0);
    damagedOffsets.push(span.offset);
    // After a recovered error, leftover input is almost always that error's echo (recovery
    // stopped at a ')' that then closed the wrong call); reporting it would only mislead.
    if (trailing && errors.length > 0) continue;
    const { message, expected } = describeError(payload, token, previous, next);
    // Recovery can stumble twice at one position (e.g. a failed alternative, then a re-sync);
    // the first report is the one that describes what the operator wrote.
    if (seen.has(span.offset)) continue;
    seen.add(span.offset);
    errors.push(
      conditionError(trailing ? 'trailing_input' : 'syntax', message, span, { expected }),
    );
  }
  return { errors, damagedOffsets };
}
