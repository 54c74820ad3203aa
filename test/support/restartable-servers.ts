// The database servers the fault tests stop and start under a running daemon: a PostgreSQL
// cluster and a MariaDB server, each with one fresh database named by the test.
import { startMariaDbServer } from './mariadb-server.ts';
import { startPgCluster } from './pg-cluster.ts';

export interface RestartableServer {
  url: string;
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  stop(): void;
}

export function restartableServers(database: string): [string, () => Promise<RestartableServer>][] {
  return [
    [
      'PostgreSQL',
      async () => {
        const cluster = await startPgCluster();
        return {
          url: await cluster.createDatabase(database),
          stopServer: async () => {
            cluster.stopServer();
          },
          startServer: async () => {
            cluster.startServer();
          },
          stop: () => {
            cluster.stop();
          },
        };
      },
    ],
    [
      'MariaDB',
      async () => {
        const server = await startMariaDbServer();
        await server.admin(`CREATE DATABASE ${database}`);
        return { ...server, url: server.urlFor(database) };
      },
    ],
  ];
}
