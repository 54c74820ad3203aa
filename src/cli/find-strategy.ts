// A strategy named on the command line by id or by name.
import { AppError } from '../core/errors.ts';
import type { Strategy } from '../core/strategy.ts';
import type { StrategyRepository } from '../db/strategy-repository.ts';
import { CliFailure } from './command.ts';

const PAGE = 500;

/**
 * A number is an id; if no strategy has that id, it is tried as a name (names may be digits).
 * Anything else is a name.
 */
export async function findStrategy(
  strategies: Pick<StrategyRepository, 'get' | 'list'>,
  idOrName: string,
): Promise<Strategy> {
  if (/^\d+$/.test(idOrName) && Number.isSafeInteger(Number(idOrName))) {
    try {
      return await strategies.get(Number(idOrName));
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found')) throw error;
    }
  }
  for await (const strategy of allStrategies(strategies)) {
    if (strategy.name === idOrName) return strategy;
  }
  throw new CliFailure(`no strategy has the id or name ${JSON.stringify(idOrName)}`);
}

/** Every strategy (enabled or not, or only `enabled` ones), by id, a page at a time. */
export async function* allStrategies(
  strategies: Pick<StrategyRepository, 'list'>,
  filter: { enabled?: boolean } = {},
): AsyncGenerator<Strategy> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await strategies.list({ ...filter, limit: PAGE, offset });
    yield* page.items;
    if (page.items.length < PAGE) return;
  }
}
