// Optional state file. Writes are atomic (temp file, fsync, rename) so a crash mid-write leaves
// the previous complete file, and coalesced (at most one write in flight plus one queued) so a
// burst of thousands of deltas costs a handful of writes rather than one each.
// The delta log (delta-log.ts) is deliberately not saved: it may hold a million entries, and
// every coalesced write would rewrite all of them; and it could not be complete across a restart
// anyway, since deltas held or due late at shutdown are lost. A restarted mock starts an empty log.
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { PersistedState } from './store.ts';

/** The part of the mock that persistence needs: a snapshot out, a snapshot in. */
export interface PersistableState {
  persisted(): PersistedState;
  restore(raw: unknown): void;
}

export class StateFileError extends Error {
  readonly code = 'mock_state_file_invalid';
  constructor(file: string, cause: unknown) {
    super(
      `cannot load mock gateway state from ${file}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
  }
}

/** Loads the file into the store; a missing file means a fresh start. */
export async function loadStateFile(file: string, target: PersistableState): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new StateFileError(file, error);
  }
  try {
    target.restore(JSON.parse(text));
  } catch (error) {
    throw new StateFileError(file, error);
  }
}

export interface StatePersister {
  /** Note that the state changed; a write follows soon. */
  changed(): void;
  /** Resolves once everything changed so far is on disk. */
  flush(): Promise<void>;
}

export function createStatePersister(
  file: string,
  source: PersistableState,
  onError: (error: unknown) => void,
): StatePersister {
  let dirty = false;
  let writing: Promise<void> | undefined;

  const writeLoop = async (): Promise<void> => {
    while (dirty) {
      dirty = false;
      try {
        await writeAtomically(file, JSON.stringify(source.persisted()));
      } catch (error) {
        onError(error);
      }
    }
  };

  const start = (): Promise<void> => {
    writing ??= writeLoop().finally(() => {
      writing = undefined;
    });
    return writing;
  };

  return {
    changed() {
      dirty = true;
      void start();
    },
    async flush() {
      while (writing || dirty) await (writing ?? start());
    },
  };
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  const handle = await open(temp, 'w');
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
