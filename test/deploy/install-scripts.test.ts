// `npm ci` runs a dependency's install script only if package.json's allowScripts says so, and
// warns about every one it does not cover. @prisma/client's script runs `prisma -v`, which loads
// prisma.config.ts and opens the default SQLite database: an empty data/quota-manager.db appeared
// on every fresh clone. Each dependency with an install script must be decided on here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as {
  allowScripts: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { hasInstallScript?: boolean }>;
};

describe('install scripts of dependencies', () => {
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => path !== '' && entry.hasInstallScript)
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));

  it('are each allowed or refused in package.json (no npm ci warning)', () => {
    expect(withScripts.length).toBeGreaterThan(0);
    expect(withScripts.filter((name) => !(name in manifest.allowScripts))).toEqual([]);
  });

  it("leave Prisma's own generate to our postinstall (scripts/db-generate.ts)", () => {
    expect(manifest.allowScripts['@prisma/client']).toBe(false);
    expect(manifest.allowScripts.prisma).toBe(false);
  });
});
