// Replace (PUT) or change (PATCH) a strategy. Both end in the same rules as a create; a missing
// strategy is a 404 before any validation error. The audit row holds the before/after of the
// fields that changed; only a change of what is granted, to whom, when or how makes a new
// version (model/strategy-version.ts).
import { changedFields } from '../model/audit.ts';
import {
  applyPatch,
  withDefaults,
  type Strategy,
  type StrategyFields,
  type StrategyReplacement,
  type StrategyPatch,
} from '../model/strategy.ts';
import { makesNewVersion } from '../model/strategy-version.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

type Deps = Pick<CoreDeps, 'strategies' | 'defaultTimeZone' | 'actor' | 'clock'>;

export async function replaceStrategy(
  deps: Deps,
  id: number,
  input: StrategyReplacement,
): Promise<Strategy> {
  const withDefaulted = withDefaults(input, deps.defaultTimeZone);
  const current = await deps.strategies.get(id);
  const fields = assertValidStrategy(withDefaulted);
  return save(deps, current, fields);
}

export async function patchStrategy(
  deps: Deps,
  id: number,
  patch: StrategyPatch,
): Promise<Strategy> {
  const current = await deps.strategies.get(id);
  const fields = assertValidStrategy(applyPatch(current, patch));
  return save(deps, current, fields);
}

function save(deps: Deps, current: Strategy, fields: StrategyFields): Promise<Strategy> {
  const before = Object.fromEntries(
    Object.keys(fields).map((key) => [key, current[key as keyof StrategyFields]]),
  ) as StrategyFields;
  const audit = auditFor(deps, {
    action: 'strategy.update',
    targetType: 'strategy',
    targetId: String(current.id),
    changes: changedFields(before, fields),
  });
  return deps.strategies.update(current.id, fields, makesNewVersion(before, fields), audit);
}
