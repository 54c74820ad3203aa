import { describe, expect, it } from 'vitest';
import {
  format,
  LIMITS,
  parse,
  type ConditionAst,
  type ConditionError,
} from '../../src/condition/index.ts';
import { withoutSpans } from './arbitraries.ts';

function astOf(text: string): ConditionAst {
  const result = parse(text);
  if (!result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to parse: ${JSON.stringify(result.errors)}`);
  return result.ast;
}

function errorsOf(text: string): ConditionError[] {
  const result = parse(text);
  if (result.ok)
    throw new Error(`expected ${JSON.stringify(text)} to fail, got ${format(result.ast)}`);
  return result.errors;
}

const canonical = (text: string) => format(astOf(text));

const KNOWN =
  'Known functions: and, or, not, true, false, match-user, register-before, register-after, access-after, access-before, github-star, is-vip, belong-to, quota-le, quota-ge.';
const EXPRESSION_START = ['a function name', "'not'", "'('", 'a string', 'a number'];
const AFTER_END = ["'and'", "'or'", 'end of input'];
const TOO_DEEP = `The condition is nested too deeply: at most ${LIMITS.maxDepth} levels are allowed`;

describe('parse: accepted conditions and their canonical form', () => {
  it.each([
    // The forms quoted in the issue, as operators already write them.
    ['github-star("zgsm-ai.zgsm")', 'github-star("zgsm-ai.zgsm")'],
    ['and(is-vip(2), belong-to("org001"))', 'and(is-vip(2), belong-to("org001"))'],
    [
      'or(and(is-vip(3), true()), and(false(), github-star("project")))',
      'or(and(is-vip(3), true()), and(false(), github-star("project")))',
    ],
    ['not(is-vip(2))', 'not(is-vip(2))'],
    [
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
    ],
    [
      'not(and(or(quota-le("m",10),not(is-vip(2))),not(or(github-star("p"),belong-to("o")))))',
      'not(and(or(quota-le("m", 10), not(is-vip(2))), not(or(github-star("p"), belong-to("o")))))',
    ],
    [
      'or(and(is-vip(3), github-star("zgsm")), and(register-before("2024-01-01 00:00:00"), belong-to("org002")))',
      'or(and(is-vip(3), github-star("zgsm")), and(register-before("2024-01-01 00:00:00"), belong-to("org002")))',
    ],
    // Every function.
    ['true()', 'true()'],
    ['false()', 'false()'],
    ['match-user("u1", "u2")', 'match-user("u1", "u2")'],
    ['register-before("2024-01-01")', 'register-before("2024-01-01")'],
    ['register-after("2024-01-01 08:00:00")', 'register-after("2024-01-01 08:00:00")'],
    ['access-after("2024-01-01T08:00:00Z")', 'access-after("2024-01-01T08:00:00Z")'],
    [
      'access-before("2024-01-01T08:00:00.123+08:00")',
      'access-before("2024-01-01T08:00:00.123+08:00")',
    ],
    ['is-vip(0)', 'is-vip(0)'],
    ['belong-to("a", "b", "c")', 'belong-to("a", "b", "c")'],
    ['quota-le("gpt-4o", 10.5)', 'quota-le("gpt-4o", 10.5)'],
    ['quota-ge("gpt-4o", -3)', 'quota-ge("gpt-4o", -3)'],
    // Whitespace and newlines anywhere between tokens.
    [
      '\n  and (\n\tis-vip( 2 ) ,belong-to(\r\n"org001"\n) )\n',
      'and(is-vip(2), belong-to("org001"))',
    ],
    ['\u00a0true()\u3000', 'true()'],
    // Numbers are canonicalised.
    ['is-vip(2.0)', 'is-vip(2)'],
    ['quota-le("m", -1.50)', 'quota-le("m", -1.5)'],
    ['quota-le("m", -0)', 'quota-le("m", 0)'],
    ['quota-ge("m", 0.0000001)', 'quota-ge("m", 0.0000001)'],
    ['quota-ge("m", 1000000000000000000000000)', 'quota-ge("m", 1000000000000000000000000)'],
    // Keywords are also function names.
    ['or(true(), false()) and not(false())', 'and(or(true(), false()), not(false()))'],
    ['android()', null],
  ])('%j → %j', (text, expected) => {
    if (expected === null) expect(parse(text).ok).toBe(false);
    else expect(canonical(text)).toBe(expected);
  });

  it('gives every node its source span', () => {
    const ast = astOf('and(\n  is-vip(2),\n  belong-to("org001"))');
    expect(ast.span).toEqual({ offset: 0, length: 40, line: 1, column: 1 });
    const [vip, org] = ast.args as ConditionAst[];
    expect(vip!.span).toEqual({ offset: 7, length: 9, line: 2, column: 3 });
    expect(vip!.args[0]!.span).toEqual({ offset: 14, length: 1, line: 2, column: 10 });
    expect(org!.span).toEqual({ offset: 20, length: 19, line: 3, column: 3 });
    expect(org!.args[0]).toEqual({
      kind: 'string',
      value: 'org001',
      span: { offset: 30, length: 8, line: 3, column: 13 },
    });
  });

  it('keeps timestamps as the literal text (the zone is applied when evaluating)', () => {
    const ast = astOf('register-before("2024-01-01 08:00:00")');
    expect(ast.args[0]).toMatchObject({ kind: 'timestamp', value: '2024-01-01 08:00:00' });
  });
});

describe('parse: infix operators', () => {
  it.each([
    ['is-vip(2) and belong-to("org001")', 'and(is-vip(2), belong-to("org001"))'],
    ['true() or false() and true()', 'or(true(), and(false(), true()))'],
    ['true() and false() or true()', 'or(and(true(), false()), true())'],
    ['(true() or false()) and true()', 'and(or(true(), false()), true())'],
    ['true() and false() and true()', 'and(true(), false(), true())'],
    ['true() or false() or true() and false()', 'or(true(), false(), and(true(), false()))'],
    ['(true() and false()) and true()', 'and(and(true(), false()), true())'],
    ['not is-vip(2)', 'not(is-vip(2))'],
    ['not is-vip(2) and true()', 'and(not(is-vip(2)), true())'],
    ['not (is-vip(2) and true())', 'not(and(is-vip(2), true()))'],
    ['not not true()', 'not(not(true()))'],
    ['not (true())', 'not(true())'],
    ['((((true()))))', 'true()'],
    ['and(true() or false(), not false())', 'and(or(true(), false()), not(false()))'],
    ['is-vip(1)\nand\nnot\nbelong-to("o")', 'and(is-vip(1), not(belong-to("o")))'],
  ])('%j → %j', (text, expected) => {
    expect(canonical(text)).toBe(expected);
  });

  it.each([
    ['a and b', 'and(a, b)'],
    ['a or b and c', 'or(a, and(b, c))'],
    ['not a or b', 'or(not(a), b)'],
    ['not (a or b)', 'not(or(a, b))'],
    ['a and (b or c) and not d', 'and(a, or(b, c), not(d))'],
  ])('infix %j means the same AST as prefix %j', (infix, prefix) => {
    const leaves: Record<string, string> = {
      a: 'is-vip(1)',
      b: 'belong-to("o")',
      c: 'github-star("r")',
      d: 'true()',
    };
    const expand = (text: string) => text.replace(/\b[a-d]\b/g, (leaf) => leaves[leaf]!);
    expect(withoutSpans(astOf(expand(infix)))).toEqual(withoutSpans(astOf(expand(prefix))));
  });
});

describe('parse: escapes that decode to half of a surrogate pair (issue 23)', () => {
  const half = (escape: string) =>
    `The escape '${escape}' is half of a UTF-16 surrogate pair, which cannot be stored; write the character itself or both halves, as in \\ud83d\\ude00`;

  it.each([
    ['a lone high half', String.raw`belong-to("\ud800")`, ['\\ud800', 1, 12]],
    ['a lone low half', String.raw`belong-to("a\udc00")`, ['\\udc00', 1, 13]],
    ['a high half before a letter', String.raw`belong-to("\ud83dx")`, ['\\ud83d', 1, 12]],
    ['a high half before a raw pair', String.raw`belong-to("\ud83d😀")`, ['\\ud83d', 1, 12]],
    ['a high half at the end of the string', String.raw`belong-to("x\uD83D")`, ['\\uD83D', 1, 13]],
    ['a lone low half on line 2', 'true() and\n  belong-to("\\udfff")', ['\\udfff', 2, 14]],
  ])('refuses %s with its line and column', (_label, text, [escape, line, column]) => {
    expect(errorsOf(text)).toEqual([
      { code: 'invalid_character', message: half(escape as string), line, column, length: 6 },
    ]);
  });

  it('refuses an escape that decodes to NUL, which PostgreSQL cannot compare with', () => {
    expect(errorsOf(String.raw`belong-to("a\u0000")`)).toEqual([
      {
        code: 'invalid_character',
        message: "The escape '\\u0000' is a NUL character, which cannot be stored; leave it out",
        line: 1,
        column: 13,
        length: 6,
      },
    ]);
  });

  it('reports each half of a pair written the wrong way round, and two high halves', () => {
    expect(errorsOf(String.raw`match-user("\ude00\ud83d", "\ud800\ud800")`)).toEqual([
      { code: 'invalid_character', message: half('\\ude00'), line: 1, column: 13, length: 6 },
      { code: 'invalid_character', message: half('\\ud83d'), line: 1, column: 19, length: 6 },
      { code: 'invalid_character', message: half('\\ud800'), line: 1, column: 29, length: 6 },
      { code: 'invalid_character', message: half('\\ud800'), line: 1, column: 35, length: 6 },
    ]);
  });

  it('reports a high half before an invalid escape, and the invalid escape', () => {
    expect(errorsOf(String.raw`belong-to("\ud83d\u12G4")`).map((e) => [e.code, e.column])).toEqual([
      ['invalid_character', 12],
      ['syntax', 18],
    ]);
  });

  it.each([
    [String.raw`belong-to("\ud83d\ude00")`, '😀'],
    [String.raw`belong-to("\uD83D\uDE00!")`, '😀!'],
    [String.raw`belong-to("a\ud83d\ude00\ud83c\udf89b")`, 'a😀🎉b'],
    [String.raw`belong-to("\\ud800")`, '\\ud800'],
  ])('decodes %s', (text, value) => {
    const ast = astOf(text);
    expect((ast.args[0] as { value: string }).value).toBe(value);
  });
});

describe('parse: string escapes', () => {
  it('decodes \\" \\\\ \\/ \\n \\r \\t \\b \\f and \\uXXXX', () => {
    const ast = astOf(
      String.raw`match-user("a\"b", "c\\d", "\/", "e\nf", "\r\t\b\f", "\u00e9\u00C9", "\ud83d\ude00")`,
    );
    expect(ast.args.map((arg) => (arg as { value: string }).value)).toEqual([
      'a"b',
      'c\\d',
      '/',
      'e\nf',
      '\r\t\b\f',
      'éÉ',
      '😀',
    ]);
    expect(format(ast)).toBe(
      String.raw`match-user("a\"b", "c\\d", "/", "e\nf", "\r\t\u0008\u000c", "éÉ", "😀")`,
    );
  });

  it('reports each invalid escape at its own position', () => {
    expect(errorsOf('and(\n  belong-to("a\\qb"),\n  github-star("\\u12G4", "\\u00"))')).toEqual([
      {
        code: 'syntax',
        message:
          "Invalid escape '\\q' in string; valid escapes are \\\" \\\\ \\/ \\n \\r \\t \\b \\f \\uXXXX",
        line: 2,
        column: 15,
        length: 2,
      },
      {
        code: 'syntax',
        message:
          "Invalid escape '\\u12G' in string: \\u takes exactly 4 hexadecimal digits, as in \\u00e9",
        line: 3,
        column: 16,
        length: 5,
      },
      {
        code: 'syntax',
        message:
          "Invalid escape '\\u00' in string: \\u takes exactly 4 hexadecimal digits, as in \\u00e9",
        line: 3,
        column: 26,
        length: 4,
      },
    ]);
  });
});

describe('parse: errors, with exact messages and positions', () => {
  it.each<[string, string, ConditionError[]]>([
    [
      'empty',
      '',
      [
        {
          code: 'empty',
          message: 'The condition is empty; write true() to match every user',
          line: 1,
          column: 1,
          length: 0,
          suggestion: 'true()',
        },
      ],
    ],
    [
      'whitespace only',
      ' \n\t \r\n ',
      [
        {
          code: 'empty',
          message: 'The condition is empty; write true() to match every user',
          line: 1,
          column: 1,
          length: 0,
          suggestion: 'true()',
        },
      ],
    ],
    [
      'trailing input (the Go original accepted it)',
      'true() junk',
      [
        {
          code: 'trailing_input',
          message:
            "Unexpected 'junk' after the end of the condition; combine conditions with 'and' or 'or'",
          line: 1,
          column: 8,
          length: 4,
          expected: AFTER_END,
        },
      ],
    ],
    [
      'trailing input over several lines is underlined to its end',
      'is-vip(1)\n\n  junk more(\n  x',
      [
        {
          code: 'trailing_input',
          message:
            "Unexpected 'junk' after the end of the condition; combine conditions with 'and' or 'or'",
          line: 3,
          column: 3,
          length: 14,
          expected: AFTER_END,
        },
      ],
    ],
    [
      'a second condition without an operator',
      'true() false()',
      [
        {
          code: 'trailing_input',
          message:
            "Unexpected 'false' after the end of the condition; combine conditions with 'and' or 'or'",
          line: 1,
          column: 8,
          length: 7,
          expected: AFTER_END,
        },
      ],
    ],
    [
      'an extra closing parenthesis',
      'and(true(), false()))',
      [
        {
          code: 'trailing_input',
          message:
            "Unexpected ')' after the end of the condition; combine conditions with 'and' or 'or'",
          line: 1,
          column: 21,
          length: 1,
          expected: AFTER_END,
        },
      ],
    ],
    [
      'a missing closing parenthesis is reported where it belongs, not after blank lines',
      'and(true(),\n  false()\n\n',
      [
        {
          code: 'syntax',
          message: "Expected ',' or ')' but found end of input",
          line: 2,
          column: 10,
          length: 0,
          expected: ["','", "')'"],
        },
      ],
    ],
    [
      'an unclosed group',
      '(true()',
      [
        {
          code: 'syntax',
          message: "Expected ')' but found end of input",
          line: 1,
          column: 8,
          length: 0,
          expected: ["')'"],
        },
      ],
    ],
    [
      'a name without parentheses',
      'is-vip(2) and\n  true',
      [
        {
          code: 'syntax',
          message:
            "Expected '(' after 'true' but found end of input: functions are called with parentheses, as in true()",
          line: 2,
          column: 3,
          length: 4,
          expected: ["'('"],
        },
      ],
    ],
    [
      'a missing comma between arguments',
      'and(\n  is-vip(2)\n  belong-to("x"))',
      [
        {
          code: 'syntax',
          message: "Expected ',' between arguments but found 'belong-to'",
          line: 3,
          column: 3,
          length: 9,
          expected: ["','"],
        },
      ],
    ],
    [
      'a dangling operator',
      'is-vip(2) and',
      [
        {
          code: 'syntax',
          message: 'Expected a condition such as true() or a value but found end of input',
          line: 1,
          column: 14,
          length: 0,
          expected: EXPRESSION_START,
        },
      ],
    ],
    [
      'a trailing comma',
      'and(true(),)',
      [
        {
          code: 'syntax',
          message: "Expected a condition such as true() or a value but found ')'",
          line: 1,
          column: 12,
          length: 1,
          expected: EXPRESSION_START,
        },
      ],
    ],
    [
      'a comma without arguments',
      'and(,)',
      [
        {
          code: 'syntax',
          message: "Expected an argument or ')' but found ','",
          line: 1,
          column: 5,
          length: 1,
          expected: ['an argument', "')'"],
        },
      ],
    ],
    [
      'an unexpected character',
      'is-vip(2) && true()',
      [{ code: 'syntax', message: "Unexpected characters '&&'", line: 1, column: 11, length: 2 }],
    ],
    [
      'control characters are shown escaped',
      'true()\u0001',
      [
        {
          code: 'syntax',
          message: "Unexpected character '\\u0001'",
          line: 1,
          column: 7,
          length: 1,
        },
      ],
    ],
    [
      'single quotes',
      "belong-to(\n  'org001')",
      [
        {
          code: 'syntax',
          message: 'Strings are written in double quotes, e.g. "org001"',
          line: 2,
          column: 3,
          length: 8,
          suggestion: '"org001"',
        },
      ],
    ],
    [
      'an unterminated string stops at the end of its line',
      'belong-to("org001\n)',
      [
        {
          code: 'syntax',
          message: 'Unterminated string: the closing " is missing',
          line: 1,
          column: 11,
          length: 7,
        },
      ],
    ],
    [
      'an unknown function with a suggestion',
      'and(is-vip(1),\n    is-vp(2))',
      [
        {
          code: 'unknown_function',
          message: "Unknown function 'is-vp'. Did you mean 'is-vip'?",
          line: 2,
          column: 5,
          length: 5,
          suggestion: 'is-vip',
        },
      ],
    ],
    [
      'an unknown function without a close match',
      'foo()',
      [
        {
          code: 'unknown_function',
          message: `Unknown function 'foo'. ${KNOWN}`,
          line: 1,
          column: 1,
          length: 3,
        },
      ],
    ],
    [
      'not with two arguments',
      'not(true(), false())',
      [
        {
          code: 'arity',
          message: 'not() takes exactly 1 argument (condition), got 2',
          line: 1,
          column: 13,
          length: 7,
        },
      ],
    ],
    [
      'and with one argument',
      'and(\n  true())',
      [
        {
          code: 'arity',
          message: 'and() takes at least 2 arguments, got 1',
          line: 1,
          column: 1,
          length: 14,
        },
      ],
    ],
    [
      'a constant with an argument',
      'true(1, 2)',
      [
        {
          code: 'arity',
          message: 'true() takes no arguments, got 2',
          line: 1,
          column: 6,
          length: 4,
        },
      ],
    ],
    [
      'quota-le with one argument',
      'quota-le("m")',
      [
        {
          code: 'arity',
          message: 'quota-le() takes exactly 2 arguments (model, n), got 1',
          line: 1,
          column: 1,
          length: 13,
        },
      ],
    ],
    [
      'a variadic function without arguments',
      'match-user()',
      [
        {
          code: 'arity',
          message: 'match-user() takes at least 1 argument, got 0',
          line: 1,
          column: 1,
          length: 12,
        },
      ],
    ],
    [
      'a string where a number is expected',
      'is-vip("2")',
      [
        {
          code: 'argument_type',
          message: 'is-vip() argument 1 (level) must be a number, got a string',
          line: 1,
          column: 8,
          length: 3,
        },
      ],
    ],
    [
      'a decimal where an integer is expected',
      'is-vip(2.5)',
      [
        {
          code: 'argument_type',
          message: 'is-vip() argument 1 (level) must be a whole number, got 2.5',
          line: 1,
          column: 8,
          length: 3,
        },
      ],
    ],
    [
      'a negative vip level',
      'is-vip(-1)',
      [
        {
          code: 'argument_type',
          message: 'is-vip() argument 1 (level) must be between 0 and 2147483647, got -1',
          line: 1,
          column: 8,
          length: 2,
        },
      ],
    ],
    [
      'a number where a string is expected',
      'belong-to("a", 1)',
      [
        {
          code: 'argument_type',
          message: 'belong-to() argument 2 (org) must be a string, got the number 1',
          line: 1,
          column: 16,
          length: 1,
        },
      ],
    ],
    [
      'a call where a string is expected',
      'github-star(is-vip(1))',
      [
        {
          code: 'argument_type',
          message: 'github-star() argument 1 (repo) must be a string, got a function call (is-vip)',
          line: 1,
          column: 13,
          length: 9,
        },
      ],
    ],
    [
      'a literal where a condition is expected',
      'and(true(), "x")',
      [
        {
          code: 'argument_type',
          message: 'and() argument 2 must be a condition such as is-vip(1), got a string',
          line: 1,
          column: 13,
          length: 3,
        },
      ],
    ],
    [
      'a literal as the whole condition',
      '42',
      [
        {
          code: 'argument_type',
          message: 'Expected a condition such as is-vip(1), got the number 42',
          line: 1,
          column: 1,
          length: 2,
        },
      ],
    ],
    [
      'a number where a timestamp is expected',
      'register-before(2024)',
      [
        {
          code: 'argument_type',
          message:
            'register-before() argument 1 (time) must be a timestamp string such as "2024-01-01 00:00:00", got the number 2024',
          line: 1,
          column: 17,
          length: 4,
        },
      ],
    ],
    [
      'a number too large for a double',
      `quota-le("m", 1${'0'.repeat(400)})`,
      [
        {
          code: 'argument_type',
          message: 'quota-le() argument 2 (n) is too large a number',
          line: 1,
          column: 15,
          length: 401,
        },
      ],
    ],
  ])('%s', (_label, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });

  const HELP =
    'use "YYYY-MM-DD", "YYYY-MM-DD HH:mm:ss" (both in the strategy\'s time zone) or ISO 8601 with an offset such as "2024-05-01T08:00:00+08:00"';
  it.each([
    ['2024-02-30', 'day 30 does not exist in 2024-02'],
    ['2023-02-29', 'day 29 does not exist in 2023-02'],
    ['2024-13-01', 'month 13 is out of range'],
    ['2024-01-01 24:00:00', 'hour 24 is out of range'],
    ['2024-01-01 23:60:00', 'minute 60 is out of range'],
    ['2024-01-01 23:59:60', 'second 60 is out of range'],
    ['0000-01-01', 'year 0000 does not exist'],
    ['2024-01-01T00:00:00+24:00', 'offset +24:00 is out of range'],
    [
      '2024-01-01T00:00:00',
      'an ISO 8601 time needs an offset such as Z or +08:00 (or write the wall time as "YYYY-MM-DD HH:mm:ss")',
    ],
    ['2024-1-1', 'it is not in a supported format'],
    ['yesterday', 'it is not in a supported format'],
    ['2024-01-01 08:00', 'it is not in a supported format'],
  ])('invalid_timestamp: %j (%s)', (literal, reason) => {
    const text = `and(\n  true(),\n  register-after("${literal}"))`;
    expect(errorsOf(text)).toEqual([
      {
        code: 'invalid_timestamp',
        message: `register-after() argument 1 (time): ${JSON.stringify(literal)} is not a valid timestamp (${reason}); ${HELP}`,
        line: 3,
        column: 18,
        length: literal.length + 2,
      },
    ]);
  });

  it.each([
    ['IS-VIP(2)', 'is-vip'],
    ['is_vip(2)', 'is-vip'],
    ['github-stars("x")', 'github-star'],
    ['githbu-star("x")', 'github-star'],
    ['belongto("x")', 'belong-to'],
    ['quota-lt("m", 1)', 'quota-le'],
    ['register_before("2024-01-01")', 'register-before'],
    ['AND(true(), true())', 'and'],
    ['Not(true())', 'not'],
    ['ture()', 'true'],
  ])('did you mean: %s → %s', (text, suggestion) => {
    const [error] = errorsOf(text);
    const name = text.slice(0, text.indexOf('('));
    expect(error).toEqual({
      code: 'unknown_function',
      message: `Unknown function '${name}'. Did you mean '${suggestion}'?`,
      line: 1,
      column: 1,
      length: name.length,
      suggestion,
    });
  });

  it('reports independent errors together, in source order', () => {
    const text =
      'or(is-vip(1.5),\n  is-vp(2),\n  register-after("2024-02-30"),\n  belong-to(1, "a"))';
    expect(
      errorsOf(text).map(({ code, line, column, length }) => ({ code, line, column, length })),
    ).toEqual([
      { code: 'argument_type', line: 1, column: 11, length: 3 },
      { code: 'unknown_function', line: 2, column: 3, length: 5 },
      { code: 'invalid_timestamp', line: 3, column: 18, length: 12 },
      { code: 'argument_type', line: 4, column: 13, length: 1 },
    ]);
  });

  it('keeps checking after syntax errors it recovered from', () => {
    const text =
      'or(and(is-vip(2) github-star("a")),\n   and(belong-to("b"),, true()),\n   is-vp(1))';
    expect(errorsOf(text)).toEqual([
      {
        code: 'syntax',
        message: "Expected ',' between arguments but found 'github-star'",
        line: 1,
        column: 18,
        length: 11,
        expected: ["','"],
      },
      {
        code: 'syntax',
        message: "Expected a condition such as true() or a value but found ','",
        line: 2,
        column: 23,
        length: 1,
        expected: EXPRESSION_START,
      },
      {
        code: 'unknown_function',
        message: "Unknown function 'is-vp'. Did you mean 'is-vip'?",
        line: 3,
        column: 4,
        length: 5,
        suggestion: 'is-vip',
      },
    ]);
  });

  it('reports several bare names at once', () => {
    expect(
      errorsOf('a and\nb').map(({ message, line, column }) => ({ message, line, column })),
    ).toEqual([
      {
        message:
          "Expected '(' after 'a' but found 'and': functions are called with parentheses, as in a()",
        line: 1,
        column: 1,
      },
      {
        message:
          "Expected '(' after 'b' but found end of input: functions are called with parentheses, as in b()",
        line: 2,
        column: 1,
      },
    ]);
  });

  it('does not report argument counts that only reflect a recovery', () => {
    // The broken argument list of and() must not also yield "and() takes at least 2 arguments".
    expect(errorsOf('and(is-vip(2) belong-to("x"), )').map((error) => error.code)).toEqual([
      'syntax',
      'syntax',
    ]);
    // …but a complete call elsewhere is still checked.
    expect(
      errorsOf('and(is-vip(), belong-to("x"').map(({ code, message }) => ({ code, message })),
    ).toEqual([
      { code: 'arity', message: 'is-vip() takes exactly 1 argument (level), got 0' },
      { code: 'syntax', message: "Expected ',' or ')' but found end of input" },
    ]);
  });

  it('counts columns in UTF-16 code units and lines at \\n, \\r\\n and \\r', () => {
    expect(errorsOf('match-user("😀")\r\nand\rfoo()')[0]).toMatchObject({
      code: 'unknown_function',
      line: 3,
      column: 1,
      length: 3,
    });
    expect(errorsOf('match-user("😀", 1)')[0]).toMatchObject({ line: 1, column: 18 });
  });

  it('never throws on a non-string (JavaScript callers)', () => {
    expect(parse(undefined as unknown as string)).toMatchObject({
      ok: false,
      errors: [{ code: 'empty' }],
    });
  });
});

describe('parse: limits', () => {
  const nested = (levels: number) => `${'not('.repeat(levels - 1)}true()${')'.repeat(levels - 1)}`;

  it(`accepts ${LIMITS.maxDepth} levels and rejects ${LIMITS.maxDepth + 1}`, () => {
    expect(parse(nested(LIMITS.maxDepth)).ok).toBe(true);
    expect(errorsOf(nested(LIMITS.maxDepth + 1))).toEqual([
      { code: 'too_deep', message: TOO_DEEP, line: 1, column: 261, length: 1 },
    ]);
  });

  it('counts prefix nots and redundant parentheses as written', () => {
    expect(parse(`${'not '.repeat(63)}true()`).ok).toBe(true);
    expect(errorsOf(`${'not '.repeat(64)}true()`)).toEqual([
      { code: 'too_deep', message: TOO_DEEP, line: 1, column: 261, length: 1 },
    ]);
    expect(parse(`${'('.repeat(63)}true()${')'.repeat(63)}`).ok).toBe(true);
    expect(errorsOf(`${'('.repeat(64)}true()${')'.repeat(64)}`)).toEqual([
      { code: 'too_deep', message: TOO_DEEP, line: 1, column: 69, length: 1 },
    ]);
  });

  it('also limits the depth of the resulting tree (infix operators add levels)', () => {
    // 32 groups, each adding `or` and `and` levels: 32 parentheses deep, but a 65-level tree.
    let text = 'true()';
    for (let i = 0; i < 32; i++) text = `(${text} and true() or false())`;
    const errors = errorsOf(text);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'too_deep', message: TOO_DEEP });
  });

  it('rejects deep input without overflowing the stack, whatever its shape', () => {
    // Under the length limit: caught by the token scan before the recursive parser runs.
    expect(errorsOf('('.repeat(LIMITS.maxLength))[0]!.code).toBe('too_deep');
    expect(errorsOf('not '.repeat(2500))[0]!.code).toBe('too_deep');
    expect(errorsOf('and(true(),'.repeat(900))[0]!.code).toBe('too_deep');
    // 100 000 levels: caught by the length limit first.
    const deep = nested(100_000);
    expect(errorsOf(deep)).toEqual([
      {
        code: 'too_long',
        message: `The condition is too long: ${deep.length} characters, at most ${LIMITS.maxLength} are allowed`,
        line: 1,
        column: LIMITS.maxLength + 1,
        length: deep.length - LIMITS.maxLength,
      },
    ]);
  });

  it(`accepts ${LIMITS.maxLength} characters and rejects one more`, () => {
    const padding = ' '.repeat(LIMITS.maxLength - 'true()'.length);
    expect(parse(`true()${padding}`).ok).toBe(true);
    expect(errorsOf(`true()${padding} `)).toEqual([
      {
        code: 'too_long',
        message: `The condition is too long: 10001 characters, at most ${LIMITS.maxLength} are allowed`,
        line: 1,
        column: 10001,
        length: 1,
      },
    ]);
  });

  it('returns at most 20 errors, the first in source order', () => {
    const errors = errorsOf(
      `match-user(${Array.from({ length: 30 }, (_, i) => `"u${i}"`).join(' ')})`,
    );
    expect(errors).toHaveLength(20);
    expect(errors[0]).toMatchObject({
      message: 'Expected \',\' between arguments but found string "u1"',
      column: 17,
    });
  });

  it('reports only the first syntax error of a very long input (recovery would cost too much)', () => {
    // Two bare names: both reported while recovery is affordable (400 tokens)…
    const short = `${'true() and '.repeat(100)}a and b`;
    expect(errorsOf(short).map((error) => error.column)).toEqual([1101, 1107]);
    // …only the first past 1 000 tokens.
    const long = `${'true() and '.repeat(300)}a and b`;
    expect(errorsOf(long).map((error) => error.column)).toEqual([3301]);
  });

  it('stays fast on hostile input full of errors', () => {
    const hostile = [
      `${'and(, '.repeat(12)}${', ,'.repeat(3000)}`,
      `${'and('.repeat(60)}${','.repeat(9000)}`,
      `${'and('.repeat(60)}${'"x" '.repeat(2000)}`,
      `${'and('.repeat(60)}${'a '.repeat(4800)}`,
      `${'and(true(),'.repeat(63)}x`,
      `${'and('.repeat(60)}${'true() or ,'.repeat(80)}`,
      `${'and('.repeat(60)}${'not ,'.repeat(180)}`,
    ];
    for (const text of hostile.map((shape) => shape.slice(0, LIMITS.maxLength))) {
      // Best of three, so a busy machine's hiccup is not a failure. Unbounded recovery took up
      // to 6 s on the second input; bounded, these take milliseconds.
      let best = Infinity;
      for (let run = 0; run < 3; run++) {
        const started = performance.now();
        const errors = errorsOf(text);
        best = Math.min(best, performance.now() - started);
        expect(errors.length).toBeGreaterThan(0);
        expect(errors.length).toBeLessThanOrEqual(20);
      }
      expect(best, text.slice(0, 40)).toBeLessThan(1000);
    }
  });

  it(`accepts ${LIMITS.maxArguments} arguments per call and rejects more, also in infix chains`, () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `"u${i}"`).join(',');
    expect(parse(`match-user(${ids(100)})`).ok).toBe(true);
    expect(errorsOf(`match-user(${ids(102)})`)).toEqual([
      {
        code: 'arity',
        message: 'match-user() takes at most 100 arguments, got 102',
        line: 1,
        column: 602,
        length: 13,
      },
    ]);
    const chain = (n: number) => Array.from({ length: n }, () => 'true()').join(' or ');
    expect(parse(chain(100)).ok).toBe(true);
    expect(errorsOf(chain(101))).toEqual([
      {
        code: 'arity',
        message: 'or() takes at most 100 arguments, got 101',
        line: 1,
        column: 1001,
        length: 6,
      },
    ]);
  });
});
