// The escapes of a string literal, JSON's: \" \\ \/ \n \r \t \b \f and \uXXXX. Each invalid
// escape is reported at its exact position in the condition.
import { conditionError, type ConditionError, type ConditionErrorCode } from './errors.ts';
import type { Source } from './source.ts';

const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
};

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** What one escape (at `body[at] === '\\'`) stands for and how many characters it spans. */
type Escape =
  { text: string; length: number } | { error: ConditionErrorCode; message: string; length: number };

/** The code unit of a complete `\uXXXX` escape at `at`, or undefined when there is none. */
function unicodeUnitAt(body: string, at: number): number | undefined {
  if (body[at] !== '\\' || body[at + 1] !== 'u') return undefined;
  const hex = body.slice(at + 2, at + 6);
  return /^[0-9A-Fa-f]{4}$/.test(hex) ? parseInt(hex, 16) : undefined;
}

function unicodeEscape(body: string, at: number): Escape {
  const unit = unicodeUnitAt(body, at);
  if (unit === undefined) {
    const hex = body.slice(at + 2, at + 6);
    const validDigits = /^[0-9A-Fa-f]*/.exec(hex)![0].length;
    const length = 2 + validDigits + (validDigits < hex.length ? 1 : 0);
    return {
      error: 'syntax',
      message: `Invalid escape '${body.slice(at, at + length)}' in string: \\u takes exactly 4 hexadecimal digits, as in \\u00e9`,
      length,
    };
  }
  const low = isHighSurrogate(unit) ? unicodeUnitAt(body, at + 6) : undefined;
  if (low !== undefined && isLowSurrogate(low))
    return { text: String.fromCharCode(unit, low), length: 12 };
  // PostgreSQL refuses a NUL in text: a condition comparing with one would fail every run.
  if (unit === 0)
    return {
      error: 'invalid_character',
      message: `The escape '${body.slice(at, at + 6)}' is a NUL character, which cannot be stored; leave it out`,
      length: 6,
    };
  if (!isHighSurrogate(unit) && !isLowSurrogate(unit))
    return { text: String.fromCharCode(unit), length: 6 };
  // Half a pair has no UTF-8 form: stored or compared in SQL it becomes U+FFFD, so the condition
  // that ran would not be the one that validated (parse.ts refuses a raw half for that reason).
  return {
    error: 'invalid_character',
    message: `The escape '${body.slice(at, at + 6)}' is half of a UTF-16 surrogate pair, which cannot be stored; write the character itself or both halves, as in \\ud83d\\ude00`,
    length: 6,
  };
}

function escapeAt(body: string, at: number): Escape {
  const next = body[at + 1] ?? '';
  if (next === 'u') return unicodeEscape(body, at);
  const text = ESCAPES[next];
  if (text !== undefined) return { text, length: 2 };
  return {
    error: 'syntax',
    message: `Invalid escape '\\${next}' in string; valid escapes are \\" \\\\ \\/ \\n \\r \\t \\b \\f \\uXXXX`,
    length: 2,
  };
}

/**
 * Decodes the literal whose token text (quotes included) starts at `startOffset`. `errors`
 * gets one entry per invalid escape; the value is meaningful only when there are none.
 */
export function decodeStringLiteral(
  image: string,
  startOffset: number,
  source: Source,
  errors: ConditionError[],
): string {
  const body = image.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length;) {
    if (body[i] !== '\\') {
      out += body[i]!;
      i++;
      continue;
    }
    const escape = escapeAt(body, i);
    if ('text' in escape) out += escape.text;
    else
      errors.push(
        conditionError(
          escape.error,
          escape.message,
          source.span(startOffset + 1 + i, escape.length),
        ),
      );
    i += escape.length;
  }
  return out;
}
