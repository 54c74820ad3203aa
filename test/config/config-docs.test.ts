// config.yaml and docs/configuration.md are the operator's reference: a setting added to the
// code but not to them fails here. (That config.yaml parses, has no unknown or misplaced keys
// and holds exactly the defaults is checked in load-config.test.ts.)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_PATH_ENV, SETTINGS } from '../../src/config/settings.ts';

const root = resolve(import.meta.dirname, '../..');
const configYaml = readFileSync(resolve(root, 'config.yaml'), 'utf8');
const configDoc = readFileSync(resolve(root, 'docs/configuration.md'), 'utf8');

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
      const row = configDoc
        .split('\n')
        .find((line) => line.startsWith('|') && line.includes(`\`${setting.env}\``));
      expect(row, `${setting.env} missing from the settings table`).toBeDefined();
      expect(row).toContain(`\`${setting.yamlKey}\``);
    },
  );
});
