// Canonical text: prefix calls, ", " between arguments, double-quoted strings with the minimal
// escapes, plain decimal numbers. parse(format(ast)) gives back the same AST (spans aside),
// which is what the API stores and shows, whatever spelling the operator used.
import type { ConditionAst, LiteralArg } from './ast.ts';

export function format(ast: ConditionAst): string {
  return `${ast.name}(${ast.args.map(formatArg).join(', ')})`;
}

function formatArg(arg: ConditionAst | LiteralArg): string {
  switch (arg.kind) {
    case 'call':
      return format(arg);
    case 'string':
    case 'timestamp':
      return quote(arg.value);
    case 'number':
      return formatNumber(arg.value);
  }
}

/** Escapes what the lexer needs escaped, control characters and unpaired surrogates. */
export function quote(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    const c = value[i]!;
    if (c === '"') out += '\\"';
    else if (c === '\\') out += '\\\\';
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += unicodeEscape(code);
    else if (code >= 0xd800 && code <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value.slice(i, i + 2);
        i++;
      } else out += unicodeEscape(code);
    } else if (code >= 0xdc00 && code <= 0xdfff) out += unicodeEscape(code);
    else out += c;
  }
  return `${out}"`;
}

function unicodeEscape(code: number): string {
  return `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * A number as the lexer reads it: no exponent (1e21 → "1000000000000000000000"), "-" only for
 * negatives. JavaScript's shortest round-trip digits are kept, so Number(text) === value.
 */
export function formatNumber(value: number): string {
  const text = String(value === 0 ? 0 : value);
  const match = /^(-?)(\d+)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = '', exponentText] = match;
  const digits = whole! + fraction;
  const exponent = Number(exponentText);
  // Position of the decimal point within `digits` after applying the exponent.
  const point = whole!.length + exponent;
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}
