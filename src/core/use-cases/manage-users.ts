// Feeding user_info: one user, or many at once (all or nothing), and reading one back.
import { AppError, notFound } from '../errors.ts';
import type { LedgerEntry } from '../model/ledger-entry.ts';
import type { User, UserUpsert } from '../model/user.ts';
import { changedFields } from '../model/audit.ts';
import type { Page, UserSearch } from '../ports/stores.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';

type Deps = Pick<CoreDeps, 'users' | 'actor' | 'clock'>;

/** Audited with the before/after of the fields it changed (all fields when the user is new). */
export async function upsertUser(deps: Deps, user: UserUpsert): Promise<User> {
  const before = await deps.users.get(user.id);
  const sent = Object.fromEntries(
    Object.entries(user).filter(([key, value]) => key !== 'id' && value !== (undefined as unknown)),
  );
  const previous = before
    ? Object.fromEntries(Object.keys(sent).map((key) => [key, before[key as keyof User]]))
    : Object.fromEntries(Object.keys(sent).map((key) => [key, null]));
  const audit = auditFor(deps, {
    action: 'user.upsert',
    targetType: 'user',
    targetId: user.id,
    changes: { created: before === null, ...changedFields(previous, sent) },
  });
  return deps.users.upsert(user, audit);
}

/** Deletes a user; their ledger rows stay (the ledger has no foreign key to users). */
export async function deleteUser(deps: Deps, id: string): Promise<void> {
  const audit = auditFor(deps, { action: 'user.delete', targetType: 'user', targetId: id });
  if (!(await deps.users.delete(id, audit))) throw notFound('user', id);
}

/** One page of users by id, and the id to continue after (null on the last page). */
export async function searchUsers(
  deps: Pick<CoreDeps, 'users'>,
  filter: UserSearch,
): Promise<{ items: User[]; next: string | null }> {
  const rows = await deps.users.search({ ...filter, limit: filter.limit + 1 });
  const items = rows.slice(0, filter.limit);
  return { items, next: rows.length > filter.limit ? items[items.length - 1]!.id : null };
}

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
  const audit = auditFor(deps, {
    action: 'users.import',
    targetType: 'user',
    targetId: '*',
    changes: { users: users.length },
  });
  return deps.users.upsertMany(users, audit);
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

/** One audit row for a whole file import (many batches), with its counts. */
export const recordUsersImport = (
  deps: Pick<CoreDeps, 'audit' | 'actor' | 'clock'>,
  counts: Record<string, number | string>,
): Promise<void> =>
  deps.audit.record(
    auditFor(deps, { action: 'users.import', targetType: 'user', targetId: '*', changes: counts }),
  );
