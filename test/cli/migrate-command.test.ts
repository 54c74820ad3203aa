// `quota-manager migrate` as a real process (issue 12, items 6 and 9): --status lists applied
// and pending migrations, --dry-run says what would be applied and changes nothing, and a
// failure is the reason alone, without the Prisma CLI's banner and engine backtrace.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DATABASE_KINDS,
  createEmptyDatabaseUrl,
  type DisposableDatabaseUrl,
} from '../support/databases.ts';
import { runCli } from './cli-process.ts';

const committed = readdirSync('prisma/migrations', { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe.each(DATABASE_KINDS)(
  'migrate --status and --dry-run on %s',
  { timeout: 120_000 },
  (kind) => {
    let database: DisposableDatabaseUrl | undefined;
    afterAll(() => database?.drop());

    it('lists pending migrations, dry-runs them without applying, then shows them applied', async () => {
      database = await createEmptyDatabaseUrl(kind);
      const env = { DATABASE_URL: database.url };

      const before = await runCli(['migrate', '--status'], { env });
      expect(before.complaints).toBe('');
      expect(before.code).toBe(0);
      expect(before.stdout).toBe(
        `${committed.map((name) => `pending  ${name}`).join('\n')}\n0 applied, ${committed.length} pending\n`,
      );

      const dry = await runCli(['migrate', '--dry-run'], { env });
      expect(dry.code).toBe(0);
      expect(dry.stdout).toBe(
        `would apply ${committed.length} migrations:\n${committed.map((name) => `  ${name}`).join('\n')}\n(dry run: nothing was changed)\n`,
      );
      expect((await runCli(['migrate', '--status', '--json'], { env })).stdout).toBe(
        `${JSON.stringify({ applied: [], pending: committed })}\n`,
      );

      expect(await runCli(['migrate'], { env })).toMatchObject({
        code: 0,
        stdout: 'migrations applied\n',
      });
      const after = await runCli(['migrate', '--status'], { env });
      expect(after.stdout).toBe(
        `${committed.map((name) => `applied  ${name}`).join('\n')}\n${committed.length} applied, 0 pending\n`,
      );
      expect((await runCli(['migrate', '--dry-run'], { env })).stdout).toBe(
        'nothing to apply: the database is up to date\n',
      );
    });
  },
);

describe('migrate failures', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qm-migrate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('says why in one line, without the Prisma banner or the engine backtrace', async () => {
    const file = join(dir, 'not-a-database.db');
    writeFileSync(
      file,
      'this is not a SQLite database, just some text that is long enough\n'.repeat(100),
    );
    const result = await runCli(['migrate'], { env: { DATABASE_URL: `file:${file}` } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('quota-manager migrate: migration failed: file is not a database\n');
  });

  it('an unreachable PostgreSQL server: the reason and what to check', async () => {
    const result = await runCli(['migrate'], {
      env: { DATABASE_URL: 'postgresql://qm:secret-pw@127.0.0.1:1/qm' },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "quota-manager migrate: migration failed: Can't reach database server at `127.0.0.1:1`. Please make sure your database server is running at `127.0.0.1:1`.\n",
    );
  });
});
