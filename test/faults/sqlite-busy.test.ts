// SQLite busy: another connection (here, the test process) takes the write lock and writes
// while the daemon scans and while API writes arrive, holding it for seconds but less than the
// daemon's busy deadline (10 s, src/db/sqlite-busy-retry.ts). The daemon must wait, not fail:
// every API write succeeds, and the scan finishes with exactly one grant per user.
import Sqlite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '../../src/db/driver.ts';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import {
  apiHeaders,
  countByStatus,
  disagreements,
  ledgerRows,
  mockState,
  scan,
  scanUntilSettled,
  seedUsersAndStrategy,
  setFaults,
  sleep,
} from '../support/fault-helpers.ts';
import { startDaemon, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';

const USERS = 3000;
const HOLD_MS = 3000;

describe('SQLite locked by another writer', { timeout: 120_000 }, () => {
  let database: DisposableDatabaseUrl;
  let mock: RunningProcess;
  let daemon: RunningProcess;
  let other: Sqlite.Database;

  beforeAll(async () => {
    database = await createDatabaseUrl('sqlite');
    // Interrupted grants are re-sent with their key: a key-honouring gateway, said on both sides.
    mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'true' });
    daemon = await startDaemon(database.url, mock.url, {
      AIGATEWAY_CONCURRENCY: '8',
      SCAN_PAGE_SIZE: '100',
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'true',
      API_REQUEST_TIMEOUT_MS: '120000',
    });
    other = new Sqlite(sqlitePath(database.url));
    other.pragma('busy_timeout = 10000');
  });
  afterAll(async () => {
    other?.close();
    await daemon?.stop('SIGKILL');
    await mock?.stop();
    await database?.drop();
  });

  /**
   * Takes the write lock with `begin`, writes, starts `during`, and releases the lock after
   * HOLD_MS whether or not `during` has finished (it may well be waiting for the lock); then
   * waits for `during`.
   */
  async function holdWriteLock<T>(
    begin: 'BEGIN IMMEDIATE' | 'BEGIN EXCLUSIVE',
    touchUser: string,
    during: () => Promise<T>,
  ): Promise<T> {
    other.exec(begin);
    let running: Promise<T>;
    try {
      // A real write, so the daemon's read snapshots are outdated when the lock is released.
      other.prepare("UPDATE user_info SET name = 'locked-by-test' WHERE id = ?").run(touchUser);
      running = during();
      await sleep(HOLD_MS);
    } finally {
      other.exec('COMMIT');
    }
    return running;
  }

  /** API writes of several kinds (and a health check), sent at once; each one's status and time. */
  async function apiWrites(
    round: number,
    strategyId: number,
  ): Promise<{ what: string; status: number; ms: number }[]> {
    const send = async (what: string, method: string, path: string, body: unknown) => {
      const started = performance.now();
      const response = await fetch(`${daemon.url}${path}`, {
        method,
        headers: apiHeaders,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      await response.body?.cancel();
      return { what, status: response.status, ms: Math.round(performance.now() - started) };
    };
    return Promise.all([
      // Not a write: shows how long the daemon's event loop is held by SQLite's (synchronous) wait.
      send('healthz', 'GET', '/healthz', undefined),
      send('create strategy', 'POST', '/api/v1/strategies', {
        name: `busy-other-${round}`,
        title: 'matches nobody',
        type: 'single',
        enabled: true,
        amount: 1,
        condition: 'belong-to("nobody")',
      }),
      send('put user', 'PUT', `/api/v1/users/busy-extra-${round}`, { org: 'elsewhere' }),
      send(
        'bulk users',
        'POST',
        '/api/v1/users/bulk',
        [1, 2, 3].map((i) => ({ id: `busy-bulk-${round}-${i}`, org: 'elsewhere' })),
      ),
      send('patch strategy', 'PATCH', `/api/v1/strategies/${strategyId}`, {
        title: `busy round ${round}`,
      }),
    ]);
  }

  it(`the scan and API writes wait out a ${HOLD_MS} ms write lock (twice) instead of failing`, async () => {
    // ~8 grants in flight, 20 ms each: the scan runs for seconds, so both locks land mid-scan.
    await setFaults(mock, { latency_ms: 20 });
    const { userIds, strategyId } = await seedUsersAndStrategy(daemon, 'sqlite-busy', USERS);
    // The PATCHes during the locks go to a bystander: a change to the scanned strategy itself
    // would (rightly) stop the scan in flight at its next page (issue 11 §2).
    const bystander = await fetch(`${daemon.url}/api/v1/strategies`, {
      method: 'POST',
      headers: apiHeaders,
      body: JSON.stringify({
        name: 'busy-bystander',
        title: 't',
        type: 'single',
        amount: 1,
        condition: 'false()',
      }),
    });
    expect(bystander.status).toBe(201);
    const bystanderId = ((await bystander.json()) as { id: number }).id;
    const started = performance.now();
    const scanning = scan(daemon);
    while ((await mockState(mock)).deltas < 200) await sleep(20);

    const writes = [];
    writes.push(
      ...(await holdWriteLock('BEGIN IMMEDIATE', userIds[0]!, () => apiWrites(1, bystanderId))),
    );
    const deltasBetween = (await mockState(mock)).deltas;
    await sleep(300);
    writes.push(
      ...(await holdWriteLock('BEGIN EXCLUSIVE', userIds[1]!, () => apiWrites(2, bystanderId))),
    );
    const deltasAfterLocks = (await mockState(mock)).deltas;

    const first = await scanning;
    const scanMs = Math.round(performance.now() - started);
    await setFaults(mock, { latency_ms: 0 });
    // The two strategies created while the database was locked match nobody.
    await scanUntilSettled(daemon, 3);
    const rows = await ledgerRows(database.url, strategyId);
    const state = await mockState(mock);
    console.info(
      `sqlite busy: deltas ${deltasBetween} after the first lock, ${deltasAfterLocks} after the second; first scan ${first.status} ` +
        `${JSON.stringify(first.body)} in ${scanMs} ms; API writes ${writes.map((w) => `${w.what} ${w.status} ${w.ms} ms`).join(', ')}; ` +
        `ledger ${JSON.stringify(countByStatus(rows))}, deltas ${state.deltas}`,
    );
    expect(writes.filter((w) => w.status >= 300)).toEqual([]);
    // Both locks really caught the scan in the middle.
    expect(deltasAfterLocks).toBeLessThan(USERS);
    // The scan that the locks interrupted finished the job itself, nothing failed.
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ strategies: 1, granted: USERS, failed: 0 });
    expect(countByStatus(rows)).toEqual({ applied: USERS });
    expect(disagreements(userIds, rows, state)).toEqual([]);
    expect(state.deltas).toBe(USERS);
    expect(daemon.output()).not.toMatch(/database is locked|SQLITE_BUSY/i);
  });
});
