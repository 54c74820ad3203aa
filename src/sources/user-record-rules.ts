// The user rules for synced rows: the very schema a POST /api/v1/users/bulk item passes
// (UserBulkItemSchema, the one home of user-id and user-field rules), so a row the API would
// refuse is refused here too, with the field at fault.
import { UserBulkItemSchema, userUpsertFromInput } from '../contract/schemas.ts';
import type { UserRecordRules } from '../core/ports/user-source.ts';

export const userRecordRules: UserRecordRules = (record) => {
  const parsed = UserBulkItemSchema.safeParse(record);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, field: String(issue.path[0] ?? 'row'), message: issue.message };
  }
  const { id, ...fields } = parsed.data;
  return { ok: true, user: userUpsertFromInput(id, fields) };
};
