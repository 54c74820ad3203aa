// The CLI's small framework: what a command is, how its arguments are parsed (node:util
// parseArgs, strict), how its --help is printed, and the exit codes every command shares.
import { parseArgs } from 'node:util';

/** Documented in docs/cli.md; scripts rely on them. */
export const EXIT = {
  ok: 0,
  /** The work failed, or the input was invalid (a condition, a file's records). */
  failure: 1,
  /** The command line itself was wrong: unknown command or option, missing argument. */
  usage: 2,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** What `run` returns: an exit code, or `running` when a long-lived process owns the exit (serve). */
export type CommandOutcome = ExitCode | 'running';

/** A wrong command line. Printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An expected failure with a message for the operator (no stack trace), exit code 1. */
export class CliFailure extends Error {
  override readonly name = 'CliFailure';
}

/** Where a command writes. Injected so tests and the TTY check do not reach for globals. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Where confirmations are read from (absent: nothing can be confirmed; use --yes). */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean };
}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help as `--name <value>`. */
  value?: string;
  description: string;
}

export interface CommandSpec<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  /** As typed: `scan`, `users import`. */
  name: string;
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. `<file.csv|file.jsonl>`. */
  args: { name: string; required: boolean; description: string }[];
  options: O;
  /** Paragraphs printed after the options. */
  details?: string;
  examples?: string[];
}

type OptionValues<O extends Record<string, OptionSpec>> = {
  [K in keyof O]?: O[K]['type'] extends 'boolean' ? boolean : string;
};

export interface ParsedCommandLine<O extends Record<string, OptionSpec>> {
  values: OptionValues<O> & { help?: boolean; verbose?: boolean };
  positionals: string[];
}

export interface Command<O extends Record<string, OptionSpec> = Record<string, OptionSpec>> {
  spec: CommandSpec<O>;
  run(input: ParsedCommandLine<O>, io: CliIo): Promise<CommandOutcome>;
}

/** Identity function that keeps the option types for `run`. */
export function defineCommand<O extends Record<string, OptionSpec>>(command: Command<O>): Command {
  return command;
}

export const HELP_OPTION: OptionSpec = {
  type: 'boolean',
  short: 'h',
  description: 'show this help and exit',
};
export const VERBOSE_OPTION: OptionSpec = {
  type: 'boolean',
  short: 'v',
  description: 'also print info logs (on standard error)',
};

export function parseCommandLine<O extends Record<string, OptionSpec>>(
  spec: CommandSpec<O>,
  argv: string[],
): ParsedCommandLine<O> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, option] of Object.entries(spec.options)) {
    options[name] = option.short
      ? { type: option.type, short: option.short }
      : { type: option.type };
  }
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs' messages are good ("Unknown option '--x'"); drop its hint about '--', which
    // is about positionals that start with a dash and confuses more than it helps here.
    throw new UsageError(
      (error as Error).message.replace(/\. To specify a positional argument.*$/s, ''),
    );
  }
  const values = parsed.values as ParsedCommandLine<O>['values'];
  if (values.help) return { values, positionals: parsed.positionals };
  const required = spec.args.filter((a) => a.required).length;
  if (parsed.positionals.length < required) {
    const missing = spec.args[parsed.positionals.length]!;
    throw new UsageError(`missing argument ${missing.name}`);
  }
  if (parsed.positionals.length > spec.args.length) {
    const extra = parsed.positionals[spec.args.length]!;
    throw new UsageError(
      `unexpected argument ${JSON.stringify(extra)}${spec.args.length === 0 ? ' (this command takes none)' : ''}`,
    );
  }
  return { values, positionals: parsed.positionals };
}

export function usageLine(spec: CommandSpec): string {
  const args = spec.args.map((a) => (a.required ? a.name : `[${a.name}]`));
  return ['quota-manager', spec.name, ...args, '[options]'].join(' ');
}

export function renderHelp(spec: CommandSpec): string {
  const rows: [string, string][] = [
    ...spec.args.map((a): [string, string] => [a.name, a.description]),
    ...Object.entries({ ...spec.options, help: HELP_OPTION }).map(([name, o]): [string, string] => [
      `${o.short ? `-${o.short}, ` : '    '}--${name}${o.value ? ` ${o.value}` : ''}`,
      o.description,
    ]),
  ];
  const width = Math.max(...rows.map(([left]) => left.length));
  const lines = [spec.summary, '', `Usage: ${usageLine(spec)}`, ''];
  if (spec.args.length > 0) {
    lines.push('Arguments:');
    for (const [left, right] of rows.slice(0, spec.args.length))
      lines.push(`  ${left.padEnd(width)}  ${right}`);
    lines.push('');
  }
  lines.push('Options:');
  for (const [left, right] of rows.slice(spec.args.length))
    lines.push(`  ${left.padEnd(width)}  ${right}`);
  if (spec.details) lines.push('', spec.details.trim());
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  lines.push(
    '',
    'Exit codes: 0 ok, 1 failure or invalid input, 2 usage error. Configuration: config.yaml or QM_CONFIG, plus environment variables (docs/configuration.md).',
  );
  return `${lines.join('\n')}\n`;
}

/** A positive integer option, or a usage error naming the option. */
export function integerOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw.trim()))
    throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(raw)}`);
  const value = Number(raw);
  if (value < range.min || value > range.max)
    throw new UsageError(`--${name} must be between ${range.min} and ${range.max}, got ${value}`);
  return value;
}

export function write(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text.endsWith('\n') ? text : `${text}\n`);
}
