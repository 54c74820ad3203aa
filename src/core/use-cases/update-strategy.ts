// Replace (PUT) or change (PATCH) a strategy. Both end in the same rules as a create; a missing
// strategy is a 404 before any validation error.
import {
  applyPatch,
  withDefaults,
  type Strategy,
  type StrategyInput,
  type StrategyPatch,
} from '../model/strategy.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

type Deps = Pick<CoreDeps, 'strategies' | 'defaultTimeZone'>;

export async function replaceStrategy(
  deps: Deps,
  id: number,
  input: StrategyInput,
): Promise<Strategy> {
  const withDefaulted = withDefaults(input, deps.defaultTimeZone);
  await deps.strategies.get(id);
  const fields = assertValidStrategy(withDefaulted);
  return deps.strategies.update(id, fields);
}

export async function patchStrategy(
  deps: Deps,
  id: number,
  patch: StrategyPatch,
): Promise<Strategy> {
  const fields = assertValidStrategy(applyPatch(await deps.strategies.get(id), patch));
  return deps.strategies.update(id, fields);
}
