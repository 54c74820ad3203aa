// Where a SQLite DATABASE_URL may point: a mistyped directory is refused rather than created
// (with an empty database nobody would look at), except the default data directory, so a fresh
// clone starts without a setup step.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseLocationError, prepareSqliteFile } from '../../src/db/driver.ts';

describe('prepareSqliteFile', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'qm-location-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a missing directory, naming it and the setting, and creates nothing', () => {
    const path = join(root, 'qutoa', 'nested', 'qm.db');
    const url = `file:${path}`;
    expect(() => prepareSqliteFile(url, path, join(root, 'data'))).toThrow(DatabaseLocationError);
    expect(() => prepareSqliteFile(url, path, join(root, 'data'))).toThrow(
      `DATABASE_URL ${url}: the directory ${join(root, 'qutoa', 'nested')} does not exist, and only ${join(root, 'data')} is created by itself (ENOENT: no such file or directory); point DATABASE_URL at a file in a writable directory`,
    );
    expect(existsSync(join(root, 'qutoa'))).toBe(false);
  });

  it('creates the data directory when it is missing, and the file in it', () => {
    const path = join(root, 'data', 'qm.db');
    prepareSqliteFile(`file:${path}`, path, join(root, 'data'));
    expect(existsSync(path)).toBe(true);
  });

  it('does not create a directory below the data directory either', () => {
    const path = join(root, 'data', 'sub', 'qm.db');
    expect(() => prepareSqliteFile(`file:${path}`, path, join(root, 'data'))).toThrow(
      /does not exist/,
    );
    expect(existsSync(join(root, 'data'))).toBe(false);
  });

  it('uses an existing directory as it is', () => {
    const path = join(root, 'qm.db');
    prepareSqliteFile(`file:${path}`, path, join(root, 'data'));
    expect(existsSync(path)).toBe(true);
  });
});
