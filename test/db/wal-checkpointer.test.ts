// SQLite WAL checkpoints run on a worker thread (src/db/wal-checkpointer.ts), not inside the
// daemon's write statements: with walCheckpoints on, the daemon's connection does not
// checkpoint at SQLite's usual 1 000 pages, yet the log still reaches the database file.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.ts';

const dir = mkdtempSync(join(tmpdir(), 'qm-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const PAGE = 4096;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes ~3 000 pages (12 MB) in 30 statements, then waits `waitMs`; the main file's size after. */
async function writeAndMeasure(name: string, walCheckpoints: boolean, waitMs: number) {
  const path = join(dir, `${name}.db`);
  const errors: string[] = [];
  const database = await openDatabase(`file:${path}`, {
    walCheckpoints: walCheckpoints ? { onError: (e) => errors.push(e) } : undefined,
  });
  try {
    const [mode] = await database.db.$queryRawUnsafe<{ wal_autocheckpoint: bigint }[]>(
      'PRAGMA wal_autocheckpoint',
    );
    await database.db.$executeRawUnsafe('CREATE TABLE blob_rows (x BLOB)');
    for (let i = 0; i < 30; i++)
      await database.db.$executeRawUnsafe(
        'INSERT INTO blob_rows SELECT randomblob(4000) FROM json_each(?)',
        JSON.stringify(Array.from({ length: 100 }, (_, k) => k)),
      );
    await sleep(waitMs);
    return {
      fileBytes: statSync(path).size,
      autocheckpoint: Number(mode!.wal_autocheckpoint),
      errors,
    };
  } finally {
    await database.close();
  }
}

describe('SQLite WAL checkpoints on a worker thread', () => {
  it('moves the log into the database file off the event loop', async () => {
    const worker = await writeAndMeasure('worker', true, 1500);
    // The daemon's connection only checkpoints by itself far past the usual 1 000 pages.
    expect(worker.autocheckpoint).toBeGreaterThanOrEqual(10_000);
    // 3 000 pages were written to the log; the worker copied them into the file.
    expect(worker.fileBytes).toBeGreaterThan(2_500 * PAGE);
    expect(worker.errors).toEqual([]);
  });

  it('close() keeps the process alive until the worker is gone (nothing else pending)', () => {
    // The worker is unreferenced so that it never keeps a process alive; a process awaiting
    // only close() (the daemon closes and reopens the database around migrations) must not exit
    // under it.
    const script = [
      "import { openDatabase } from './src/db/client.ts';",
      `const database = await openDatabase('file:${join(dir, 'alive.db')}', { walCheckpoints: {} });`,
      'await database.close();',
      "console.log('after close');",
    ].join('\n');
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: join(import.meta.dirname, '../..'),
        encoding: 'utf8',
      },
    );
    expect(out).toContain('after close');
  });

  it('without the worker, the usual automatic checkpoint still applies (the default)', async () => {
    const plain = await writeAndMeasure('plain', false, 0);
    expect(plain.autocheckpoint).toBe(1000);
    expect(plain.fileBytes).toBeGreaterThan(1_000 * PAGE);
  });
});
