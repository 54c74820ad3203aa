// The command line itself: help, version, and exit code 2 for every kind of usage error. No
// database is needed for any of these, and none is touched.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { runCli } from './cli-process.ts';

// Each test starts real processes (tsx, Prisma) and this suite runs on small, busy machines.
vi.setConfig({ testTimeout: 180_000 });

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  scripts: Record<string, string>;
};
// A database URL that cannot be opened: usage errors must be reported before any connection.
const NO_DATABASE = { DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none' };

describe('quota-manager help and version', () => {
  it('--help lists every command and the exit codes, exit 0', async () => {
    const result = await runCli(['--help']);
    expect(result.code).toBe(0);
    for (const command of [
      'serve',
      'migrate',
      'check <condition>',
      'preview <strategy>',
      'explain <strategy> <user>',
      'scan',
      'users import <file>',
      'seed-demo',
      'retention',
      'lots <user-id>',
      'lots expiring',
    ]) {
      expect(result.stdout).toMatch(new RegExp(`^  ${command.replace(/[<>]/g, '.')}\\s`, 'm'));
    }
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 failure or invalid input, 2 usage error.');
  });

  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    expect(result).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
  });

  it.each([
    'serve',
    'migrate',
    'check',
    'preview',
    'explain',
    'scan',
    'users import',
    'seed-demo',
    'retention',
    'lots',
    'lots expiring',
  ])('%s --help prints its usage and options, exit 0', async (name) => {
    const result = await runCli([...name.split(' '), '--help'], { env: NO_DATABASE });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Usage: quota-manager ${name}`);
    expect(result.stdout).toMatch(/-h, --help\s+show this help and exit/);
    expect(result.complaints).toBe('');
  });

  it('package.json exposes the bin and the cli script', () => {
    expect(pkg.bin['quota-manager']).toBe('bin/quota-manager.js');
    expect(pkg.scripts.cli).toBe('tsx src/cli/main.ts');
  });

  it('runs through npx from the project directory (no build step)', async () => {
    const { stdout } = await promisify(execFile)(
      'npx',
      ['--no-install', 'quota-manager', '--version'],
      { env: { ...process.env, npm_config_update_notifier: 'false' } },
    );
    expect(stdout.trim()).toBe(pkg.version);
  });
});

describe('usage errors exit 2 and say what is wrong', () => {
  it.each([
    [[], /Usage: quota-manager <command>/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['users'], /users needs a subcommand: users import/],
    [['users', 'export'], /unknown subcommand "users export"/],
    [['scan', '--bogus'], /Unknown option '--bogus'/],
    [['check'], /missing argument <condition>/],
    [['check', 'true()', 'extra'], /unexpected argument "extra"/],
    [['preview'], /missing argument <strategy>/],
    [['users', 'import'], /missing argument <file>/],
    [['users', 'import', 'users.txt'], /cannot tell the format of "users.txt"/],
    [
      ['users', 'import', 'users.csv', '--batch-size', 'lots'],
      /--batch-size must be a whole number/,
    ],
    [['users', 'import', 'users.csv', '--format', 'xml'], /--format must be csv or jsonl/],
    [['retention'], /--older-than <days> is required/],
    [['lots'], /missing argument <user-id>/],
    [['lots', ''], /name the user id/],
    [['lots', 'a', 'b'], /unexpected argument "b"/],
    [['lots', 'expiring', 'soon'], /unexpected argument "soon"/],
    [['lots', 'expiring', '--within'], /argument missing/],
    [['retention', '--older-than', '0'], /--older-than must be between 1 and 36500/],
    [
      ['preview', 'x', '--occurrence', 'yesterday'],
      /--occurrence must be next or an ISO 8601 time/,
    ],
  ])('quota-manager %j', async (args, message) => {
    const result = await runCli(args, { env: NO_DATABASE });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });
});
