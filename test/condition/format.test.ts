import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, LIMITS, parse, type ConditionAst } from '../../src/condition/index.ts';
import { formatNumber, quote } from '../../src/condition/format.ts';
import {
  conditionArbitrary,
  databaseVocabulary,
  NO_SPAN,
  roundTripVocabulary,
  withoutSpans,
} from './arbitraries.ts';

function reparsed(text: string): unknown {
  const result = parse(text);
  if (!result.ok)
    throw new Error(`${JSON.stringify(text)} did not parse: ${JSON.stringify(result.errors)}`);
  return withoutSpans(result.ast);
}

describe('format', () => {
  it.each([
    ['', '""'],
    ['plain', '"plain"'],
    ['a"b\\c', '"a\\"b\\\\c"'],
    ['line\nbreak\r\ttab', '"line\\nbreak\\r\\ttab"'],
    ['\u0000\u001f\u007f', '"\\u0000\\u001f\\u007f"'],
    ['é 😀 \u2028', '"é 😀 \u2028"'],
    ['\ud800 lone \udc00', '"\\ud800 lone \\udc00"'],
  ])('quotes %j as %s', (value, expected) => {
    expect(quote(value)).toBe(expected);
  });

  it.each([
    [0, '0'],
    [-5, '-5'],
    [10.5, '10.5'],
    [1e21, '1000000000000000000000'],
    [-1.5e22, '-15000000000000000000000'],
    [1e-7, '0.0000001'],
    [-2.5e-8, '-0.000000025'],
    [1.2345e-5, '0.000012345'],
    [5e-324, `0.${'0'.repeat(323)}5`],
    [Number.MAX_VALUE, `17976931348623157${'0'.repeat(292)}`],
  ])('writes %d as %s (no exponent, exact)', (value, expected) => {
    expect(formatNumber(value)).toBe(expected);
    expect(Number(expected)).toBe(value);
  });

  it('writes a tree as deep as the limit in a form that parses again', () => {
    let ast: ConditionAst = { kind: 'call', name: 'true', args: [], span: NO_SPAN };
    for (let i = 1; i < LIMITS.maxDepth; i++)
      ast = { kind: 'call', name: 'not', args: [ast], span: NO_SPAN };
    expect(reparsed(format(ast))).toEqual(withoutSpans(ast));
  });

  it('parse ∘ format is the identity on random ASTs (spans aside)', () => {
    fc.assert(
      fc.property(conditionArbitrary(roundTripVocabulary, { depth: 4, quota: true }), (ast) => {
        const text = format(ast);
        expect(reparsed(text)).toEqual(withoutSpans(ast));
        // And the canonical text is a fixed point.
        const again = parse(text);
        expect(again.ok && format(again.ast)).toBe(text);
      }),
      { numRuns: 1000 },
    );
  });
});

/**
 * Writes an AST in a random mix of prefix and infix notation, with random layout, keeping its
 * meaning: infix and/or operands that are themselves infix and/or are parenthesised (that is
 * what keeps `(a and b) and c` from meaning and(a, b, c)).
 */
function mixedNotation(ast: ConditionAst, choices: () => number): string {
  const space = () => [' ', '  ', '\n', '\t', ' \r\n '][choices() % 5]!;
  const render = (node: ConditionAst): { text: string; infix: boolean } => {
    const useInfix = choices() % 2 === 0;
    if ((node.name === 'and' || node.name === 'or') && useInfix) {
      const parts = node.args.map((arg) => {
        const part = render(arg);
        return part.infix && (arg.name === 'and' || arg.name === 'or')
          ? `(${space()}${part.text}${space()})`
          : part.text;
      });
      return { text: parts.join(`${space()}${node.name}${space()}`), infix: true };
    }
    if (node.name === 'not' && useInfix) {
      const operand = render(node.args[0]);
      const wrapped =
        operand.infix && node.args[0].name !== 'not' ? `(${operand.text})` : operand.text;
      return { text: `not${space()}${wrapped}`, infix: true };
    }
    if (node.name === 'and' || node.name === 'or' || node.name === 'not') {
      const args = node.args.map((arg) => render(arg).text);
      return {
        text: `${node.name}(${space()}${args.join(`,${space()}`)}${space()})`,
        infix: false,
      };
    }
    return { text: format(node), infix: false };
  };
  return render(ast).text;
}

describe('infix and prefix notation', () => {
  it('mean the same thing in any mix (random ASTs, random notation and layout)', () => {
    fc.assert(
      fc.property(
        conditionArbitrary(databaseVocabulary(5), { depth: 4, quota: true }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 50 }),
        (ast, seed) => {
          let i = 0;
          const text = mixedNotation(ast, () => seed[i++ % seed.length]! + i);
          expect(reparsed(text), text).toEqual(withoutSpans(ast));
        },
      ),
      { numRuns: 1000 },
    );
  });
});
