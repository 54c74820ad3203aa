// `seed-demo`: the demo's users and strategies (scripts/demo-data.ts), written through the
// repositories with the API's validation: each record passes the API's zod schema and, for
// strategies, the core's rules. Users are upserted; a strategy whose name exists is kept as it
// is (not overwritten), so running it twice changes nothing the second time.
import type { z } from '@hono/zod-openapi';
import { DEMO_STRATEGIES, DEMO_USERS } from '../../scripts/demo-data.ts';
import {
  StrategyCreateSchema,
  strategyFieldsFromInput,
  UserBulkItemSchema,
  userUpsertFromInput,
} from '../api/schemas.ts';
import type { Clock } from '../core/clock.ts';
import { AppError } from '../core/errors.ts';
import { assertValidStrategy } from '../core/strategy.ts';
import type { StrategyRepository } from '../db/strategy-repository.ts';
import type { UserRepository } from '../db/user-repository.ts';

export interface SeedDemoDeps {
  users: Pick<UserRepository, 'upsertMany'>;
  strategies: Pick<StrategyRepository, 'create'>;
  clock: Clock;
  defaultTimeZone: string;
}

export interface SeedDemoResult {
  users: number;
  created: string[];
  kept: string[];
}

export async function seedDemoData(deps: SeedDemoDeps): Promise<SeedDemoResult> {
  const users = DEMO_USERS.map((user) => {
    const { id, ...fields } = UserBulkItemSchema.parse(user);
    return userUpsertFromInput(id, fields);
  });
  await deps.users.upsertMany(users);
  const result: SeedDemoResult = { users: users.length, created: [], kept: [] };
  for (const input of DEMO_STRATEGIES) {
    const fields = assertValidStrategy(
      strategyFieldsFromInput(StrategyCreateSchema.parse(input), deps.defaultTimeZone),
    );
    try {
      await deps.strategies.create(fields, deps.clock.now());
      result.created.push(fields.name);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      result.kept.push(fields.name);
    }
  }
  return result;
}
