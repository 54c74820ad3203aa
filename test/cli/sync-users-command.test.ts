// `quota-manager sync users` as a real process, from a SQLite source file (opened read-only)
// into a SQLite daemon database: --dry-run says what would change and writes nothing; a real
// run upserts the valid rows and lists the refused ones.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database as QmDatabase } from '../../src/db/client.ts';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import { runCli } from './cli-process.ts';

vi.setConfig({ testTimeout: 180_000 });

describe('sync users', () => {
  let url: DisposableDatabaseUrl;
  let database: QmDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    const sourcePath = join(mkdtempSync(join(tmpdir(), 'qm-source-')), 'users.db');
    const source = new Database(sourcePath);
    source.exec(`CREATE TABLE accounts (login TEXT PRIMARY KEY, level TEXT, joined TEXT);
      INSERT INTO accounts VALUES ('ann', '2', '2025-06-01 08:00:00'),
                                  ('bob', 'gold', '2025-06-01 08:00:00'),
                                  ('cid', NULL, NULL);`);
    source.close();
    url = await createDatabaseUrl('sqlite');
    database = await openDatabase(url.url);
    env = {
      DATABASE_URL: url.url,
      USER_SOURCE_URL: `file:${sourcePath}`,
      USER_SOURCE_QUERY: 'SELECT login AS id, level AS vip, joined AS register_time FROM accounts',
      USER_SOURCE_TIMEZONE: 'Asia/Shanghai',
    };
  });
  afterAll(async () => {
    await database.close();
    await url.drop();
  });

  it('--dry-run says what would change and writes nothing', async () => {
    const run = await runCli(['sync', 'users', '--dry-run', '--json'], { env });
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
    expect(report).toMatchObject({
      dry_run: true,
      full: true,
      rows_read: 3,
      upserted: 2,
      rejected: { invalid_vip: 1 },
      rejected_ids: { invalid_vip: ['bob'] },
    });
    expect(await database.db.userInfo.count()).toBe(0);
    expect(await database.db.userSourceState.count()).toBe(0);
  });

  it('upserts the valid rows, reads naive dates in USER_SOURCE_TIMEZONE, lists the refused', async () => {
    const run = await runCli(['sync', 'users'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('full sync: read 3 rows, upsert 2, delete 0');
    expect(run.stdout).toContain('skipped 1 rows: invalid_vip');
    const ann = await database.db.userInfo.findUnique({ where: { id: 'ann' } });
    expect(ann).toMatchObject({ vip: 2, registerTime: new Date('2025-06-01T00:00:00Z') });
    expect(await database.db.userInfo.findUnique({ where: { id: 'bob' } })).toBeNull();
  });
});
