// user_info persistence. An upsert replaces the user's starred repositories as a whole, so a
// user is always written with the same shape it is read with.
import type { Db } from './client.ts';

export interface UserRecord {
  id: string;
  name: string | null;
  githubUsername: string | null;
  email: string | null;
  phone: string | null;
  vip: number;
  org: string | null;
  githubStars: string[];
  registerTime: Date | null;
  accessTime: Date | null;
}

/** Fields an operator may send; absent ones keep their stored value (or the default). */
export type UserUpsert = { id: string } & Partial<Omit<UserRecord, 'id'>>;

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

async function upsertOne(tx: Tx, user: UserUpsert): Promise<void> {
  const { id, githubStars, ...fields } = user;
  await tx.userInfo.upsert({ where: { id }, create: { id, ...fields }, update: fields });
  if (githubStars !== undefined) {
    await tx.userGithubStar.deleteMany({ where: { userId: id } });
    const repos = [...new Set(githubStars)];
    if (repos.length > 0) await tx.userGithubStar.createMany({ data: repos.map((repo) => ({ userId: id, repo })) });
  }
}

export function createUserRepository(db: Db) {
  return {
    async upsert(user: UserUpsert): Promise<UserRecord> {
      await db.$transaction((tx) => upsertOne(tx, user));
      return (await this.get(user.id))!;
    },

    /** All or nothing: one transaction for the whole batch. */
    async upsertMany(users: UserUpsert[]): Promise<number> {
      await db.$transaction(async (tx) => {
        for (const user of users) await upsertOne(tx, user);
      }, { timeout: 120_000 });
      return users.length;
    },

    async get(id: string): Promise<UserRecord | null> {
      const row = await db.userInfo.findUnique({ where: { id }, include: { stars: { select: { repo: true }, orderBy: { repo: 'asc' } } } });
      if (!row) return null;
      const { stars, createdAt: _c, updatedAt: _u, ...user } = row;
      return { ...user, githubStars: stars.map((s) => s.repo) };
    },
  };
}

export type UserRepository = ReturnType<typeof createUserRepository>;
