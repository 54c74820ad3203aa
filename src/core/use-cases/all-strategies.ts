// Every strategy (enabled or not, or only `enabled` ones), by id, a page at a time.
import { AppError } from '../errors.ts';
import type { Strategy } from '../model/strategy.ts';
import type { StrategyStore } from '../ports/stores.ts';

const PAGE = 500;

export async function* allStrategies(
  strategies: Pick<StrategyStore, 'list'>,
  filter: { enabled?: boolean } = {},
): AsyncGenerator<Strategy> {
  for (let afterId = 0; ;) {
    const page = await strategies.list({ ...filter, limit: PAGE, afterId });
    yield* page.items;
    if (page.items.length < PAGE) return;
    afterId = page.items[page.items.length - 1]!.id;
  }
}

/**
 * A strategy named by id or by name (the CLI's argument). A number is an id; if no strategy has
 * that id, it is tried as a name (names may be digits). Null when nothing matches.
 */
export async function findStrategy(
  strategies: Pick<StrategyStore, 'get' | 'list'>,
  idOrName: string,
): Promise<Strategy | null> {
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
  return null;
}
