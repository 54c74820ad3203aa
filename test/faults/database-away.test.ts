// The database server (PostgreSQL, then MariaDB) goes away under a running daemon: the API answers 503 problem documents (not 500)
// while it is down, the process stays up, and it carries on once the database is back — no
// restart needed. Uses its own cluster so stopping it disturbs no other test.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restartableServers, type RestartableServer } from '../support/restartable-servers.ts';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
  type RunningProcess,
} from '../support/processes.ts';

const headers = { authorization: `Bearer ${E2E_ADMIN_TOKEN}`, 'content-type': 'application/json' };

const SERVERS = restartableServers('qm_away');

describe.each(SERVERS)(
  '%s restarted under a running daemon',
  { timeout: 240_000 },
  (_name, start) => {
    let cluster: RestartableServer;
    let mock: RunningProcess;
    let daemon: RunningProcess;

    beforeAll(async () => {
      cluster = await start();
      // Interrupted grants are re-sent with their key: a key-honouring gateway, said on both sides.
      mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'true' });
      daemon = await startDaemon(cluster.url, mock.url, { AIGATEWAY_HONOURS_IDEMPOTENCY: 'true' });
    });
    afterAll(async () => {
      await daemon?.stop('SIGKILL');
      await mock?.stop();
      cluster?.stop();
    });

    it('answers 503 while the database is down and recovers after it returns', async () => {
      const create = (name: string) =>
        fetch(`${daemon.url}/api/v1/strategies`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            name,
            title: name,
            type: 'single',
            amount: 1,
            condition: 'true()',
          }),
        });
      expect((await create('before')).status).toBe(201);

      await cluster.stopServer();
      try {
        const listing = await fetch(`${daemon.url}/api/v1/strategies`, { headers });
        expect(listing.status).toBe(503);
        expect(listing.headers.get('content-type')).toContain('application/problem+json');
        expect(await listing.json()).toMatchObject({ code: 'database_unavailable', status: 503 });
        expect((await create('while-down')).status).toBe(503);
        const ready = await fetch(`${daemon.url}/readyz`);
        expect(ready.status).toBe(503);
        expect(await ready.json()).toMatchObject({ checks: { database: 'failed' } });
        // A scan tick while the database is away fails, is logged, and does not kill the process.
        const scan = await fetch(`${daemon.url}/api/v1/strategies/scan`, {
          method: 'POST',
          headers,
        });
        expect(scan.status).toBe(503);
        expect((await fetch(`${daemon.url}/healthz`)).status).toBe(200);
      } finally {
        await cluster.startServer();
      }

      // The pool reconnects by itself; give it a few attempts.
      let status = 0;
      for (let attempt = 0; attempt < 30 && status !== 201; attempt++) {
        status = (await create(`after-${attempt}`)).status;
        if (status !== 201) await new Promise((r) => setTimeout(r, 500));
      }
      expect(status).toBe(201);
      const names = (
        (await (await fetch(`${daemon.url}/api/v1/strategies`, { headers })).json()) as {
          items: { name: string }[];
        }
      ).items.map((s) => s.name);
      expect(names).toContain('before');
      expect(names).not.toContain('while-down');
      expect((await fetch(`${daemon.url}/readyz`)).status).toBe(200);
    });
  },
);
