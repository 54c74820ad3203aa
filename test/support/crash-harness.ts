// What every crash test sets up the same way: a fresh database of one kind, the mock gateway as
// a separate process, and daemons started as real processes against both, killed with SIGKILL
// (kill -9) in the middle of their work and replaced by a new process on the same database.
// Every daemon started is killed after the tests, whatever state the tests left it in.
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseKind } from '../../src/config/database-url.ts';
import { createDatabaseUrl, type DisposableDatabaseUrl } from './databases.ts';
import { mockState, scanUntilDelivering, sleep } from './fault-helpers.ts';
import { startDaemon, startMockGatewayProcess, type RunningProcess } from './processes.ts';

export interface CrashHarnessOptions {
  /** Environment of the mock gateway process (e.g. whether it honours Idempotency-Key). */
  mockEnv?: Record<string, string>;
  /** Environment every daemon of the harness starts with; `daemon(env)` adds to it. */
  daemonEnv?: Record<string, string>;
}

/** How long after the work started a kill lands: `minMs` plus a random part below `spreadMs`. */
export interface KillDelay {
  minMs: number;
  spreadMs: number;
}

export interface KillRound<Started> {
  /** 0 for the first kill. */
  round: number;
  delayMs: number;
  /** What `startWork` resolved with in this round (e.g. the mock's delta count before it). */
  started: Started;
}

export interface KillRepeatedlyOptions<Started> {
  kills: number;
  /** Gets `daemon` busy with the work to interrupt; the kill delay counts from its end. */
  startWork: (daemon: RunningProcess) => Promise<Started>;
  delay: KillDelay;
  /** Runs after each kill, before the next daemon starts: what the dead daemon left behind. */
  afterKill?: (round: KillRound<Started>) => Promise<void>;
  /** Added to the harness's daemon environment for the replacements. */
  env?: Record<string, string>;
}

export interface CrashHarness {
  readonly kind: DatabaseKind;
  readonly database: DisposableDatabaseUrl;
  readonly mock: RunningProcess;
  /**
   * A `startWork` for grant scans: asks `daemon` to scan until the mock gateway has applied a
   * delta more; resolves with the mock's delta count from before.
   */
  readonly scanUntilDelivering: (daemon: RunningProcess) => Promise<number>;
  /** Starts a daemon on the harness's database and mock gateway. */
  readonly daemon: (env?: Record<string, string>) => Promise<RunningProcess>;
  /**
   * `kills` times: lets `startWork` get the current daemon busy, waits the kill delay, kills it
   * with SIGKILL, runs `afterKill`, and starts the next daemon. Resolves with the last daemon
   * started (alive) and each kill's delay.
   */
  readonly killRepeatedly: <Started>(
    first: RunningProcess,
    options: KillRepeatedlyOptions<Started>,
  ) => Promise<{ current: RunningProcess; delaysMs: number[] }>;
}

/**
 * Registers, in the calling `describe`, the hooks that start the database and the mock gateway
 * before its tests and kill every daemon, stop the mock and drop the database after them.
 */
export function useCrashHarness(
  kind: DatabaseKind,
  options: CrashHarnessOptions = {},
): CrashHarness {
  let database: DisposableDatabaseUrl | undefined;
  let mock: RunningProcess | undefined;
  const daemons: RunningProcess[] = [];

  beforeAll(async () => {
    database = await createDatabaseUrl(kind);
    mock = await startMockGatewayProcess(options.mockEnv);
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop('SIGKILL')));
    await mock?.stop();
    await database?.drop();
  });

  const whenStarted = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the crash harness's ${what} is not started yet`);
    return value;
  };

  const harness: CrashHarness = {
    kind,
    get database() {
      return whenStarted(database, 'database');
    },
    get mock() {
      return whenStarted(mock, 'mock gateway');
    },
    async scanUntilDelivering(daemon) {
      const before = (await mockState(harness.mock)).deltas;
      await scanUntilDelivering(daemon, harness.mock, before);
      return before;
    },
    async daemon(env = {}) {
      const running = await startDaemon(harness.database.url, harness.mock.url, {
        ...options.daemonEnv,
        ...env,
      });
      daemons.push(running);
      return running;
    },
    async killRepeatedly(first, { kills, startWork, delay, afterKill, env }) {
      let current = first;
      const delaysMs: number[] = [];
      for (let round = 0; round < kills; round++) {
        const started = await startWork(current);
        const delayMs = delay.minMs + Math.floor(Math.random() * delay.spreadMs);
        delaysMs.push(delayMs);
        await sleep(delayMs);
        await current.stop('SIGKILL');
        await afterKill?.({ round, delayMs, started });
        current = await harness.daemon(env);
      }
      return { current, delaysMs };
    },
  };
  return harness;
}
