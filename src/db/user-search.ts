// Searching user_info: `q` is a case-insensitive substring of id, name, email or GitHub
// username, with the same answer on SQLite and PostgreSQL. The databases fold case differently
// (SQLite's LIKE folds ASCII only; PostgreSQL's ILIKE/lower() follow the database's locale,
// which under "C" is ASCII only too), and even an ASCII `q` can match non-ASCII text once
// folded ("STRASSE" in "Straße"), so no LIKE can narrow the candidates soundly. The match is
// decided here, by Unicode folding, over the rows the other filters (SQL) leave, read in
// keyset pages: memory stays flat, and a search costs one pass over those rows at most.
import type { User } from '../core/model/user.ts';
import type { UserSearch } from '../core/ports/stores.ts';
import type { Database } from './client.ts';

const SEARCHED = ['id', 'name', 'email', 'githubUsername'] as const;
/** Rows read per round trip while looking for matches. */
const PAGE = 500;

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

/** Unicode case folding close enough for search: NFKC, then upper then lower (ß → ss, Σ/ς/σ). */
export const fold = (text: string) => text.normalize('NFKC').toUpperCase().toLowerCase();

export async function searchUsers({ db }: Database, filter: UserSearch): Promise<User[]> {
  const needle = filter.q === undefined || filter.q === '' ? undefined : fold(filter.q);
  const found: User[] = [];
  let after = filter.afterId;
  for (;;) {
    const rows = await db.userInfo.findMany({
      where: {
        org: filter.org,
        vip: filter.vipGte === undefined ? undefined : { gte: filter.vipGte },
        id: after === undefined ? undefined : { gt: after },
      },
      include: { stars: { select: { repo: true }, orderBy: { repo: 'asc' } } },
      orderBy: { id: 'asc' },
      take: needle === undefined ? filter.limit : PAGE,
    });
    for (const row of rows) {
      if (needle === undefined || SEARCHED.some((f) => fold(row[f] ?? '').includes(needle))) {
        found.push(toUser(row));
        if (found.length === filter.limit) return found;
      }
    }
    if (needle === undefined || rows.length < PAGE) return found;
    after = rows[rows.length - 1]!.id;
  }
}
