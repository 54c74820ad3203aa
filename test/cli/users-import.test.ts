// `quota-manager users import` as a real process against real databases: CSV and JSON Lines
// land in user_info with the API's semantics; an invalid record anywhere writes nothing and
// names its line; a batch the database refuses is not written while earlier ones stay; a large
// file streams through in batches.
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Database } from '../../src/db/client.ts';
import { createUserStore } from '../../src/db/user-store.ts';
import type { DatabaseKind } from '../../src/config/database-url.ts';
import {
  createDatabaseUrl,
  DATABASE_KINDS,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { runCli } from './cli-process.ts';

// Each test starts real processes (tsx, Prisma) and this suite runs on small, busy machines.
vi.setConfig({ testTimeout: 180_000 });

interface Fixture {
  url: DisposableDatabaseUrl;
  database: Database;
  dir: string;
  file(name: string, content: string): string;
  count(prefix: string): Promise<number>;
}

async function fixture(kind: DatabaseKind): Promise<Fixture> {
  const url = await createDatabaseUrl(kind);
  const database = await openDatabase(url.url);
  const dir = mkdtempSync(join(tmpdir(), 'qm-cli-import-'));
  return {
    url,
    database,
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    },
    count: (prefix) => database.db.userInfo.count({ where: { id: { startsWith: prefix } } }),
  };
}

async function dispose(f: Fixture | undefined): Promise<void> {
  if (!f) return;
  await f.database.close();
  await f.url.drop();
  rmSync(f.dir, { recursive: true, force: true });
}

describe.each(DATABASE_KINDS)('users import on %s', (kind) => {
  let f: Fixture;
  const env = () => ({ DATABASE_URL: f.url.url });
  beforeAll(async () => {
    f = await fixture(kind);
  });
  afterAll(() => dispose(f));

  it('imports a CSV: quoted and multi-line fields, empty cells, ;-separated stars', async () => {
    const path = f.file(
      'users.csv',
      [
        'id,name,vip,org,github_stars,register_time,email',
        'csv-1,"Smith, Jane",2,acme,zgsm-ai/zgsm;vscode,2025-01-02T03:04:05Z,jane@example.com',
        'csv-2,"two',
        'lines, ""quoted""",,,,,',
        '',
        'csv-3,Bob,0,globex, vscode ,2024-06-01T00:00:00+08:00,',
      ].join('\r\n'),
    );
    const result = await runCli(['users', 'import', path], { env: env() });
    expect(result.complaints).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 3 users from users.csv in 1 batch');
    // One audit row for the whole import, as the CLI.
    const audit = await f.database.db.auditEvent.findMany({ where: { action: 'users.import' } });
    expect(audit.map((e) => [e.actor, JSON.parse(e.changes ?? '{}')])).toEqual([
      ['cli', { file: 'users.csv', users: 3, batches: 1 }],
    ]);

    const users = createUserStore(f.database);
    expect(await users.get('csv-1')).toMatchObject({
      name: 'Smith, Jane',
      vip: 2,
      org: 'acme',
      githubStars: ['vscode', 'zgsm-ai/zgsm'],
      registerTime: new Date('2025-01-02T03:04:05Z'),
      email: 'jane@example.com',
      phone: null,
    });
    // Empty cells: null for text and times, no stars, vip untouched (default 0 for a new user).
    expect(await users.get('csv-2')).toMatchObject({
      name: 'two\nlines, "quoted"',
      vip: 0,
      org: null,
      githubStars: [],
      registerTime: null,
      email: null,
    });
    expect(await users.get('csv-3')).toMatchObject({
      name: 'Bob',
      githubStars: ['vscode'],
      registerTime: new Date('2024-05-31T16:00:00Z'),
    });
  });

  it('imports JSON Lines with the API semantics: absent fields keep their values, the last line for an id wins', async () => {
    const path = f.file(
      'users.jsonl',
      [
        JSON.stringify({ id: 'csv-1', vip: 5 }),
        '',
        JSON.stringify({
          id: 'jsonl-1',
          name: 'First',
          github_stars: ['a/b'],
          access_time: '2025-07-01T00:00:00Z',
        }),
        JSON.stringify({ id: 'jsonl-1', org: 'acme' }),
      ].join('\n'),
    );
    const result = await runCli(['users', 'import', path], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 3 users from users.jsonl in 1 batch');
    const users = createUserStore(f.database);
    // Only vip changed; the name, stars and times written by the CSV test stay.
    expect(await users.get('csv-1')).toMatchObject({
      vip: 5,
      name: 'Smith, Jane',
      githubStars: ['vscode', 'zgsm-ai/zgsm'],
      org: 'acme',
    });
    expect(await users.get('jsonl-1')).toMatchObject({
      name: 'First',
      org: 'acme',
      githubStars: ['a/b'],
      accessTime: new Date('2025-07-01T00:00:00Z'),
    });
  });

  it('an invalid record on line N is reported with N and nothing at all is written', async () => {
    const lines = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({ id: `bad-${i + 1}`, vip: 1 }),
    );
    lines[2344] = JSON.stringify({ id: 'bad-2345', vip: -1 });
    lines[2399] = '{"id": "bad-2400", "vip": 1';
    lines[2449] = JSON.stringify({ id: 'bad-2450', vip: 1, nickname: 'x' });
    const path = f.file('bad.jsonl', lines.join('\n'));
    const result = await runCli(['users', 'import', path, '--batch-size', '1000'], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^bad\.jsonl:2345: vip: Too small: expected number to be >=0$/m);
    expect(result.stderr).toMatch(/^bad\.jsonl:2400: not valid JSON/m);
    expect(result.stderr).toMatch(/^bad\.jsonl:2450: Unrecognized key: "nickname"$/m);
    expect(result.stderr).toContain('3 invalid records in bad.jsonl; nothing was written');
    // The two batches before the bad lines are not written either: validation comes first.
    expect(await f.count('bad-')).toBe(0);
  });

  it('counts CSV line numbers in the file, across multi-line records', async () => {
    const path = f.file(
      'bad.csv',
      ['id,name,vip', 'c-1,"a', 'b",1', 'c-2,ok,lots', 'c-3,ok,1,extra'].join('\n'),
    );
    const result = await runCli(['users', 'import', path], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^bad\.csv:4: vip: Invalid input: expected number, received string$/m,
    );
    expect(result.stderr).toMatch(/^bad\.csv:5: expected 3 fields \(id,name,vip\), found 4$/m);
    expect(await f.count('c-')).toBe(0);
  });

  it('refuses the ids "." and "..", which no URL can reach, and writes nothing', async () => {
    const path = f.file('dots.csv', ['id,vip', 'dots-1,1', '.,1', '..,1'].join('\n'));
    const result = await runCli(['users', 'import', path], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^dots\.csv:3: id: must not be "\." or "\.\."/m);
    expect(result.stderr).toMatch(/^dots\.csv:4: id: must not be "\." or "\.\."/m);
    expect(await f.count('dots-')).toBe(0);
    expect(await f.database.db.userInfo.count({ where: { id: { in: ['.', '..'] } } })).toBe(0);
  });

  it('rejects an unknown CSV column once, at the header', async () => {
    const path = f.file('header.csv', 'id,nickname\nh-1,x\nh-2,y\n');
    const result = await runCli(['users', 'import', path], { env: env() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^header\.csv:1: unknown column "nickname" in the header/m);
    expect(result.stderr).toContain('1 invalid record in header.csv; nothing was written');
    expect(await f.count('h-')).toBe(0);
  });
});

describe('users import, batches and large files', () => {
  let sqlite: Fixture | undefined;
  let postgres: Fixture | undefined;
  afterAll(async () => {
    await dispose(sqlite);
    await dispose(postgres);
  });

  it('a batch the database refuses is not written; the batches before it stay written (PostgreSQL)', async () => {
    postgres = await fixture('postgresql');
    // A record the schema accepts but this database refuses: a CHECK constraint added for the
    // test stands in for any write-time failure (disk full, a constraint added by an operator).
    await postgres.database.db.$executeRawUnsafe(
      `ALTER TABLE user_info ADD CONSTRAINT test_refuse CHECK (name IS NULL OR name <> 'refuse-me')`,
    );
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({
        id: `nul-${String(i + 1).padStart(3, '0')}`,
        name: i === 229 ? 'refuse-me' : `user ${i + 1}`,
      }),
    );
    const path = postgres.file('nul.jsonl', lines.join('\n'));
    const result = await runCli(['users', 'import', path, '--batch-size', '100'], {
      env: { DATABASE_URL: postgres.url.url },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'nul.jsonl: the batch of lines 201-300 (100 users) was not written',
    );
    expect(result.stderr).toContain(
      '200 users (lines before 201, 2 batches) were written and stay written; nothing from line 201 on was written.',
    );
    expect(await postgres.count('nul-')).toBe(200);
    expect(await postgres.database.db.userInfo.count({ where: { id: { gt: 'nul-200' } } })).toBe(0);
  });

  it('streams a 20 000-line CSV in batches, with plain progress lines when not on a terminal', async () => {
    sqlite = await fixture('sqlite');
    const path = join(sqlite.dir, 'big.csv');
    const out = createWriteStream(path);
    out.write('id,name,vip,org,github_stars\n');
    for (let i = 0; i < 20_000; i++) {
      if (
        !out.write(
          `big-${String(i).padStart(5, '0')},User ${i},${i % 4},org${i % 7},${i % 3 === 0 ? 'zgsm-ai/zgsm;vscode' : ''}\n`,
        )
      )
        await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');

    const result = await runCli(['users', 'import', path], {
      env: { DATABASE_URL: sqlite.url.url },
    });
    expect(result.complaints).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('imported 20000 users from big.csv in 20 batches');
    expect(result.stdout).toContain('writing 2000/20000 users (10%)');
    expect(result.stdout).toContain('writing 18000/20000 users (90%)');
    // The point is to find terminal control characters (a redrawn progress bar).
    // eslint-disable-next-line no-control-regex
    expect(result.stdout).not.toMatch(/[\r\u001b]/);
    expect(await sqlite.count('big-')).toBe(20_000);
    expect(await sqlite.database.db.userGithubStar.count({ where: { repo: 'zgsm-ai/zgsm' } })).toBe(
      6667,
    );
    expect(await createUserStore(sqlite.database).get('big-19999')).toMatchObject({
      name: 'User 19999',
      vip: 3,
      org: 'org0',
      githubStars: [],
    });
  }, 300_000);
});
