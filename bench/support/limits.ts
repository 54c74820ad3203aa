// The machine's own limits, measured in the same run as the scan they are compared with:
// (a) how fast the same database accepts the same ledger rows, in bulk, with the same indexes;
// (b) how fast the mock gateway answers delta calls from a tight client loop at the scan's
// concurrency. Both loops are bounded in count and in time.
import http from 'node:http';
import Sqlite from 'better-sqlite3';
import mariadb from 'mariadb';
import pg from 'pg';
import {
  createAiGatewayClient,
  type GatewayClientOptions,
  type QuotaGateway,
} from '../../src/gateway/index.ts';
import { mysqlConnectionConfig, sqlitePath } from '../../src/db/driver.ts';
import { cpuSeconds } from './proc.ts';
import { ADMIN_PATH, MOCK_KEY, type BenchDatabase, type MockGatewayService } from './services.ts';

export interface RateMeasurement {
  count: number;
  seconds: number;
  perSecond: number;
}

function rate(count: number, startedMs: number): RateMeasurement {
  const seconds = (performance.now() - startedMs) / 1000;
  return { count, seconds, perSecond: count / seconds };
}

const BATCH = 1000;

/** (strategy, user) for strategies 1..n and every user: the rows a ledger insert test writes. */
function pairs(strategies: number, users: readonly string[]): [number, string][] {
  const rows: [number, string][] = [];
  for (let s = 1; s <= strategies; s++) for (const user of users) rows.push([s, user]);
  return rows;
}

/** Inserts up to `count` rows, BATCH per call, until done or the deadline; the rate achieved. */
async function insertInBatches(
  rows: [number, string][],
  count: number,
  deadline: number,
  insert: (slice: [number, string][]) => unknown,
): Promise<RateMeasurement> {
  const started = performance.now();
  let done = 0;
  for (let i = 0; i < count && performance.now() < deadline; i += BATCH) {
    const slice = rows.slice(i, Math.min(i + BATCH, count));
    await insert(slice);
    done += slice.length;
  }
  return rate(done, started);
}

/**
 * (a) `count` pending ledger rows for the seeded strategies, `BATCH` rows per transaction, with
 * the daemon's own settings (SQLite: WAL, synchronous=NORMAL). SQLite: one prepared single-row
 * INSERT run per row (better-sqlite3's fastest form); PostgreSQL: one INSERT … SELECT FROM
 * unnest(arrays) per batch; MariaDB: one bulk INSERT IGNORE per batch.
 */
export async function rawLedgerInsertRate(
  database: BenchDatabase,
  count: number,
  maxSeconds: number,
): Promise<RateMeasurement> {
  const strategies = 10;
  const perStrategy = Math.ceil(count / strategies);
  const deadline = performance.now() + maxSeconds * 1000;
  if (database.kind === 'sqlite') {
    const db = new Sqlite(sqlitePath(database.url));
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      const users = db
        .prepare('SELECT id FROM user_info ORDER BY id LIMIT ?')
        .pluck()
        .all(perStrategy) as string[];
      const now = new Date().toISOString().replace('Z', '+00:00');
      const insert = db.prepare(`INSERT INTO quota_execute
        (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
        VALUES (?, 'once', ?, 10, 'pending', 0, ?, ?, ?) ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING`);
      const batch = db.transaction((rows: [number, string][]) => {
        for (const [strategy, user] of rows)
          insert.run(strategy, user, `qm:${strategy}:once:${user}`, now, now);
      });
      return await insertInBatches(pairs(strategies, users), count, deadline, batch);
    } finally {
      db.close();
    }
  }
  if (database.kind === 'mysql') return rawMysqlLedgerInsertRate(database, count, deadline);
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const users = (
      await client.query<{ id: string }>('SELECT id FROM user_info ORDER BY id LIMIT $1', [
        perStrategy,
      ])
    ).rows.map((r) => r.id);
    return await insertInBatches(pairs(strategies, users), count, deadline, async (slice) => {
      await client.query(
        `INSERT INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
         SELECT s, 'once', u, 10, 'pending', 0, 'qm:' || s || ':once:' || u, now(), now() FROM unnest($1::int[], $2::text[]) AS t(s, u)
         ON CONFLICT (strategy_id, occurrence, user_id) DO NOTHING`,
        [slice.map((r) => r[0]), slice.map((r) => r[1])],
      );
    });
  } finally {
    await client.end();
  }
}

/** MariaDB: one prepared INSERT IGNORE sent per batch as one bulk command. */
async function rawMysqlLedgerInsertRate(
  database: BenchDatabase,
  count: number,
  deadline: number,
): Promise<RateMeasurement> {
  const perStrategy = Math.ceil(count / 10);
  const connection = await mariadb.createConnection(mysqlConnectionConfig(database.url));
  try {
    const rows = await connection.query<{ id: string }[]>(
      'SELECT id FROM user_info ORDER BY id LIMIT ?',
      [perStrategy],
    );
    const users = rows.map((r) => r.id);
    return await insertInBatches(pairs(10, users), count, deadline, async (slice) => {
      await connection.beginTransaction();
      await connection.batch(
        `INSERT IGNORE INTO quota_execute (strategy_id, occurrence, user_id, amount, status, attempts, idempotency_key, created_at, updated_at)
         VALUES (?, 'once', ?, 10, 'pending', 0, ?, NOW(3), NOW(3))`,
        slice.map(([strategy, user]) => [strategy, user, `qm:${strategy}:once:${user}`]),
      );
      await connection.commit();
    });
  } finally {
    await connection.end();
  }
}

export interface GatewayRate extends RateMeasurement {
  /** CPU seconds the mock spent, and this (client) process spent, per 1 000 calls. */
  mockCpuMsPerCall: number;
  clientCpuMsPerCall: number;
}

/** `count` calls, `concurrency` at a time, until done or `maxSeconds`: rate and CPU per call. */
export async function loopGatewayCalls(
  mock: MockGatewayService,
  count: number,
  concurrency: number,
  maxSeconds: number,
  call: (i: number) => Promise<void>,
): Promise<GatewayRate> {
  await mock.reset();
  const deadline = performance.now() + maxSeconds * 1000;
  const mockCpu = cpuSeconds(mock.pid);
  const cpu = process.cpuUsage();
  const started = performance.now();
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) {
        await call(next++);
        done++;
      }
    }),
  );
  const measured = rate(done, started);
  const used = process.cpuUsage(cpu);
  return {
    ...measured,
    mockCpuMsPerCall: ((cpuSeconds(mock.pid) - mockCpu) * 1000) / done,
    clientCpuMsPerCall: (used.user + used.system) / 1000 / done,
  };
}

/** One plain node:http request on a keep-alive agent; resolves when the whole answer arrived. */
function rawCall(
  agent: http.Agent,
  url: URL,
  method: 'GET' | 'POST',
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const request = http.request(
      {
        agent,
        hostname: url.hostname,
        port: url.port,
        method,
        path,
        headers: {
          'x-admin-key': MOCK_KEY,
          ...headers,
          ...(body === undefined
            ? {}
            : {
                'content-type': 'application/x-www-form-urlencoded',
                'content-length': String(Buffer.byteLength(body)),
              }),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`mock answered ${response.statusCode}`)),
        );
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * (b) Delta calls as fast as the mock answers them: plain node:http on keep-alive sockets, the
 * least client work a call can cost, `concurrency` in flight. With `readFirst`, each grant is
 * what the default AIGATEWAY_RECONCILE=query sends: a read of the user's total, then the delta
 * (two requests per grant), so the scan can also be compared with the protocol it speaks.
 */
export function rawGatewayRate(
  mock: MockGatewayService,
  count: number,
  concurrency: number,
  maxSeconds: number,
  readFirst = false,
): Promise<GatewayRate> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(mock.url);
  const grant = async (i: number) => {
    if (readFirst) await rawCall(agent, url, 'GET', `${ADMIN_PATH}?user_id=raw-${i}`, {});
    await rawCall(
      agent,
      url,
      'POST',
      `${ADMIN_PATH}/delta`,
      { 'idempotency-key': `raw:${i}` },
      `user_id=raw-${i}&value=10`,
    );
  };
  return loopGatewayCalls(mock, count, concurrency, maxSeconds, grant).finally(() =>
    agent.destroy(),
  );
}

/**
 * The same loop through the daemon's gateway client (retries, limiter, envelope checks).
 * `create`: another build of the client (bench/gateway-client.bench.ts compares two commits).
 */
export function clientGatewayRate(
  mock: MockGatewayService,
  count: number,
  concurrency: number,
  maxSeconds: number,
  create: (options: GatewayClientOptions) => QuotaGateway = createAiGatewayClient,
): Promise<GatewayRate> {
  const client = create({
    baseUrl: mock.url,
    adminPath: ADMIN_PATH,
    authHeader: 'x-admin-key',
    authValue: MOCK_KEY,
    timeoutMs: 5000,
    maxAttempts: 5,
    retryBaseDelayMs: 200,
    retryMaxDelayMs: 10_000,
    concurrency,
    honoursIdempotency: true,
  });
  return loopGatewayCalls(mock, count, concurrency, maxSeconds, (i) =>
    client.deltaQuota(`client-${i}`, 10, { idempotencyKey: `client:${i}` }),
  );
}
