// Create a strategy: defaults for what the operator left out, then the rules, then the row.
import { withDefaults, type Strategy, type StrategyInput } from '../model/strategy.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

export async function createStrategy(
  deps: Pick<CoreDeps, 'strategies' | 'clock' | 'defaultTimeZone'>,
  input: StrategyInput,
): Promise<Strategy> {
  const fields = withDefaults(input, deps.defaultTimeZone);
  assertValidStrategy(fields);
  return deps.strategies.create(fields, deps.clock.now());
}
