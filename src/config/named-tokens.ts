// The `admin_tokens` setting: named tokens with roles, from YAML or the environment.
import { z } from 'zod';
import { splitCommaText } from './setting-values.ts';

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/**
 * Named tokens with roles: in YAML a list of `{name, role, token_sha256}`; in the environment
 * `name:role:sha256hex` entries separated by commas. Problems name the entry (1-based) but never
 * echo it.
 */
export function namedTokens() {
  const fromText = (value: unknown) =>
    typeof value !== 'string'
      ? value
      : (splitCommaText(value) as string[]).map((entry) => {
          const [name, role, tokenSha256, ...rest] = entry.split(':');
          return rest.length > 0
            ? { name, role, token_sha256: tokenSha256, extra: true }
            : { name, role, token_sha256: tokenSha256 };
        });
  return z.preprocess(
    fromText,
    z
      .array(z.unknown(), { error: 'must be a list of {name, role, token_sha256}' })
      .superRefine((entries, ctx) => {
        const names = new Set<string>();
        entries.forEach((entry, index) => {
          const problem = namedTokenProblem(entry, names);
          if (problem) ctx.addIssue({ code: 'custom', message: `entry ${index + 1}: ${problem}` });
        });
      })
      .transform((entries) =>
        (entries as { name: string; role: 'admin' | 'viewer'; token_sha256: string }[]).map(
          (e) => ({ name: e.name, role: e.role, tokenSha256: e.token_sha256.toLowerCase() }),
        ),
      )
      .default([]),
  );
}

function namedTokenProblem(entry: unknown, names: Set<string>): string | undefined {
  if (typeof entry !== 'object' || entry === null) return 'must be {name, role, token_sha256}';
  const { name, role, token_sha256: digest, ...rest } = entry as Record<string, unknown>;
  if (Object.keys(rest).length > 0)
    return 'has unknown keys (expected name, role, token_sha256; env form name:role:sha256hex)';
  if (typeof name !== 'string' || !TOKEN_NAME.test(name))
    return 'name must be 1-64 letters, digits, _ . @ or -';
  if (names.has(name)) return `name "${name}" is used twice`;
  names.add(name);
  if (role !== 'admin' && role !== 'viewer') return 'role must be admin or viewer';
  if (typeof digest !== 'string' || !SHA256_HEX.test(digest))
    return 'token_sha256 must be the 64-hex-digit SHA-256 of the token';
  return undefined;
}
