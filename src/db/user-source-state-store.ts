// UserSourceStateStore over user_source_state: one row per source, the cursor and the last
// run's report kept as JSON text (their shapes are core/model/user-sync.ts).
import type { CursorValue, UserSourceState, UserSyncRun } from '../core/model/user-sync.ts';
import type { UserSourceStateStore } from '../core/ports/user-source.ts';
import type { Database } from './client.ts';

type StoredRun = Omit<UserSyncRun, 'startedAt' | 'finishedAt'> & {
  startedAt: string;
  finishedAt: string | null;
};

function runFromJson(text: string | null): UserSyncRun | null {
  if (text === null) return null;
  const stored = JSON.parse(text) as StoredRun;
  return {
    ...stored,
    startedAt: new Date(stored.startedAt),
    finishedAt: stored.finishedAt === null ? null : new Date(stored.finishedAt),
  };
}

export function createUserSourceStateStore({ db }: Database): UserSourceStateStore {
  return {
    async read(source) {
      const row = await db.userSourceState.findUnique({ where: { source } });
      if (row === null) return null;
      return {
        source,
        cursor: row.cursor === null ? null : (JSON.parse(row.cursor) as CursorValue),
        lastFullAt: row.lastFullAt,
        lastSuccessAt: row.lastSuccessAt,
        lastRun: runFromJson(row.lastRun),
      };
    },

    async save(state: UserSourceState) {
      const fields = {
        cursor: state.cursor === null ? null : JSON.stringify(state.cursor),
        lastFullAt: state.lastFullAt,
        lastSuccessAt: state.lastSuccessAt,
        lastRun: state.lastRun === null ? null : JSON.stringify(state.lastRun),
      };
      await db.userSourceState.upsert({
        where: { source: state.source },
        create: { source: state.source, ...fields },
        update: fields,
      });
    },
  };
}
