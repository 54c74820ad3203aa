// `quota-manager check '<condition>'`: validates a condition without a database. Valid: prints
// the canonical form (what the API would store). Invalid: each error with its code, the line
// it is on, and carets under the offending text, like a compiler.
import { readFileSync } from 'node:fs';
import type { ConditionError } from '../condition/index.ts';
import { defineCommand, EXIT, UsageError, write } from './command.ts';

export const checkCommand = defineCommand({
  spec: {
    name: 'check',
    summary: 'Check a condition; print its canonical form, or its errors with a caret under each.',
    args: [
      {
        name: '<condition>',
        required: true,
        description:
          'the condition text (quote it for the shell), or - to read it from standard input',
      },
    ],
    options: {
      json: {
        type: 'boolean',
        description: 'print the verdict as JSON, the shape of POST /api/v1/conditions/validate',
      },
    },
    examples: [
      `quota-manager check 'is-vip(2) and github-star("zgsm-ai/zgsm")'`,
      'quota-manager check - < condition.txt',
    ],
  },
  async run({ values, positionals }, io) {
    const source = positionals[0] === '-' ? readStdin() : positionals[0]!;
    const { format, parse } = await import('../condition/index.ts');
    const result = parse(source);
    if (values.json) {
      const verdict = result.ok
        ? { valid: true, canonical: format(result.ast) }
        : { valid: false, errors: result.errors };
      write(io.stdout, JSON.stringify(verdict));
      return result.ok ? EXIT.ok : EXIT.failure;
    }
    if (result.ok) {
      write(io.stdout, format(result.ast));
      return EXIT.ok;
    }
    write(io.stderr, renderConditionErrors(source, result.errors));
    return EXIT.failure;
  },
});

function readStdin(): string {
  try {
    // The condition is small; fd 0 read synchronously keeps this simple.
    return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  } catch (error) {
    throw new UsageError(
      `cannot read the condition from standard input: ${(error as Error).message}`,
    );
  }
}

/**
 * One block per error:
 *
 *   error[unknown_function]: Unknown function 'is-vp'. Did you mean 'is-vip'?
 *    --> line 3, column 3
 *     |
 *   3 |   is-vp(3)
 *     |   ^^^^^
 */
export function renderConditionErrors(source: string, errors: ConditionError[]): string {
  const lines = source.split(/\r\n|\r|\n/);
  const blocks = errors.map((error) => {
    const text = lines[error.line - 1] ?? '';
    const gutter = String(error.line).length;
    const pad = ' '.repeat(gutter);
    // Tabs before the column are copied so the caret lines up in any terminal's tab width.
    // One space per code point (the `u` flag), as a terminal draws them.
    const indent = text.slice(0, error.column - 1).replace(/[^\t]/gu, ' ');
    // A span never underlines past its line's end; a zero-length span (end of input) gets one caret.
    const length = Math.max(1, Math.min(error.length, text.length - (error.column - 1)));
    const hint =
      error.suggestion !== undefined && !error.message.includes(error.suggestion)
        ? ` did you mean ${error.suggestion}?`
        : '';
    return [
      `error[${error.code}]: ${error.message}`,
      `${pad}--> line ${error.line}, column ${error.column}`,
      `${pad} |`,
      `${error.line} | ${text}`,
      `${pad} | ${indent}${'^'.repeat(length)}${hint}`,
    ].join('\n');
  });
  const count = errors.length === 1 ? '1 error' : `${errors.length} errors`;
  return `${blocks.join('\n\n')}\n\ncondition is invalid: ${count}\n`;
}
