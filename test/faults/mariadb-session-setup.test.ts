// A MariaDB connection cut while the driver sets up its session (after authentication, at the
// daemon's `SET time_zone`): what a pool meets when it refills while the server goes away. The
// driver must report it as a failed connection, not as an unhandled rejection that ends the
// process (mariadb 3.4.x did: CI saw the daemon die while MariaDB restarted). Deterministic: a
// proxy cuts the connection at that statement.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabaseUrl, type DisposableDatabaseUrl } from '../support/databases.ts';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';
import {
  startSessionBreakingProxy,
  type SessionBreakingProxy,
} from '../support/session-breaking-proxy.ts';

const headers = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };

describe('a MariaDB connection cut during its session setup', { timeout: 120_000 }, () => {
  let database: DisposableDatabaseUrl;
  let proxy: SessionBreakingProxy;
  let mock: RunningProcess;
  let daemon: RunningProcess;

  beforeAll(async () => {
    database = await createDatabaseUrl('mysql');
    const direct = new URL(database.url);
    proxy = await startSessionBreakingProxy(
      { host: direct.hostname, port: Number(direct.port) },
      'SET time_zone',
    );
    const proxied = new URL(database.url);
    proxied.host = proxy.address;
    mock = await startMockGatewayProcess();
    daemon = await startDaemon(proxied.toString(), mock.url);
  });
  afterAll(async () => {
    await daemon?.stop('SIGKILL');
    await mock?.stop();
    await proxy?.close();
    await database?.drop();
  });

  const create = (name: string) =>
    fetch(`${daemon.url}/api/v1/strategies`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ name, title: name, type: 'single', amount: 1, condition: 'true()' }),
    });

  it('fails the requests that needed it, keeps the process up, and recovers', async () => {
    expect((await create('before')).status).toBe(201);

    proxy.breakSessionSetup = true;
    proxy.dropAll();
    // Every connection the pool opens now is cut at its SET time_zone; ask until some were.
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 40 && proxy.cutCount < 3; attempt++) {
      statuses.push((await fetch(`${daemon.url}/api/v1/strategies`, { headers })).status);
    }
    expect(proxy.cutCount).toBeGreaterThanOrEqual(3);
    expect(statuses.every((status) => status === 503)).toBe(true);
    expect(daemon.child.exitCode).toBeNull();
    expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);

    proxy.breakSessionSetup = false;
    let status = 0;
    for (let attempt = 0; attempt < 30 && status !== 201; attempt++) {
      status = (await create(`after-${attempt}`)).status;
      if (status !== 201) await new Promise((r) => setTimeout(r, 500));
    }
    expect(status).toBe(201);
    expect(daemon.child.exitCode).toBeNull();
  });
});
