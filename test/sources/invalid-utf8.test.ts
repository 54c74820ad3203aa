// A source whose ids are not valid UTF-8: SQLite hands such TEXT to us with U+FFFD in place of
// the bad bytes (so `abc\xfe` and `abc\xff` would both become the one user `abc�`), and a BLOB
// as bytes. Such rows are refused and counted under `invalid_utf8`, never stored replaced.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe('a SQLite user source with ids that are not UTF-8', () => {
  let dir: string;
  let h: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-source-utf8-'));
    const file = join(dir, 'people.db');
    const source = new Sqlite(file);
    source.exec(`CREATE TABLE people (id TEXT, github_username TEXT)`);
    source.exec(`INSERT INTO people VALUES
      ('usér-é', 'zoë'),
      (CAST(x'616263fe' AS TEXT), NULL),
      (CAST(x'616263ff' AS TEXT), NULL),
      (x'6869ff', NULL),
      ('dev', CAST(x'6465ff' AS TEXT))`);
    source.close();
    h = await createHarness('sqlite', {
      userSource: { url: `file:${file}`, query: 'SELECT id, github_username FROM people' },
    });
  });
  afterAll(async () => {
    await h?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses them by reason, stores the valid non-ASCII row, and invents no user', async () => {
    const run = await (await h.runtime.app.startUserSync({})).done;
    expect(run).toMatchObject({ rowsRead: 5, upserted: 1, error: null });
    const { body } = await h.call('GET', '/api/v1/sources');
    expect(body.items[0].last_run).toMatchObject({
      rejected: { invalid_utf8: 4 },
      rejected_ids: { invalid_utf8: ['abc\uFFFD', 'abc\uFFFD', 'row 4', 'dev'] },
    });
    expect(body.items[0].last_run.rejected_examples.invalid_utf8).toMatch(/UTF-8/);
    const users = await h.call('GET', '/api/v1/users?limit=10');
    expect(users.body.items.map((u: { id: string }) => u.id)).toEqual(['usér-é']);
    expect((await h.call('GET', `/api/v1/users/${encodeURIComponent('abc\uFFFD')}`)).status).toBe(
      404,
    );
  });
});
