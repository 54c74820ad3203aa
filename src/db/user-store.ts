// UserStore over user_info. An upsert replaces the user's starred repositories as a whole, so
// a user is always written with the same shape it is read with.
import type { AuditDraft } from '../core/model/audit.ts';
import type { User, UserUpsert } from '../core/model/user.ts';
import type { UserStore } from '../core/ports/stores.ts';
import { writeAudit } from './audit-store.ts';
import { withChangeSequence } from './change-sequence.ts';
import { Prisma, type Database, type DbClient } from './client.ts';
import { searchUsers, toUser } from './user-search.ts';

/** Writes one user (and its stars) stamped with `changeSeq`, the transaction's bumped value. */
async function upsertOne(tx: DbClient, user: UserUpsert, changeSeq: bigint): Promise<void> {
  const { id, githubStars, ...fields } = user;
  await tx.userInfo.upsert({
    where: { id },
    create: { id, ...fields, changeSeq },
    update: { ...fields, changeSeq },
  });
  if (githubStars !== undefined) {
    await tx.userGithubStar.deleteMany({ where: { userId: id } });
    const repos = [...new Set(githubStars)];
    if (repos.length > 0)
      await tx.userGithubStar.createMany({ data: repos.map((repo) => ({ userId: id, repo })) });
  }
}

/** The user_info column of each scalar field an upsert may carry. */
const USER_COLUMNS = {
  name: 'name',
  githubUsername: 'github_username',
  email: 'email',
  phone: 'phone',
  vip: 'vip',
  org: 'org',
  registerTime: 'register_time',
  accessTime: 'access_time',
} as const satisfies Record<Exclude<keyof UserUpsert, 'id' | 'githubStars'>, string>;
type ScalarField = keyof typeof USER_COLUMNS;
const SCALAR_FIELDS = Object.keys(USER_COLUMNS) as ScalarField[];

/** Rows per statement: bound parameters stay far below SQLite's and PostgreSQL's limits. */
const ROWS_PER_STATEMENT = 500;

/**
 * Lets HTTP requests in between two statements of a big write. SQLite runs each statement
 * synchronously on the event loop, so a bulk upload written in one go stopped every request,
 * /healthz included, for seconds (docs/operations.md states the worst pause).
 */
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * One upsert per id. A repeated id is merged into its first position, later fields over earlier
 * ones: the state that upserting them one after another would leave (and one statement may not
 * touch a row twice).
 */
function mergeInOrder(users: UserUpsert[]): UserUpsert[] {
  const merged = new Map<string, UserUpsert>();
  for (const user of users) {
    const fields = Object.fromEntries(
      // An optional field may be present and undefined, which the entries' type leaves out.
      Object.entries(user as Record<string, unknown>).filter(([, value]) => value !== undefined),
    ) as UserUpsert;
    merged.set(user.id, { ...merged.get(user.id), ...fields });
  }
  return [...merged.values()];
}

/** Users that set the same scalar fields can share one INSERT … ON CONFLICT statement. */
function groupByFields(users: UserUpsert[]): Map<ScalarField[], UserUpsert[]> {
  const byKey = new Map<string, { fields: ScalarField[]; users: UserUpsert[] }>();
  for (const user of users) {
    const fields = SCALAR_FIELDS.filter((f) => user[f] !== undefined);
    const key = fields.join(',');
    const group = byKey.get(key) ?? { fields, users: [] };
    group.users.push(user);
    byKey.set(key, group);
  }
  return new Map([...byKey.values()].map((g) => [g.fields, g.users]));
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function createUserStore(database: Database): UserStore {
  const { db, kind } = database;
  const store: UserStore = {
    async upsert(user: UserUpsert, audit?: AuditDraft): Promise<User> {
      await db.$transaction(async (tx) => {
        // The counter orders user writers by commit (change-sequence.ts); every write of the
        // transaction happens inside, so on SQLite the counter moves last.
        await withChangeSequence(tx, kind, async (changeSeq) => {
          await upsertOne(tx, user, changeSeq);
          if (audit) await writeAudit(tx, audit);
        });
      });
      const stored = await store.get(user.id);
      if (!stored) throw new Error(`user ${user.id} vanished right after its upsert`);
      return stored;
    },

    /**
     * All or nothing: one transaction for the whole batch. The result is the same as upserting
     * the users one after another, in order, but written with a few set-based statements
     * (multi-row INSERT … ON CONFLICT DO UPDATE, one DELETE and one INSERT for the stars) instead
     * of three per user, so 10 000 users take a fraction of a second of database work.
     */
    async upsertMany(users: UserUpsert[], audit?: AuditDraft): Promise<number> {
      const merged = mergeInOrder(users);
      await db.$transaction(
        // One change sequence value for the whole batch (see change-sequence.ts).
        (tx) =>
          withChangeSequence(tx, kind, async (changeSeq) => {
            const now = new Date();
            for (const [fields, group] of groupByFields(merged)) {
              const columns = [
                'id',
                ...fields.map((f) => USER_COLUMNS[f]),
                'created_at',
                'updated_at',
                'change_seq',
              ];
              const updated = [...fields.map((f) => USER_COLUMNS[f]), 'updated_at', 'change_seq'];
              // MySQL's upsert names the proposed row VALUES(column); the others name it `excluded`.
              const upsert =
                kind === 'mysql'
                  ? `ON DUPLICATE KEY UPDATE ${updated.map((c) => `${c} = VALUES(${c})`).join(', ')}`
                  : `ON CONFLICT (id) DO UPDATE SET ${updated.map((c) => `${c} = excluded.${c}`).join(', ')}`;
              for (const rows of chunks(group, ROWS_PER_STATEMENT)) {
                await yieldToEventLoop();
                const values = rows.map(
                  (user) =>
                    Prisma.sql`(${Prisma.join([user.id, ...fields.map((f) => user[f] ?? null), now, now, changeSeq])})`,
                );
                await tx.$executeRaw`INSERT INTO user_info (${Prisma.raw(columns.join(', '))}) VALUES ${Prisma.join(values)}
              ${Prisma.raw(upsert)}`;
              }
            }
            // Stars are replaced as a whole for every user that sends them.
            const starred = merged.filter((user) => user.githubStars !== undefined);
            for (const rows of chunks(starred, ROWS_PER_STATEMENT)) {
              await yieldToEventLoop();
              // Raw for the same reason as the INSERT below: deleteMany took ~0.5 s for 500 ids.
              const ids = Prisma.join(rows.map((user) => user.id));
              await tx.$executeRaw`DELETE FROM user_github_star WHERE user_id IN (${ids})`;
            }
            const stars = starred.flatMap((user) =>
              [...new Set(user.githubStars)].map((repo) => ({ userId: user.id, repo })),
            );
            // A plain multi-row INSERT: Prisma's createMany spent ~60 ms of JavaScript per
            // thousand rows, which was most of the stall.
            for (const rows of chunks(stars, ROWS_PER_STATEMENT)) {
              await yieldToEventLoop();
              const values = rows.map((star) => Prisma.sql`(${star.userId}, ${star.repo})`);
              await tx.$executeRaw`INSERT INTO user_github_star (user_id, repo) VALUES ${Prisma.join(values)}`;
            }
            if (audit) await writeAudit(tx, audit);
          }),
        { timeout: 120_000 },
      );
      return users.length;
    },

    async get(id: string): Promise<User | null> {
      const row = await db.userInfo.findUnique({
        where: { id },
        include: { stars: { select: { repo: true }, orderBy: { repo: 'asc' } } },
      });
      return row ? toUser(row) : null;
    },

    async delete(id: string, audit?: AuditDraft): Promise<boolean> {
      return db.$transaction(async (tx) => {
        // A delete needs no stamp (a scan has nothing to read for a user who is gone), but it
        // takes its turn like every user writer, so a re-import after it is ordered after it.
        return withChangeSequence(tx, kind, async () => {
          await tx.userGithubStar.deleteMany({ where: { userId: id } });
          const { count } = await tx.userInfo.deleteMany({ where: { id } });
          if (count > 0 && audit) await writeAudit(tx, audit);
          return count > 0;
        });
      });
    },

    search: (filter) => searchUsers(database, filter),

    async listIds(afterId, limit) {
      const rows = await db.userInfo.findMany({
        select: { id: true },
        where: afterId === undefined ? {} : { id: { gt: afterId } },
        orderBy: { id: 'asc' },
        take: limit,
      });
      return rows.map((row) => row.id);
    },

    count: () => db.userInfo.count(),
  };
  return store;
}
