// A validated API-shaped user (snake_case, ISO strings) → the repository's upsert. Fields the
// record leaves out are left out of the upsert too, so they keep their stored values, exactly
// as with PUT /api/v1/users/:id and POST /api/v1/users/bulk.
import type { UserUpsert } from '../db/user-repository.ts';
import type { UserItem } from './user-records.ts';

const date = (value: string | null) => (value === null ? null : new Date(value));

export function toUserUpsert(user: UserItem): UserUpsert {
  const upsert: UserUpsert = { id: user.id };
  if (user.name !== undefined) upsert.name = user.name;
  if (user.github_username !== undefined) upsert.githubUsername = user.github_username;
  if (user.email !== undefined) upsert.email = user.email;
  if (user.phone !== undefined) upsert.phone = user.phone;
  if (user.vip !== undefined) upsert.vip = user.vip;
  if (user.org !== undefined) upsert.org = user.org;
  if (user.github_stars !== undefined) upsert.githubStars = user.github_stars;
  if (user.register_time !== undefined) upsert.registerTime = date(user.register_time);
  if (user.access_time !== undefined) upsert.accessTime = date(user.access_time);
  return upsert;
}
