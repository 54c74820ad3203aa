// config.yaml and docs/configuration.md are the operator's reference: a setting added to the
// code but not to them, or a default changed in one place only, fails here. (That config.yaml
// parses, has no unknown or misplaced keys and holds exactly the defaults is checked in
// load-config.test.ts.)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config/load-config.ts';
import { CONFIG_PATH_ENV, SETTINGS, type Setting } from '../../src/config/settings.ts';

const root = resolve(import.meta.dirname, '../..');
const configYaml = readFileSync(resolve(root, 'config.yaml'), 'utf8');
const configDoc = readFileSync(resolve(root, 'docs/configuration.md'), 'utf8');
const gatewayDoc = readFileSync(resolve(root, 'docs/gateway.md'), 'utf8');

// The code's defaults: an empty file, no environment, output not a terminal.
const emptyFile = join(mkdtempSync(join(tmpdir(), 'qm-docs-')), 'empty.yaml');
writeFileSync(emptyFile, '');
const defaults = loadConfig({ env: {}, path: emptyFile, stdoutIsTty: false });
/** How a default is written in the docs: a list as `[]`, anything else as its text. */
const documentedForm = (value: unknown): string => {
  if (value === undefined) return 'unset';
  // Numbers and booleans print the same either way.
  return typeof value === 'string' ? value : JSON.stringify(value);
};

const codeDefault = (setting: Setting): unknown =>
  setting.path
    .split('.')
    .reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], defaults);

/**
 * How the docs write a default that is not a plain value. Everything else must be written as
 * the value itself (config.yaml: `default: 5000`, the table: `` `5000` ``).
 */
const WORDED_DEFAULTS: Record<string, RegExp> = {
  ADMIN_TOKEN: /^unset/,
  METRICS_TOKEN: /^unset/,
  GITHUB_TOKEN: /^unset/,
  GITHUB_WEBHOOK_SECRET: /^unset/,
  AIGATEWAY_AUTH_VALUE: /^(""|empty)/,
  LOG_FORMAT: /^`?pretty`? (on|when) .*terminal.*json/,
  // Unset in the code; the daemon then uses the client's retry budget.
  AIGATEWAY_SETTLE_AFTER_MS: /^(unset|the retry budget)/,
};

function expectDocumentedDefault(setting: Setting, written: string): void {
  const worded = WORDED_DEFAULTS[setting.env];
  if (worded) {
    expect(written).toMatch(worded);
    return;
  }
  // The first value: a quoted or backticked string, else the first word.
  const value = /^["'`]([^"'`]*)["'`]/.exec(written)?.[1] ?? written.split(/\s/)[0];
  expect(value, `${setting.env} default`).toBe(documentedForm(codeDefault(setting)));
}

/** The settings table row of an environment variable (its first cell). */
const docRow = (env: string) =>
  configDoc.split('\n').find((line) => line.startsWith(`| \`${env}\` |`));

describe('config.yaml', () => {
  it.each(SETTINGS.map((s) => [s.yamlKey, s]))(
    'documents %s with its environment variable and default',
    (_key, setting) => {
      // The key (possibly commented out, for settings whose default cannot be written down),
      // preceded by its comment block, which names the variable and the default.
      const leaf = setting.yamlKey.split('.').at(-1)!;
      const lines = configYaml.split('\n');
      const keyLine = lines.findIndex((line) => new RegExp(`^\\s*(# )?${leaf}:`).test(line));
      expect(keyLine, `${setting.yamlKey} missing`).toBeGreaterThan(0);
      let start = keyLine;
      while (start > 0 && lines[start - 1]!.trim().startsWith('#')) start--;
      const comment = lines.slice(start, keyLine).join('\n');
      expect(comment).toMatch(new RegExp(`env: ${setting.env}\\s+default: \\S`));
      const written = new RegExp(`env: ${setting.env}\\s+default: (.*)$`, 'm').exec(comment)![1]!;
      expectDocumentedDefault(setting, written);
    },
  );

  it('mentions QM_CONFIG', () => {
    expect(configYaml).toContain(CONFIG_PATH_ENV);
  });
});

describe('docs/configuration.md', () => {
  it.each(SETTINGS.map((s) => [s.env, s]))(
    'has a row for %s with its YAML key',
    (_env, setting) => {
      const row = docRow(setting.env);
      expect(row, `${setting.env} missing from the settings table`).toBeDefined();
      expect(row!.split('|')[2]!.trim()).toBe(`\`${setting.yamlKey}\``);
    },
  );

  it.each(SETTINGS.map((s) => [s.env, s]))('gives the code default of %s', (_env, setting) => {
    expectDocumentedDefault(setting, docRow(setting.env)!.split('|')[3]!.trim());
  });
});

describe('docs/gateway.md', () => {
  it('states the same AIGATEWAY_HONOURS_IDEMPOTENCY default as the code (issue 11)', () => {
    expect(defaults.gateway.honoursIdempotency).toBe(false);
    // Every sentence that names a default for the setting names false.
    const section = gatewayDoc.slice(gatewayDoc.indexOf('### Idempotency'));
    const defaultLines = section
      .split('\n')
      .filter((line) => /default/i.test(line) && /`(true|false)`/.test(line));
    expect(defaultLines.length).toBeGreaterThan(0);
    for (const line of defaultLines)
      expect(line).not.toMatch(/`true`[^|]*default|default[^|]*`true`/i);
  });

  it('gives the mock gateway the real plugin behaviour by default (issue 11)', () => {
    const row = gatewayDoc
      .split('\n')
      .find((line) => line.startsWith('| `MOCK_GATEWAY_HONOUR_IDEMPOTENCY` |'));
    expect(row?.split('|')[2]!.trim()).toBe('`false`');
  });
});
