// The GitHub star sync's writes to user_github_star. Only the repository's own rows change, and
// only users that gain or lose a star get a new change_seq, so an incremental scan reads them
// (and an idle sync moves nothing).
import { retryConflicts } from './conflict-retry.ts';
import { isUniqueViolation } from './prisma-errors.ts';
import type {
  GithubStarStore,
  RepoSyncStatus,
  StarChange,
  StarEvent,
} from '../core/ports/github.ts';
import { withChangeSequence } from './change-sequence.ts';
import { Prisma, type Database, type DbClient } from './client.ts';

const LOGINS_PER_STATEMENT = 1000;
const ROWS_PER_STATEMENT = 500;
/** Delivery ids are kept this long; GitHub redelivers on request, within days at most. */
const DELIVERY_MEMORY_MS = 24 * 3600 * 1000;

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Users whose github_username is one of `logins`, compared as GitHub does: case-insensitively. */
async function usersWithLogins(
  database: Database,
  logins: readonly string[],
): Promise<Set<string>> {
  const wanted = [...new Set(logins.map((login) => login.toLowerCase()))];
  const found = new Set<string>();
  // By the index on github_login (the database's lowercased github_username), a chunk of
  // logins a statement, instead of reading every user with a GitHub name per repository.
  for (const chunk of chunks(wanted, LOGINS_PER_STATEMENT)) {
    const rows = await database.db.userInfo.findMany({
      where: { githubLogin: { in: chunk } },
      select: { id: true },
    });
    for (const row of rows) found.add(row.id);
  }
  return found;
}

/**
 * The users with GitHub login `login` (case-insensitive, as GitHub's): the webhook's lookup,
 * one statement the index on github_login serves. Exported for the test that asks each
 * database's planner.
 */
export function usersWithLoginSql(login: string): Prisma.Sql {
  return Prisma.sql`SELECT id FROM user_info WHERE github_login = ${login.toLowerCase()}`;
}

/** Adds and removes stars of `repo`, stamping the users whose stars changed. */
async function writeStars(
  tx: DbClient,
  kind: Database['kind'],
  repo: string,
  added: string[],
  removed: string[],
  changeSeq: bigint,
): Promise<void> {
  for (const rows of chunks(added, ROWS_PER_STATEMENT)) {
    // A star another writer (a replica's poll, a webhook) added meanwhile is no conflict.
    const values = Prisma.join(rows.map((userId) => Prisma.sql`(${userId}, ${repo})`));
    await tx.$executeRaw(
      kind === 'mysql'
        ? Prisma.sql`INSERT IGNORE INTO user_github_star (user_id, repo) VALUES ${values}`
        : Prisma.sql`INSERT INTO user_github_star (user_id, repo) VALUES ${values} ON CONFLICT DO NOTHING`,
    );
  }
  for (const rows of chunks(removed, ROWS_PER_STATEMENT))
    await tx.userGithubStar.deleteMany({ where: { repo, userId: { in: rows } } });
  for (const rows of chunks([...added, ...removed], ROWS_PER_STATEMENT))
    await tx.userInfo.updateMany({ where: { id: { in: rows } }, data: { changeSeq } });
}

async function starringNow(tx: DbClient, repo: string, among?: string[]): Promise<Set<string>> {
  const rows = await tx.userGithubStar.findMany({
    where: among === undefined ? { repo } : { repo, userId: { in: among } },
    select: { userId: true },
  });
  return new Set(rows.map((row) => row.userId));
}

export function createGithubStarStore(database: Database): GithubStarStore {
  const { db, kind } = database;
  return {
    async setStargazers(repo, logins, { removeMissing }): Promise<StarChange> {
      const wanted = await usersWithLogins(database, logins);
      const current = await starringNow(db, repo);
      const added = [...wanted].filter((id) => !current.has(id));
      const removed = removeMissing ? [...current].filter((id) => !wanted.has(id)) : [];
      if (added.length > 0 || removed.length > 0) {
        // Two replicas polling together can deadlock; the writes are idempotent, so the
        // victim's transaction is run again from the start.
        await retryConflicts(() =>
          db.$transaction(
            (tx) =>
              withChangeSequence(tx, kind, (changeSeq) =>
                writeStars(tx, kind, repo, added, removed, changeSeq),
              ),
            { timeout: 120_000 },
          ),
        );
      }
      return { matched: wanted.size, added: added.length, removed: removed.length };
    },

    async applyStarEvent(event: StarEvent): Promise<StarChange | 'duplicate'> {
      // A deadlock victim is run again whole: its delivery id was rolled back with it.
      return retryConflicts(() =>
        db.$transaction((tx) =>
          withChangeSequence(tx, kind, async (changeSeq) => {
            const cutoff = new Date(event.receivedAt.getTime() - DELIVERY_MEMORY_MS);
            await tx.$executeRaw`DELETE FROM github_webhook_delivery WHERE received_at < ${cutoff}`;
            const insert =
              kind === 'mysql'
                ? Prisma.sql`INSERT IGNORE INTO github_webhook_delivery (delivery_id, received_at) VALUES (${event.deliveryId}, ${event.receivedAt})`
                : Prisma.sql`INSERT INTO github_webhook_delivery (delivery_id, received_at) VALUES (${event.deliveryId}, ${event.receivedAt}) ON CONFLICT (delivery_id) DO NOTHING`;
            if ((await tx.$executeRaw(insert)) === 0) return 'duplicate' as const;
            const users = await tx.$queryRaw<{ id: string }[]>(usersWithLoginSql(event.login));
            const ids = users.map((user) => user.id);
            let added = 0;
            let removed = 0;
            for (const repo of event.repos) {
              const current = await starringNow(tx, repo, ids);
              const change = event.starred
                ? { added: ids.filter((id) => !current.has(id)), removed: [] }
                : { added: [], removed: [...current] };
              await writeStars(tx, kind, repo, change.added, change.removed, changeSeq);
              added += change.added.length;
              removed += change.removed.length;
            }
            return { matched: ids.length, added, removed };
          }),
        ),
      );
    },

    async recordSync(status: RepoSyncStatus): Promise<void> {
      const fields = {
        renamedTo: status.renamedTo,
        startedAt: status.startedAt,
        finishedAt: status.finishedAt,
        stargazers: status.stargazers,
        matched: status.matched,
        requests: status.requests,
        notModified: status.notModified,
        lastError: status.lastError,
      };
      const { repo } = status;
      const upsert = () =>
        db.githubRepoSync.upsert({ where: { repo }, create: { repo, ...fields }, update: fields });
      // Prisma's upsert on MySQL is a read then an insert: two replicas recording the same
      // repository at once can both find no row, and the second insert meets the first's key.
      // The row exists then, so once more is an update.
      await upsert().catch((error: unknown) => {
        if (!isUniqueViolation(error)) throw error;
        return upsert();
      });
    },

    async syncStatuses(): Promise<RepoSyncStatus[]> {
      const rows = await db.githubRepoSync.findMany({ orderBy: { repo: 'asc' } });
      return rows.map((row) => ({
        ...row,
        startedAt: row.startedAt ?? new Date(0),
        finishedAt: row.finishedAt ?? new Date(0),
      }));
    },
  };
}
