// The github: settings (docs/github.md): lists from YAML or the environment's comma-separated
// text, repository names in both spellings conditions use, and both secrets kept out of logs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSecrets, loadConfig } from '../../src/config/load-config.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-github-'));
let files = 0;
const yamlFile = (text: string) => {
  const path = join(dir, `config-${++files}.yaml`);
  writeFileSync(path, text);
  return path;
};
const load = (env: Record<string, string>, yaml = '') =>
  loadConfig({ env, path: yamlFile(yaml), stdoutIsTty: false });

function configError(env: Record<string, string>, yaml = ''): ConfigError {
  try {
    load(env, yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('the config loaded');
}

describe('github settings', () => {
  it('reads GITHUB_REPOSITORIES as a comma-separated list, in either spelling', () => {
    const config = load({ GITHUB_REPOSITORIES: ' zgsm-ai/zgsm, zgsm-ai.costrict ,' });
    expect(config.github.repositories).toEqual(['zgsm-ai/zgsm', 'zgsm-ai.costrict']);
  });

  it('takes GITHUB_SYNC_CRON=off (no poller)', () => {
    expect(load({ GITHUB_SYNC_CRON: ' off ' }).github.syncCron).toBe('off');
  });

  it('reads github.repositories as a YAML list', () => {
    const config = load({}, 'github:\n  repositories: [acme/widget]\n');
    expect(config.github.repositories).toEqual(['acme/widget']);
  });

  it.each([
    [{ GITHUB_REPOSITORIES: 'acme' }, 'GITHUB_REPOSITORIES', /must be owner\/name/],
    [{ GITHUB_API_URL: 'api.github.com' }, 'GITHUB_API_URL', /absolute http/],
    [{ GITHUB_SYNC_CRON: 'every minute' }, 'GITHUB_SYNC_CRON', /fields/],
    [{ GITHUB_WEBHOOK_SECRET: 'short' }, 'GITHUB_WEBHOOK_SECRET', /at least 16/],
    [{ GITHUB_WEBHOOK_MAX_AGE_MS: '10' }, 'GITHUB_WEBHOOK_MAX_AGE_MS', /from 1000/],
  ])('refuses %j', (env, setting, message) => {
    const error = configError(env);
    expect(error.setting).toBe(setting);
    expect(error.message).toMatch(message);
  });

  it('never echoes the secret webhook value and lists both secrets for redaction', () => {
    const error = configError({ GITHUB_WEBHOOK_SECRET: 'tiny-secret' });
    expect(error.message).not.toContain('tiny-secret');
    const config = load({
      GITHUB_TOKEN: 'ghp_token_value_0123456789',
      GITHUB_WEBHOOK_SECRET: 'hook-secret-0123456789',
    });
    expect(configSecrets(config)).toEqual(
      expect.arrayContaining(['ghp_token_value_0123456789', 'hook-secret-0123456789']),
    );
  });
});
