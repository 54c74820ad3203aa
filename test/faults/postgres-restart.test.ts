// The database server (PostgreSQL, then MariaDB) stopped and started again in the middle of a
// scan, under a running daemon ticking every 2 seconds: the process stays up, the interrupted
// scan fails and is logged, the pool reconnects, and later ticks finish the job — every user
// granted exactly once at the mock and in the ledger, nothing left pending. Uses its own server
// so stopping it disturbs no other test file.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  countByStatus,
  disagreements,
  ledgerRows,
  mockState,
  seedUsersAndStrategy,
  setFaults,
  sleep,
  type LedgerRow,
} from '../support/fault-helpers.ts';
import { restartableServers, type RestartableServer } from '../support/restartable-servers.ts';
import { startDaemon, startMockGatewayProcess, type RunningProcess } from '../support/processes.ts';

const USERS = 4000;
const DOWN_MS = 3000;

const SERVERS = restartableServers('qm_restart');

describe.each(SERVERS)('%s restarted during a scan', { timeout: 180_000 }, (name, start) => {
  let cluster: RestartableServer;
  let url: string;
  let mock: RunningProcess;
  let daemon: RunningProcess;

  beforeAll(async () => {
    cluster = await start();
    url = cluster.url;
    // Interrupted grants are re-sent with their key: a key-honouring gateway, said on both sides.
    mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'true' });
    daemon = await startDaemon(url, mock.url, {
      SCAN_CRON: '*/2 * * * * *',
      AIGATEWAY_CONCURRENCY: '8',
      SCAN_PAGE_SIZE: '200',
      AIGATEWAY_HONOURS_IDEMPOTENCY: 'true',
      SCAN_LEASE_MS: '5000',
      API_REQUEST_TIMEOUT_MS: '120000',
    });
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await mock?.stop();
    cluster?.stop();
  });

  it(`a ${USERS}-user scan survives a database server restart and finishes exactly once`, async () => {
    // ~8 grants in flight, 20 ms each: the scan takes several seconds.
    await setFaults(mock, { latency_ms: 20 });
    const { userIds, strategyId } = await seedUsersAndStrategy(daemon, 'pg-restart', USERS);

    // Wait until a tick is well into the scan, then take the database away.
    const deadline = Date.now() + 30_000;
    let deltasAtStop = 0;
    while (Date.now() < deadline && deltasAtStop < 600) {
      await sleep(50);
      deltasAtStop = (await mockState(mock)).deltas;
    }
    expect(deltasAtStop).toBeGreaterThanOrEqual(600);
    const stoppedAt = Date.now();
    await cluster.stopServer();
    try {
      await sleep(DOWN_MS);
      // The process is up and answering; the scan was cut short, not finished.
      expect(daemon.child.exitCode).toBeNull();
      expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${daemon.url}/readyz`)).status).toBe(503);
    } finally {
      await cluster.startServer();
    }
    const restartedAt = Date.now();
    const deltasWhileDown = (await mockState(mock)).deltas;
    expect(deltasWhileDown).toBeLessThan(USERS);

    // Later ticks settle the interrupted page (re-sent with its key) and grant the rest.
    let rows: LedgerRow[] = [];
    const settleDeadline = Date.now() + 90_000;
    while (Date.now() < settleDeadline) {
      await sleep(1000);
      rows = await ledgerRows(url, strategyId);
      const counts = countByStatus(rows);
      if (counts.applied === USERS && rows.length === USERS) break;
    }
    const settledAt = Date.now();
    const state = await mockState(mock);
    const output = daemon.output();
    const failedRuns = output
      .split('\n')
      .filter((line) => /"strategy run failed"|"scan tick failed"/.test(line)).length;
    console.info(
      `${name} restart: stopped after ${deltasAtStop} deltas, down ${restartedAt - stoppedAt} ms (${deltasWhileDown} deltas by restart), ` +
        `settled ${settledAt - restartedAt} ms after restart; ${failedRuns} failed runs/ticks logged; ` +
        `ledger ${JSON.stringify(countByStatus(rows))}; deltas ${state.deltas}, replays ${state.idempotent_replays}`,
    );
    expect(countByStatus(rows)).toEqual({ applied: USERS });
    expect(disagreements(userIds, rows, state)).toEqual([]);
    expect(state.deltas).toBe(USERS);
    // The interruption was seen and survived, not avoided. The MariaDB driver's pool may instead
    // wait out a short outage (acquireTimeout 10 s) and carry on: seen in a full-suite run, where
    // no run failed and every user was still granted exactly once (asserted above).
    if (name !== 'MariaDB') expect(failedRuns).toBeGreaterThan(0);
    expect(daemon.child.exitCode).toBeNull();
    expect((await fetch(`${daemon.url}/readyz`)).status).toBe(200);
  });
});
