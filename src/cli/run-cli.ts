// The CLI's dispatcher: `quota-manager <command> [arguments] [options]`. Parses nothing itself
// beyond the command name; each command parses its own options strictly (command.ts). Every
// failure ends here and becomes one message and an exit code (0 ok, 1 failure, 2 usage).
import { readFileSync } from 'node:fs';
import { AppError } from '../core/errors.ts';
import { checkCommand } from './check-command.ts';
import {
  CliFailure,
  EXIT,
  parseCommandLine,
  renderHelp,
  UsageError,
  usageLine,
  write,
  type CliIo,
  type Command,
  type CommandOutcome,
} from './command.ts';
import { grantsExportCommand, resolveGrantsCommand } from './grants-command.ts';
import { expiringLotsCommand, lotsCommand } from './lots-command.ts';
import { explainCommand } from './explain-command.ts';
import { migrateCommand } from './migrate-command.ts';
import { previewCommand } from './preview-command.ts';
import { retentionCommand } from './retention-command.ts';
import { scanCommand } from './scan-command.ts';
import { seedDemoCommand } from './seed-demo-command.ts';
import { serveCommand } from './serve-command.ts';
import { usersImportCommand } from './users-import-command.ts';
import { syncUsersCommand } from './sync-users-command.ts';

export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  checkCommand,
  previewCommand,
  explainCommand,
  scanCommand,
  usersImportCommand,
  syncUsersCommand,
  seedDemoCommand,
  retentionCommand,
  grantsExportCommand,
  resolveGrantsCommand,
  lotsCommand,
  expiringLotsCommand,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function globalHelp(): string {
  const rows = COMMANDS.map(
    (c) =>
      [
        [c.spec.name, ...c.spec.args.map((a) => (a.required ? a.name : `[${a.name}]`))].join(' '),
        c.spec.summary,
      ] as const,
  );
  const width = Math.max(...rows.map(([left]) => left.length));
  return [
    `quota-manager ${version()}: rule-driven quota recharge daemon for AI gateways`,
    '',
    'Usage: quota-manager <command> [arguments] [options]',
    '',
    'Commands:',
    ...rows.map(([left, right]) => `  ${left.padEnd(width)}  ${right}`),
    '',
    'Options:',
    '  -h, --help     show help (also: quota-manager <command> --help)',
    '  -V, --version  print the version',
    '',
    'Settings come from config.yaml (or the file in QM_CONFIG) and environment variables such as',
    'DATABASE_URL; see docs/configuration.md. Commands: docs/cli.md.',
    'Exit codes: 0 ok, 1 failure or invalid input, 2 usage error.',
    '',
  ].join('\n');
}

/** Finds the command named by the first one or two words (`users import`). */
function resolveCommand(argv: string[]): { command: Command; rest: string[] } {
  const [first, second] = argv;
  // Two words first: `lots expiring` is a command of its own, `lots <user-id>` another.
  const two = COMMANDS.find((c) => c.spec.name === `${first} ${second}`);
  if (two) return { command: two, rest: argv.slice(2) };
  const one = COMMANDS.find((c) => c.spec.name === first);
  if (one) return { command: one, rest: argv.slice(1) };
  const group = COMMANDS.filter((c) => c.spec.name.startsWith(`${first} `));
  if (group.length > 0) {
    const choices = group.map((c) => c.spec.name).join(', ');
    throw new UsageError(
      second === undefined || second.startsWith('-')
        ? `${first} needs a subcommand: ${choices}`
        : `unknown subcommand "${first} ${second}" (known: ${choices})`,
    );
  }
  throw new UsageError(
    `unknown command ${JSON.stringify(first)} (known: ${COMMANDS.map((c) => c.spec.name).join(', ')})`,
  );
}

export async function runCli(argv: string[], io: CliIo): Promise<CommandOutcome> {
  const first = argv[0];
  if (first === undefined) {
    write(io.stderr, globalHelp());
    return EXIT.usage;
  }
  if (first === '-h' || first === '--help' || (first === 'help' && argv.length === 1)) {
    write(io.stdout, globalHelp());
    return EXIT.ok;
  }
  if (first === '-V' || first === '--version') {
    write(io.stdout, version());
    return EXIT.ok;
  }
  const helpFor = first === 'help';
  let command: Command | undefined;
  try {
    const resolved = resolveCommand(helpFor ? argv.slice(1) : argv);
    command = resolved.command;
    if (helpFor) {
      write(io.stdout, renderHelp(command.spec));
      return EXIT.ok;
    }
    const input = parseCommandLine(command.spec, resolved.rest);
    if (input.values.help) {
      write(io.stdout, renderHelp(command.spec));
      return EXIT.ok;
    }
    return await command.run(input, io);
  } catch (error) {
    return report(error, command, io, argv.includes('--verbose') || argv.includes('-v'));
  }
}

function report(
  error: unknown,
  command: Command | undefined,
  io: CliIo,
  verbose: boolean,
): CommandOutcome {
  const prefix = command ? `quota-manager ${command.spec.name}` : 'quota-manager';
  if (error instanceof UsageError) {
    write(io.stderr, `${prefix}: ${error.message}`);
    write(
      io.stderr,
      command
        ? `Usage: ${usageLine(command.spec)}\nRun 'quota-manager ${command.spec.name} --help' for details.`
        : "Run 'quota-manager --help' for the list of commands.",
    );
    return EXIT.usage;
  }
  if (error instanceof CliFailure) {
    write(io.stderr, `${prefix}: ${error.message}`);
    return EXIT.failure;
  }
  if (error instanceof AppError) {
    const details = error.details.map((d) => `  ${d.field ? `${d.field}: ` : ''}${d.message}`);
    write(io.stderr, [`${prefix}: ${error.message}`, ...details].join('\n'));
    return EXIT.failure;
  }
  if (!(error instanceof Error)) {
    write(io.stderr, `${prefix}: ${String(error)}`);
    return EXIT.failure;
  }
  write(io.stderr, `${prefix}: ${error.message}`);
  if (verbose && error.stack) write(io.stderr, error.stack);
  return EXIT.failure;
}
