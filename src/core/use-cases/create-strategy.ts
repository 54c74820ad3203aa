// Create a strategy: defaults for what the operator left out, then the rules, then the row.
import { withDefaults, type Strategy, type StrategyInput } from '../model/strategy.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

export async function createStrategy(
  deps: Pick<CoreDeps, 'strategies' | 'clock' | 'defaultTimeZone'>,
  input: StrategyInput,
): Promise<Strategy> {
  const fields = assertValidStrategy(withDefaults(input, deps.defaultTimeZone));
  return deps.strategies.create(fields, deps.clock.now());
}
