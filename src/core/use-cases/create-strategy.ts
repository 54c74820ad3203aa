// Create a strategy: defaults for what the operator left out, then the rules, then the row
// (and its audit row, in the same transaction).
import { withDefaults, type Strategy, type StrategyInput } from '../model/strategy.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

export async function createStrategy(
  deps: Pick<CoreDeps, 'strategies' | 'clock' | 'defaultTimeZone' | 'actor'>,
  input: StrategyInput,
): Promise<Strategy> {
  // The configured zone passes as it is: the operator chose it, and start-up checked it by the
  // same zone rules (config/setting-values.ts).
  const fields = assertValidStrategy(
    withDefaults(input, deps.defaultTimeZone),
    deps.defaultTimeZone,
  );
  const audit = auditFor(deps, {
    action: 'strategy.create',
    targetType: 'strategy',
    targetId: '', // the store fills in the new id
    changes: { after: fields },
  });
  return deps.strategies.create(fields, deps.clock.now(), audit);
}
