// The outbound client against a real local HTTP receiver: private targets refused before any
// byte is sent (literals, a name that resolves to loopback, IPv4-mapped IPv6), and, when they
// are allowed, the request arrives; redirects are not followed, a silent receiver times out and
// a huge answer is cut.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboundError } from '../../src/outbound/outbound-error.ts';
import { createSafeSender, type SafeSender } from '../../src/outbound/safe-sender.ts';

interface Received {
  path: string;
  host: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let port: number;
const received: Received[] = [];
const senders: SafeSender[] = [];

function sender(options: Parameters<typeof createSafeSender>[0]): SafeSender {
  const created = createSafeSender(options);
  senders.push(created);
  return created;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url!, host: req.headers.host!, headers: req.headers, body });
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `http://127.0.0.1:${port}/elsewhere` }).end();
      } else if (req.url === '/silent') {
        // Never answers: the sender's deadline must end the exchange.
      } else if (req.url === '/huge') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('x'.repeat(5 * 1024 * 1024));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await Promise.all(senders.map((s) => s.close()));
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const post = (s: SafeSender, url: string) =>
  s.post({ url, headers: { 'webhook-id': 'msg_1' }, body: '{"type":"test"}' });

describe('refused by default', () => {
  it.each([
    ['http://127.0.0.1:PORT/hook', 'target_loopback', /127\.0\.0\.1: a loopback address/],
    ['http://[::1]:PORT/hook', 'target_loopback', /::1: a loopback address/],
    ['http://[::ffff:127.0.0.1]:PORT/hook', 'target_loopback', /loopback/],
    ['http://2130706433:PORT/hook', 'target_loopback', /loopback/],
    ['http://0x7f.1:PORT/hook', 'target_loopback', /loopback/],
    ['http://10.20.30.40/hook', 'target_private', /a private network address/],
    ['http://[fd00::1]/hook', 'target_private', /private/],
    [
      'http://169.254.169.254/latest/meta-data/',
      'target_link_local',
      /link-local address, where cloud metadata services answer/,
    ],
    ['http://0.0.0.0:PORT/hook', 'target_unspecified', /unspecified/],
    ['http://localhost:PORT/hook', 'target_loopback', /localhost \(resolves to 127\.0\.0\.1\)/],
  ])('%s → %s', async (url, code, message) => {
    const before = received.length;
    const refused = post(sender({ allowPrivateTargets: false }), url.replace('PORT', String(port)));
    await expect(refused).rejects.toBeInstanceOf(OutboundError);
    await expect(refused).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
    expect(received.length).toBe(before);
  });

  it('checks the address the name resolves to when connecting (a rebinding name is refused)', async () => {
    const rebinding = sender({
      allowPrivateTargets: false,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    await expect(post(rebinding, `http://hooks.example.com:${port}/hook`)).rejects.toMatchObject({
      code: 'target_loopback',
      message: expect.stringContaining('hooks.example.com (resolves to 127.0.0.1)'),
    });
  });

  it.each([
    ['file:///etc/passwd', 'unsupported_scheme'],
    ['not a url', 'invalid_url'],
  ])('%s → %s', async (url, code) => {
    await expect(post(sender({ allowPrivateTargets: false }), url)).rejects.toMatchObject({ code });
  });
});

describe('with allowPrivateTargets', () => {
  const allowed = () => sender({ allowPrivateTargets: true, timeoutMs: 1_000 });

  it('delivers to a local receiver, headers and body intact', async () => {
    const response = await post(allowed(), `http://127.0.0.1:${port}/hook`);
    expect(response).toEqual({ status: 200, body: '{"ok":true}', truncated: false });
    const request = received.at(-1)!;
    expect(request.path).toBe('/hook');
    expect(request.headers['webhook-id']).toBe('msg_1');
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.body).toBe('{"type":"test"}');
  });

  it('connects to the address its lookup checked, keeping the name as Host', async () => {
    const named = sender({
      allowPrivateTargets: true,
      resolve: () => Promise.resolve([{ address: '127.0.0.1', family: 4 }]),
    });
    const response = await post(named, `http://receiver.example.com:${port}/named`);
    expect(response.status).toBe(200);
    expect(received.at(-1)).toMatchObject({
      path: '/named',
      host: `receiver.example.com:${port}`,
    });
  });

  it('does not follow a redirect: the 3xx is the answer', async () => {
    const response = await post(allowed(), `http://127.0.0.1:${port}/redirect`);
    expect(response).toMatchObject({
      status: 302,
      location: `http://127.0.0.1:${port}/elsewhere`,
    });
    expect(received.some((r) => r.path === '/elsewhere')).toBe(false);
  });

  it('gives up on a receiver that does not answer in time', async () => {
    const quick = sender({ allowPrivateTargets: true, timeoutMs: 300 });
    const started = Date.now();
    await expect(post(quick, `http://127.0.0.1:${port}/silent`)).rejects.toMatchObject({
      code: 'timeout',
    });
    expect(Date.now() - started).toBeLessThan(3_000);
  });

  it('keeps only the first KB of a huge answer', async () => {
    const response = await post(allowed(), `http://127.0.0.1:${port}/huge`);
    expect(response.status).toBe(200);
    expect(response.truncated).toBe(true);
    expect(response.body).toBe('x'.repeat(4096));
  });

  it('reports a receiver that is not there as connect_failed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(post(allowed(), `http://127.0.0.1:${freePort}/`)).rejects.toMatchObject({
      code: 'connect_failed',
    });
  });
});
