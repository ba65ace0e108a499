import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * SQLite in WAL mode copies the log back into the database file (a checkpoint, with two fsyncs) inside whichever
 * commit crosses `wal_autocheckpoint` pages. With the default of 1000 pages that was every ~125th turn, and it
 * held the event loop for 5–20 ms: a third of the mean commit time and most of the slow turns (measured: commit
 * mean 181 µs, p99 5.9 ms; with this 75–90 µs and 0.2–1 ms).
 *
 * This runs PASSIVE checkpoints from a worker thread with a connection of its own: they never block the writer,
 * and the fsyncs happen off the main thread. Under sustained load a passive checkpoint rarely catches up with the
 * writer completely, and only a caught-up log starts over from its beginning; so the main connection keeps an
 * automatic checkpoint at a much larger size (`FALLBACK_PAGES`) that bounds the log, and finds most of it
 * already copied. Durability is unchanged: a commit is durable once it is in the log, before any checkpoint.
 */
export const FALLBACK_PAGES = 10_000;
const EVERY_MS = 100;

// The worker's code: plain CommonJS evaluated as is (no loader, no bundler entry), given the driver's path.
const WORKER = `
const { workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 5000');
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Busy or closing: the next round tries again, and the main connection's own checkpoint bounds the log.
  }
}, workerData.everyMs);
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

/** Starts checkpointing the SQLite file at `path` in the background; the caller sets the main connection's fallback. */
export function startCheckpointer(path: string): Checkpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { driver, path, everyMs: EVERY_MS } });
  // Not a reason to stay alive, and a failure here costs only speed: the main connection still checkpoints.
  worker.unref();
  worker.on('error', () => undefined);
  return {
    async stop() {
      await worker.terminate();
    },
  };
}
