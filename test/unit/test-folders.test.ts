// The unit project is the test folders named in vitest.config.ts (UNIT_FOLDERS): a test placed
// there must run without a database, a server or the daemon, or `--project unit` would
// start failing (or hanging) for whoever runs it without PostgreSQL and MariaDB at hand.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNIT_FOLDERS } from '../../vitest.config.ts';

/**
 * Imports that start a database, a server or the daemon. (Pure helpers of src/db, and a quick
 * `bash -n` in test/deploy, are fine.)
 */
const FORBIDDEN = [
  /\/support\/(app-harness|databases|processes|pg-cluster|mariadb-server|restartable-servers|global-setup)\.ts$/,
  /\/src\/db\/(client|database|migrate)\.ts$/,
  /\/src\/(runtime|daemon|main)\.ts$/,
  /\/mock-gateway\/server\.ts$/,
];

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? testFiles(join(dir, entry.name))
      : /\.test\.tsx?$/.test(entry.name)
        ? [join(dir, entry.name)]
        : [],
  );
}

describe('unit test folders', () => {
  const files = UNIT_FOLDERS.flatMap((folder) => testFiles(join('test', folder)));

  it('hold tests', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('import no database, server, daemon or test harness', () => {
    const offending = files.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/^import [^;]*? from '([^']+)';/gms)]
        .map((match) => match[1]!)
        .filter((spec) => FORBIDDEN.some((pattern) => pattern.test(spec)))
        .map((spec) => `${file} → ${spec}`),
    );
    expect(offending).toEqual([]);
  });
});
