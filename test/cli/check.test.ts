// `quota-manager check`: canonical form for a valid condition, compiler-style errors with a
// caret under the exact span for an invalid one. No database involved.
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './cli-process.ts';

// Each test starts real processes (tsx, Prisma) and this suite runs on small, busy machines.
vi.setConfig({ testTimeout: 180_000 });

/** The source line and the caret line printed under it (the two lines after `N | `). */
function caretBlock(stderr: string, line: number): { source: string; carets: string } {
  const lines = stderr.split('\n');
  const index = lines.findIndex((l) => l.startsWith(`${line} | `));
  expect(index, stderr).toBeGreaterThan(-1);
  const gutter = `${line} | `.length;
  return { source: lines[index]!.slice(gutter), carets: lines[index + 1]!.slice(gutter) };
}

describe('quota-manager check', () => {
  it('prints the canonical form of a valid condition and exits 0', async () => {
    const result = await runCli(['check', 'is-vip(2)   and\n  github-star("zgsm-ai/zgsm")']);
    expect(result).toMatchObject({
      code: 0,
      stdout: 'and(is-vip(2), github-star("zgsm-ai/zgsm"))\n',
      stderr: '',
    });
  });

  it('puts the caret under the offending column of a later line and exits 1', async () => {
    const condition = 'is-vip(2) and\n  belong-to("acme") or\n     is-vp(3)';
    const result = await runCli(['check', condition]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      "error[unknown_function]: Unknown function 'is-vp'. Did you mean 'is-vip'?",
    );
    expect(result.stderr).toContain('--> line 3, column 6');
    const { source, carets } = caretBlock(result.stderr, 3);
    expect(source).toBe('     is-vp(3)');
    expect(carets).toBe('     ^^^^^');
    expect(result.stderr).toContain('condition is invalid: 1 error');
  });

  it('keeps tabs in front of the caret so it lines up with the source', async () => {
    const result = await runCli(['check', "and(is-vip(2),\n\t\tbelong-to('acme'))"]);
    expect(result.code).toBe(1);
    const { source, carets } = caretBlock(result.stderr, 2);
    expect(source).toBe("\t\tbelong-to('acme'))");
    expect(carets).toBe('\t\t          ^^^^^^ did you mean "acme"?');
  });

  it('marks the end of the input with one caret when something is missing', async () => {
    const result = await runCli(['check', 'is-vip(2) and']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--> line 1, column 14');
    expect(caretBlock(result.stderr, 1)).toEqual({
      source: 'is-vip(2) and',
      carets: `${' '.repeat(13)}^`,
    });
  });

  it('reads the condition from standard input with -', async () => {
    const result = await runCli(['check', '-'], { input: 'belong-to("acme")\n' });
    expect(result).toMatchObject({ code: 0, stdout: 'belong-to("acme")\n' });
  });

  it('--json gives the verdict in the shape of POST /api/v1/conditions/validate', async () => {
    const [valid, invalid, empty] = await Promise.all([
      runCli(['check', '--json', 'true()']),
      runCli(['check', '--json', 'is-vp(1)']),
      runCli(['check', '--json', '  ']),
    ]);
    expect(valid.code).toBe(0);
    expect(JSON.parse(valid.stdout)).toEqual({ valid: true, canonical: 'true()' });
    expect(invalid.code).toBe(1);
    expect(JSON.parse(invalid.stdout)).toEqual({
      valid: false,
      errors: [
        {
          line: 1,
          column: 1,
          length: 5,
          code: 'unknown_function',
          message: "Unknown function 'is-vp'. Did you mean 'is-vip'?",
          suggestion: 'is-vip',
        },
      ],
    });
    // Issue 12 item 4: `suggestion` and `expected` are kept, as docs/conditions.md lists them.
    expect(JSON.parse(empty.stdout).errors[0]).toMatchObject({
      code: 'empty',
      suggestion: 'true()',
    });
  });
});
