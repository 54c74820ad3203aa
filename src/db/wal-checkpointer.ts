// Checkpoints a SQLite write-ahead log on a worker thread. SQLite's automatic checkpoint runs
// inside the write statement that crosses its threshold (1 000 pages), copying the log into the
// database file and fsyncing it: on the daemon's event loop, a claim or an outcome write then
// takes 50–450 ms instead of 1 (measured on a 1M-user database, bench/README.md §9), and every
// API request waits for it. Here a second connection on its own thread runs PASSIVE checkpoints
// (they never wait for, nor block, the daemon's reads and writes), and the daemon's connection
// only checkpoints by itself if the log grows far past the usual size: a fallback should the
// worker fall behind or die, not the normal path.
//
// The worker is plain JavaScript evaluated from a string: it must start the same whether the
// daemon runs under tsx's loader or not.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Pages the daemon's own connection lets the log grow to before checkpointing itself. */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 20_000;

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
// FULL (a fresh connection's default) makes the checkpoint fsync the database file: the log is
// only reused once its pages are durable in the file.
db.pragma('synchronous = FULL');
const checkpoint = () => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error && error.message || error) });
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
`;

export interface WalCheckpointer {
  /** A last checkpoint, then the worker's connection closes. */
  stop(): Promise<void>;
}

export function startWalCheckpointer(
  path: string,
  options: { intervalMs?: number; onError?: (message: string) => void } = {},
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, driver, intervalMs: options.intervalMs ?? 500 },
    // Small: the worker holds a connection and a timer, nothing else.
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  worker.unref();
  worker.on('message', (m: { error?: string }) => {
    if (m.error) options.onError?.(m.error);
  });
  worker.on('error', (error) => options.onError?.(error.message));
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  return {
    async stop() {
      // Referenced again while it winds down: an unreferenced worker is no reason for the event
      // loop to wait, and a caller awaiting only this (close() before migrations) would see the
      // process exit under it.
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
