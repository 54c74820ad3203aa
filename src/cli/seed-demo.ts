// `seed-demo`: the demo's users and strategies (scripts/demo-data.ts), written through the
// core's use cases with the API's validation: each record passes the API's zod schema, and
// strategies the core's rules. Users are upserted; a strategy whose name exists is kept as it
// is (not overwritten), so running it twice changes nothing the second time.
import { DEMO_STRATEGIES, DEMO_USERS } from '../../scripts/demo-data.ts';
import {
  StrategyCreateSchema,
  strategyInputFromBody,
  UserBulkItemSchema,
  userUpsertFromInput,
} from '../contract/schemas.ts';
import type { Application } from '../core/application.ts';
import { AppError } from '../core/errors.ts';

export interface SeedDemoResult {
  users: number;
  created: string[];
  kept: string[];
}

export async function seedDemoData(
  app: Pick<Application, 'upsertUsers' | 'createStrategy'>,
): Promise<SeedDemoResult> {
  const users = DEMO_USERS.map((user) => {
    const { id, ...fields } = UserBulkItemSchema.parse(user);
    return userUpsertFromInput(id, fields);
  });
  await app.upsertUsers(users);
  const result: SeedDemoResult = { users: users.length, created: [], kept: [] };
  for (const body of DEMO_STRATEGIES) {
    const input = strategyInputFromBody(StrategyCreateSchema.parse(body));
    try {
      await app.createStrategy(input);
      result.created.push(input.name);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      result.kept.push(input.name);
    }
  }
  return result;
}
