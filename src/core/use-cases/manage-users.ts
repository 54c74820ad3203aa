// Feeding user_info: one user, or many at once (all or nothing), and reading one back.
import { AppError, notFound } from '../errors.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';
import type { User, UserUpsert } from '../model/user.ts';
import type { Page } from '../ports/stores.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'users'>;

export const upsertUser = (deps: Deps, user: UserUpsert): Promise<User> => deps.users.upsert(user);

/** All or nothing. An id given twice is refused (400) rather than silently merged. */
export async function upsertUsers(deps: Deps, users: UserUpsert[]): Promise<number> {
  const seen = new Set<string>();
  const duplicates = users
    .map((u, index) => ({ id: u.id, index }))
    .filter(({ id }) => seen.size === seen.add(id).size);
  if (duplicates.length > 0) {
    throw new AppError(
      'validation_failed',
      'a user id appears more than once',
      duplicates.map((d) => ({ field: `${d.index}.id`, message: `duplicate id "${d.id}"` })),
    );
  }
  return deps.users.upsertMany(users);
}

/** The user with their latest `grants` ledger entries, newest first; 404 when unknown. */
export async function getUser(
  deps: Pick<CoreDeps, 'users' | 'ledger'>,
  id: string,
  grants: number,
): Promise<{ user: User; grants: Page<LedgerEntry> }> {
  const user = await deps.users.get(id);
  if (!user) throw notFound('user', id);
  const page = await deps.ledger.list({ userId: id, limit: grants, offset: 0, newestFirst: true });
  return { user, grants: page };
}

/**
 * One batch of an import (all or nothing). Unlike upsertUsers, an id given twice is merged,
 * later fields over earlier ones: a file may well list a user twice.
 */
export const importUserBatch = (deps: Deps, users: UserUpsert[]): Promise<number> =>
  deps.users.upsertMany(users);
