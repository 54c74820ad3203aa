// What GET /api/v1/sources says about a run that never finished: `running` while some replica
// holds the sync's lease, `abandoned` once nobody does (its process died mid-run), and a next
// run takes over. The source is a SQLite file; the daemon's database each of our three.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USER_SOURCE_NAME } from '../../src/core/model/user-sync.ts';
import { createReservedLease, RESERVED_LEASE_KEYS } from '../../src/db/reserved-lease.ts';
import { createUserSourceStateStore } from '../../src/db/user-source-state-store.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

describe.each(DATABASE_KINDS)('a source run that never finished, daemon on %s', (kind) => {
  let dir: string;
  let h: Harness;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qm-source-state-'));
    const file = join(dir, 'people.db');
    const source = new Sqlite(file);
    source.exec(`CREATE TABLE people (id TEXT PRIMARY KEY)`);
    source.exec(`INSERT INTO people VALUES ('ann'), ('bob')`);
    source.close();
    h = await createHarness(kind, {
      userSource: { url: `file:${file}`, query: 'SELECT id FROM people' },
    });
  });
  afterAll(async () => {
    await h?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  /** The state a run leaves when its process dies after starting: no end, no error. */
  async function crashedRun(): Promise<void> {
    await createUserSourceStateStore(h.database).save({
      source: USER_SOURCE_NAME,
      cursor: null,
      lastFullAt: null,
      lastSuccessAt: null,
      lastRun: {
        startedAt: new Date('2026-01-15T09:00:00Z'),
        finishedAt: null,
        full: true,
        dryRun: false,
        rowsRead: 1000,
        upserted: 1000,
        deleted: 0,
        vanished: 0,
        vanishedIds: [],
        deletesRefused: null,
        rejected: {},
        rejectedIds: {},
        rejectedExamples: {},
        error: null,
      },
    });
  }

  const source = async () => (await h.call('GET', '/api/v1/sources')).body.items[0];

  it('shows a run whose replica still holds the lease as running', async () => {
    await crashedRun();
    const other = createReservedLease(
      h.database,
      RESERVED_LEASE_KEYS.userSync,
      'other-replica',
      60_000,
    );
    expect(await other.acquire()).toBe(true);
    try {
      expect(await source()).toMatchObject({ running: true, abandoned: false });
    } finally {
      await other.release();
    }
  });

  it('shows it as abandoned once nobody holds the lease, and a new run replaces it', async () => {
    await crashedRun();
    expect(await source()).toMatchObject({
      running: false,
      abandoned: true,
      last_run: { finished_at: null, rows_read: 1000 },
    });
    const run = await (await h.runtime.app.startUserSync({})).done;
    expect(run).toMatchObject({ rowsRead: 2, upserted: 2, error: null });
    expect(await source()).toMatchObject({
      running: false,
      abandoned: false,
      last_run: { rows_read: 2 },
    });
  });
});
