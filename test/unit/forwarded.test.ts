// Which client and origin a request is from, behind proxies: X-Forwarded-* count only from a
// peer listed in TRUST_PROXY, the nearest untrusted X-Forwarded-For hop is the client, and
// PUBLIC_URL names the origin outright. Requests carry a socket peer as @hono/node-server's
// bindings do (env.incoming.socket), so the real getConnInfo reads them.
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { forwarded } from '../../src/http/forwarded.ts';
import { trustedProxyProblem } from '../../src/config/public-site.ts';

function ask(
  options: Parameters<typeof forwarded>[0],
  peer: string | undefined,
  headers: Record<string, string> = {},
  url = 'http://daemon.internal:8099/ui/sign-in',
): Promise<{ client: string; origin: string }> {
  const seen = forwarded(options);
  const app = new Hono().all('*', (c) =>
    c.json({ client: seen.clientAddress(c), origin: seen.publicOrigin(c) }),
  );
  const env = peer === undefined ? undefined : { incoming: { socket: { remoteAddress: peer } } };
  return Promise.resolve(app.request(url, { headers }, env)).then(
    (r) => r.json() as Promise<{ client: string; origin: string }>,
  );
}

const proxyHeaders = {
  'x-forwarded-for': '203.0.113.9',
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'ops.example.com',
};

describe('forwarded headers', () => {
  it('are ignored without TRUST_PROXY: the socket is the client, the URL the origin', async () => {
    expect(await ask({ trustProxy: [] }, '10.0.0.5', proxyHeaders)).toEqual({
      client: '10.0.0.5',
      origin: 'http://daemon.internal:8099',
    });
  });

  it('are ignored from a peer not listed, even when another is', async () => {
    expect(await ask({ trustProxy: ['10.0.0.1'] }, '10.0.0.5', proxyHeaders)).toEqual({
      client: '10.0.0.5',
      origin: 'http://daemon.internal:8099',
    });
  });

  it('are believed from a listed proxy (address, CIDR, IPv4 mapped into IPv6)', async () => {
    for (const [trust, peer] of [
      [['10.0.0.5'], '10.0.0.5'],
      [['10.0.0.0/8'], '10.200.0.1'],
      [['127.0.0.1'], '::ffff:127.0.0.1'],
      [['fd00::/8'], 'fd00::7'],
    ] as const)
      expect(await ask({ trustProxy: trust }, peer, proxyHeaders), peer).toEqual({
        client: '203.0.113.9',
        origin: 'https://ops.example.com',
      });
  });

  it('take the nearest untrusted hop: what a client wrote further left is its own invention', async () => {
    const chain = { 'x-forwarded-for': '1.2.3.4, 203.0.113.9, 10.0.0.2' };
    expect((await ask({ trustProxy: ['10.0.0.0/8'] }, '10.0.0.1', chain)).client).toBe(
      '203.0.113.9',
    );
    // Garbage in the chain: none of it is believed.
    const junk = { 'x-forwarded-for': '203.0.113.9, not-an-ip' };
    expect((await ask({ trustProxy: ['10.0.0.0/8'] }, '10.0.0.1', junk)).client).toBe('10.0.0.1');
    // Every hop a trusted proxy: the farthest is the client.
    const inner = { 'x-forwarded-for': '10.0.0.3, 10.0.0.2' };
    expect((await ask({ trustProxy: ['10.0.0.0/8'] }, '10.0.0.1', inner)).client).toBe('10.0.0.3');
  });

  it('PUBLIC_URL names the origin whatever the headers say', async () => {
    const options = { trustProxy: ['10.0.0.0/8'], publicUrl: 'https://ops.example.com/quota' };
    const forged = { ...proxyHeaders, 'x-forwarded-host': 'evil.example' };
    expect((await ask(options, '10.0.0.1', forged)).origin).toBe('https://ops.example.com');
    expect((await ask(options, '192.0.2.1', forged)).origin).toBe('https://ops.example.com');
  });

  it('a scheme other than http(s) or a host no URL can carry falls back to the request', async () => {
    const odd = { 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'a b' };
    expect((await ask({ trustProxy: ['10.0.0.1'] }, '10.0.0.1', odd)).origin).toBe(
      'http://daemon.internal:8099',
    );
  });

  it('in-process requests (no socket) are one client, "local"', async () => {
    expect((await ask({ trustProxy: ['10.0.0.1'] }, undefined, proxyHeaders)).client).toBe('local');
  });

  it.each([
    ['10.0.0.1', undefined],
    ['10.0.0.0/8', undefined],
    ['::1', undefined],
    ['fd00::/128', undefined],
    ['10.0.0.0/33', '"10.0.0.0/33" has a prefix length outside 0..32'],
    ['fd00::/129', '"fd00::/129" has a prefix length outside 0..128'],
    [
      '10.0.0.0/8/1',
      '"10.0.0.0/8/1" must be an IP address or a CIDR network such as 10.0.0.0/8 or fd00::/8',
    ],
    [
      'proxy.local',
      '"proxy.local" must be an IP address or a CIDR network such as 10.0.0.0/8 or fd00::/8',
    ],
    ['10.0.0.0/+8', '"10.0.0.0/+8" has a prefix length outside 0..32'],
  ])('TRUST_PROXY entry %s', (entry, problem) => {
    expect(trustedProxyProblem(entry)).toBe(problem);
  });
});
