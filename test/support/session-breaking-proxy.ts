// A TCP proxy in front of a MariaDB server that can cut a connection in the middle of its session
// setup: after the handshake and authentication, when the client sends the statement its driver
// runs before handing the connection out (our `SET time_zone`). That is the moment a server going
// away hits a pool refilling itself, made deterministic.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface SessionBreakingProxy {
  /** host:port of the proxy, to put in a database URL in place of the server's. */
  readonly address: string;
  /** While true, new connections are cut when they send `marker`. */
  breakSessionSetup: boolean;
  /** Connections cut during session setup so far. */
  readonly cutCount: number;
  /** Closes every connection open through the proxy (the pool then opens new ones). */
  dropAll(): void;
  close(): Promise<void>;
}

export async function startSessionBreakingProxy(
  target: { host: string; port: number },
  marker: string,
): Promise<SessionBreakingProxy> {
  const markerBytes = Buffer.from(marker);
  const open = new Set<Socket>();
  let cutCount = 0;
  const proxy = {
    address: '',
    breakSessionSetup: false,
    get cutCount() {
      return cutCount;
    },
    dropAll() {
      for (const socket of open) socket.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        // server.close waits for open connections: end them rather than hang on a live pool.
        server.close(() => resolve());
        proxy.dropAll();
      }),
  };

  const server: Server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    // Either side ending ends both; an error is always followed by a close.
    for (const socket of [client, upstream]) {
      socket.on('error', () => {});
      socket.on('close', () => {
        open.delete(socket);
        cut();
      });
    }
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    // Until the marker has gone by once, the connection is still setting up its session. The
    // statement is a few bytes written at once, so on loopback it arrives in one chunk.
    let settingUp = true;
    client.on('data', (chunk: Buffer) => {
      if (settingUp && chunk.includes(markerBytes)) {
        settingUp = false;
        if (proxy.breakSessionSetup) {
          cutCount++;
          cut();
          return;
        }
      }
      upstream.write(chunk);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  proxy.address = `127.0.0.1:${port}`;
  return proxy;
}
