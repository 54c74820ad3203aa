// Early rejections must not poison keep-alive connections (issue 12, item 3). Answers sent
// before the request body was read (413, 401, 415, 429) leave that body on the socket; a
// keep-alive client's next request on the same connection then failed with "other side
// closed". A real server, and an undici client with exactly one connection.
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, createHarness, type Harness } from '../support/app-harness.ts';

describe('keep-alive after an early rejection', () => {
  let h: Harness;
  let server: ServerType;
  let origin: string;
  beforeAll(async () => {
    h = await createHarness('sqlite', { rateLimitPerMinute: 3 });
    server = serve({ fetch: h.app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.close();
    await h.destroy();
  });

  const big = JSON.stringify([{ id: 'x', name: 'y'.repeat(400 * 1024) }]);
  const json = { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` };

  it.each([
    ['413, body over the limit', { ...json }, big, 413],
    ['401, wrong token', { ...json, authorization: 'Bearer wrong-token-0123456789' }, big, 401],
    ['415, not JSON', { ...json, 'content-type': 'text/plain' }, big, 415],
  ])('%s: the next request on the same client succeeds', async (_case, headers, body, status) => {
    const client = new Client(origin, { pipelining: 1, connections: 1 } as never);
    try {
      const first = await client.request({
        method: 'POST',
        path: '/api/v1/users/bulk',
        headers,
        body,
      });
      expect(first.statusCode).toBe(status);
      await first.body.text();
      const second = await client.request({ method: 'GET', path: '/healthz' });
      expect(second.statusCode).toBe(200);
      await second.body.text();
    } finally {
      await client.close();
    }
  });

  it('429: the next request on the same client succeeds', async () => {
    const client = new Client(origin, { pipelining: 1 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const answer = await client.request({
          method: 'POST',
          path: '/api/v1/conditions/validate',
          headers: json,
          body: JSON.stringify({ condition: 'true()', padding: 'p'.repeat(200_000) }),
        });
        statuses.push(answer.statusCode);
        await answer.body.text();
      }
      expect(statuses.slice(3)).toEqual([429, 429]);
      const after = await client.request({ method: 'GET', path: '/healthz' });
      expect(after.statusCode).toBe(200);
      await after.body.text();
    } finally {
      await client.close();
    }
  });
});
