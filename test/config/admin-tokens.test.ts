// admin_tokens / ADMIN_TOKENS: the YAML list and the environment form parse to the same
// tokens; bad entries stop start-up with a message naming the entry but never echoing it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';

const HEX = 'ab'.repeat(32);
const load = (env: Record<string, string>, yaml = '') => {
  const dir = mkdtempSync(join(tmpdir(), 'qm-tokens-'));
  writeFileSync(join(dir, 'config.yaml'), yaml);
  return loadConfig({ env, path: join(dir, 'config.yaml'), stdoutIsTty: false });
};

describe('admin_tokens', () => {
  it('defaults to none', () => {
    expect(load({}).adminTokens).toEqual([]);
  });

  it('reads the environment form name:role:sha256hex,…', () => {
    expect(
      load({ ADMIN_TOKENS: `ops:admin:${HEX.toUpperCase()}, dash:viewer:${HEX}` }).adminTokens,
    ).toEqual([
      { name: 'ops', role: 'admin', tokenSha256: HEX },
      { name: 'dash', role: 'viewer', tokenSha256: HEX },
    ]);
  });

  it('reads the YAML list', () => {
    const yaml = `admin_tokens:\n  - { name: ops, role: admin, token_sha256: "${HEX}" }\n`;
    expect(load({}, yaml).adminTokens).toEqual([{ name: 'ops', role: 'admin', tokenSha256: HEX }]);
  });

  it.each([
    [`ops:root:${HEX}`, 'entry 1: role must be admin or viewer'],
    [`ops:admin:${HEX},x:viewer:1234`, 'entry 2: token_sha256 must be the 64-hex-digit SHA-256'],
    [`ops:admin:${HEX},ops:viewer:${HEX}`, 'entry 2: name "ops" is used twice'],
    [`bad name:admin:${HEX}`, 'entry 1: name must be'],
  ])('refuses %s', (value, message) => {
    expect(() => load({ ADMIN_TOKENS: value })).toThrow(message);
    try {
      load({ ADMIN_TOKENS: value });
    } catch (error) {
      expect((error as Error).message).not.toContain(HEX);
    }
  });
});
