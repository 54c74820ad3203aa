// Runs the mock gateway on a real socket. Tests start it on port 0 (a free port) in-process;
// the daemon's demo and fault tests use the same function or the standalone entry (main.ts).
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import type { DeltaPage } from './delta-log.ts';
import type { FaultsPatch, Faults } from './faults.ts';
import { createMockGatewayApp, type MockGatewayOptions } from './app.ts';
import { createStatePersister, loadStateFile, type StatePersister } from './persistence.ts';
import type { MockState } from './store.ts';

export { createMockGatewayApp } from './app.ts';
export type { MockBalanceProtocol, MockGateway, MockGatewayOptions } from './app.ts';
export type { DeltaLogItem, DeltaPage } from './delta-log.ts';
export type { Faults, FaultsPatch } from './faults.ts';
export type { MockState } from './store.ts';

export interface StartMockGatewayOptions extends Omit<MockGatewayOptions, 'onChange'> {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default 127.0.0.1: the mock has a well-known key, so it should not face the network by accident. */
  host?: string;
  /** Load state from this JSON file at start and keep it up to date (atomic writes). */
  stateFile?: string;
}

export interface RunningMockGateway {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:43125`. */
  url: string;
  port: number;
  /** Stops listening, drops open connections and finishes the last state-file write. */
  close(): Promise<void>;
  state(): MockState;
  faults(): Faults;
  setFaults(patch: FaultsPatch): Faults;
  /** A user spends `amount` (see MockGateway.consume). */
  consume(userId: string, amount: number): boolean;
  /** A page of the delta log (see MockGateway.deltaLog). */
  deltaLog(after?: number, limit?: number): DeltaPage;
  reset(): void;
}

export async function startMockGateway(
  options: StartMockGatewayOptions = {},
): Promise<RunningMockGateway> {
  const host = options.host ?? '127.0.0.1';
  let persister: StatePersister | undefined;
  const gateway = createMockGatewayApp({ ...options, onChange: () => persister?.changed() });
  if (options.stateFile) {
    await loadStateFile(options.stateFile, gateway);
    persister = createStatePersister(options.stateFile, gateway, (error) =>
      console.error('mock gateway: cannot write state file', error),
    );
  }

  // The default factory is node:http's createServer, so this is an http.Server.
  const server = createAdaptorServer({ fetch: gateway.app.fetch }) as Server;
  const port = await listen(server, options.port ?? 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    state: gateway.state,
    faults: gateway.faults,
    setFaults: gateway.setFaults,
    consume: (userId, amount) => gateway.consume(userId, amount),
    deltaLog: (after, limit) => gateway.deltaLog(after, limit),
    reset: gateway.reset,
    close() {
      closing ??= (async () => {
        // Held and late deltas are dropped here, unapplied (MockGateway.dispose).
        gateway.dispose();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        // Keep-alive sockets from clients would otherwise hold close() open for seconds.
        server.closeAllConnections();
        await closed;
        await persister?.flush();
      })();
      return closing;
    },
  };
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('mock gateway did not bind a TCP port'));
        return;
      }
      resolve(address.port);
    });
  });
}
