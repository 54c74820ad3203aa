// The gateway client's transport (undici's Pool, send-request.ts) at its edges: a failure before
// a socket took the request is certain (nothing sent), one after it is uncertain for a delta; a
// closed client sends nothing; idle pooled connections do not keep a process alive. Real
// sockets throughout: small TCP servers that misbehave on purpose, and the mock gateway.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/gateway-failure.ts';
import { startMockGateway, type RunningMockGateway } from '../../mock-gateway/server.ts';
import { createAiGatewayClient, type GatewayClientOptions } from '../../src/gateway/index.ts';

const KEY = 'transport-test-secret';
const ADMIN = '/v1/chat/completions/quota';
let gw: RunningMockGateway;

beforeAll(async () => {
  gw = await startMockGateway({ authValue: KEY });
});
afterAll(() => gw.close());

const servers: { server: Server; sockets: Set<Socket> }[] = [];
afterEach(async () => {
  for (const { server, sockets } of servers.splice(0)) {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A TCP server on a free loopback port whose connections `onConnection` handles. */
async function tcpServer(onConnection: (socket: Socket) => void): Promise<number> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push({ server, sockets });
  return (server.address() as { port: number }).port;
}

function client(baseUrl: string, overrides: Partial<GatewayClientOptions> = {}) {
  return createAiGatewayClient({
    baseUrl,
    adminPath: ADMIN,
    authHeader: 'x-admin-key',
    authValue: KEY,
    timeoutMs: 2_000,
    maxAttempts: 1,
    retryBaseDelayMs: 10,
    retryMaxDelayMs: 10,
    ...overrides,
  });
}

const key = () => `qm:1:once:${randomUUID()}`;

describe('a connection reset after the gateway read the request', () => {
  /** Reads whole requests (headers, then Content-Length bytes) and resets the connection. */
  async function resettingServer(read: string[]): Promise<string> {
    const port = await tcpServer((socket) => {
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1');
        const headerEnd = buffered.indexOf('\r\n\r\n');
        if (headerEnd === -1) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffered)?.[1] ?? 0);
        if (buffered.length < headerEnd + 4 + length) return;
        read.push(buffered.slice(0, buffered.indexOf('\r\n')));
        socket.resetAndDestroy();
      });
    });
    return `http://127.0.0.1:${port}`;
  }

  it('makes a delta uncertain: the gateway may have applied it', async () => {
    const read: string[] = [];
    const gateway = client(await resettingServer(read));
    const error = await failure(gateway.deltaQuota('u1', 5, { idempotencyKey: key() }));
    expect(error).toMatchObject({
      reason: 'connection_lost',
      retryable: true,
      uncertain: true,
      attempts: 1,
    });
    // The server did read the whole request before it reset: "uncertain" is the truth.
    expect(read).toEqual([`POST ${ADMIN}/delta HTTP/1.1`]);
    await gateway.close();
  });

  it('leaves a read retryable and certain (a read applies nothing)', async () => {
    const read: string[] = [];
    const gateway = client(await resettingServer(read), { maxAttempts: 2 });
    const error = await failure(gateway.getQuota('u1'));
    expect(error).toMatchObject({
      reason: 'connection_lost',
      retryable: true,
      uncertain: false,
      attempts: 2,
    });
    expect(read).toHaveLength(2);
    await gateway.close();
  });
});

describe('failures before a socket took the request are certain', () => {
  /**
   * An https origin whose server accepts TCP connections and never answers the TLS handshake:
   * the connection is never established, so the request is never written.
   */
  async function stalledHandshake(hellos: number[]): Promise<string> {
    const port = await tcpServer((socket) => socket.on('data', (c: Buffer) => hellos.push(c[0]!)));
    return `https://127.0.0.1:${port}`;
  }

  it('a delta timing out while its connection is still being set up sent nothing', async () => {
    const hellos: number[] = [];
    const gateway = client(await stalledHandshake(hellos), { timeoutMs: 200, maxAttempts: 2 });
    const started = performance.now();
    const error = await failure(gateway.deltaQuota('u1', 5, { idempotencyKey: key() }));
    expect(error).toMatchObject({
      reason: 'timeout',
      retryable: true,
      uncertain: false,
      attempts: 2,
    });
    expect(error.message).toMatch(/nothing sent/);
    expect(performance.now() - started).toBeLessThan(1_500);
    // What reached the server was a TLS ClientHello (record type 22), never an HTTP request.
    expect(hellos.length).toBeGreaterThan(0);
    expect(new Set(hellos)).toEqual(new Set([22]));
  });

  it('a delta aborted while its connection is still being set up sent nothing', async () => {
    const stop = new AbortController();
    const gateway = client(await stalledHandshake([]), { signal: stop.signal });
    const call = failure(gateway.deltaQuota('u1', 5, { idempotencyKey: key() }));
    setTimeout(() => stop.abort(), 100);
    expect(await call).toMatchObject({ reason: 'aborted', retryable: false, uncertain: false });
  });

  it('a refused connection is a retryable connect failure, certain', async () => {
    const port = await tcpServer(() => undefined);
    const { server } = servers.pop()!;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const gateway = client(`http://127.0.0.1:${port}`);
    const error = await failure(gateway.deltaQuota('u1', 5, { idempotencyKey: key() }));
    expect(error).toMatchObject({ reason: 'connect_failed', retryable: true, uncertain: false });
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('a closed client sends nothing more: its calls fail as certainly not sent', async () => {
    const gateway = client(gw.url);
    await gateway.deltaQuota(`u-${randomUUID()}`, 1, { idempotencyKey: key() });
    await gateway.close();
    const before = gw.state().deltas;
    const error = await failure(gateway.deltaQuota('u1', 5, { idempotencyKey: key() }));
    expect(error).toMatchObject({ reason: 'connect_failed', uncertain: false });
    expect(gw.state().deltas).toBe(before);
  });
});

describe('idle pooled connections', () => {
  it('do not keep the process alive once its calls are done', async () => {
    // A child process makes one call and then has nothing left to do. The connection stays
    // open in the pool (4 s keep-alive; the mock keeps it 5 s), yet the process must end.
    const script = `
      import { createAiGatewayClient } from ${JSON.stringify(new URL('../../src/gateway/index.ts', import.meta.url).pathname)};
      const gateway = createAiGatewayClient({ baseUrl: process.env.GW, adminPath: ${JSON.stringify(ADMIN)},
        authHeader: 'x-admin-key', authValue: ${JSON.stringify(KEY)}, timeoutMs: 2000, maxAttempts: 1,
        retryBaseDelayMs: 10, retryMaxDelayMs: 10 });
      console.log('quota', await gateway.getQuota('idle-user'));
    `;
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', script],
      { env: { ...process.env, GW: gw.url }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let answeredAt = 0;
    child.stdout.on('data', () => (answeredAt ||= performance.now()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(output.trim(), output).toBe('quota 0');
    expect(code).toBe(0);
    // Well before the pool's 4 s idle timeout would have closed the connection.
    expect(performance.now() - answeredAt).toBeLessThan(2_000);
  }, 30_000);
});
