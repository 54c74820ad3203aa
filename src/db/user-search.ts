// Searching user_info in the database: `q` is a prefix of the id, the name or the GitHub
// username, case-insensitive for ASCII letters only, the same on every database.
//
// Why ASCII only: SQLite's lower() folds A-Z and nothing else, PostgreSQL's and MySQL's fold per
// locale or collation, and full Unicode folding ("STRASSE" finding "Straße") has no LIKE that
// every database runs alike. So each database keeps copies of the three fields with A-Z
// lowercased and nothing else changed (search_id, search_name, search_login: generated columns,
// migration 20261208020000_user_search), each with an index that serves LIKE 'prefix%', and the
// needle is folded the same way here. Other characters match only themselves, as stored (no
// Unicode normalisation either: a decomposed "é" does not find a precomposed one).
//
// Bounded work: one statement reads at most one page of ids (LIMIT), from index ranges; the
// rows for those ids come in a second, by primary key.
import { Prisma } from './client.ts';
import type { User } from '../core/model/user.ts';
import type { UserSearch } from '../core/ports/stores.ts';
import type { Database } from './client.ts';

interface UserRow extends Omit<User, 'githubStars'> {
  stars: { repo: string }[];
  createdAt: Date;
  updatedAt: Date;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    name: row.name,
    githubUsername: row.githubUsername,
    email: row.email,
    phone: row.phone,
    vip: row.vip,
    org: row.org,
    registerTime: row.registerTime,
    accessTime: row.accessTime,
    githubStars: row.stars.map((s) => s.repo),
  };
}

/** The escape character of the LIKE patterns: not a backslash, which MySQL string literals
 * treat as an escape of their own (unless NO_BACKSLASH_ESCAPES), so the SQL reads the same on
 * every database. */
export const LIKE_ESCAPE = '!';

/** A-Z to a-z, every other character unchanged: the fold of the search columns. */
export const foldAscii = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** `needle` as a LIKE pattern matching the values that start with it, literally. */
export const prefixPattern = (needle: string) =>
  foldAscii(needle).replace(/[!%_]/g, (c) => LIKE_ESCAPE + c) + '%';

/** The ids of one page of matching users, by id: one statement, LIMIT `limit`. */
export function searchIdsSql(filter: UserSearch): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (filter.q !== undefined && filter.q !== '') {
    const pattern = prefixPattern(filter.q);
    const like = (column: string) =>
      Prisma.sql`${Prisma.raw(column)} LIKE ${pattern} ESCAPE ${Prisma.raw(`'${LIKE_ESCAPE}'`)}`;
    parts.push(
      Prisma.sql`(${like('search_id')} OR ${like('search_name')} OR ${like('search_login')})`,
    );
  }
  if (filter.org !== undefined) parts.push(Prisma.sql`org = ${filter.org}`);
  if (filter.vipGte !== undefined) parts.push(Prisma.sql`vip >= ${filter.vipGte}`);
  if (filter.afterId !== undefined) parts.push(Prisma.sql`id > ${filter.afterId}`);
  const where =
    parts.length === 0 ? Prisma.empty : Prisma.sql`WHERE ${Prisma.join(parts, ' AND ')}`;
  return Prisma.sql`SELECT id FROM user_info ${where} ORDER BY id LIMIT ${filter.limit}`;
}

/** Ids per read of whole rows: under the bound parameters a statement may carry (SQLite's
 * adapter allows 999; a 1000-user page asked for them all at once). */
const ROWS_PER_READ = 500;

export async function searchUsers({ db }: Database, filter: UserSearch): Promise<User[]> {
  const ids = (await db.$queryRaw<{ id: string }[]>(searchIdsSql(filter))).map((r) => r.id);
  const users: User[] = [];
  for (let start = 0; start < ids.length; start += ROWS_PER_READ) {
    const rows = await db.userInfo.findMany({
      where: { id: { in: ids.slice(start, start + ROWS_PER_READ) } },
      include: { stars: { select: { repo: true }, orderBy: { repo: 'asc' } } },
      orderBy: { id: 'asc' },
    });
    users.push(...rows.map(toUser));
  }
  return users;
}
