// Replace (PUT) or change (PATCH) a strategy. Both end in the same rules as a create; a missing
// strategy is a 404 before any validation error. The audit row holds the before/after of the
// fields that changed; only a change of what is granted, to whom, when or how makes a new
// version (model/strategy-version.ts). With an If-Match (model/strategy-tag.ts) the change is
// made only on top of the state the client saw: a stale tag is a 412 here, and the store's write
// checks it again in the same statement, so two editors holding the same tag cannot both win.
import { preconditionFailed } from '../errors.ts';
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
import { matchesTag, type IfMatch } from '../model/strategy-tag.ts';
import { auditFor } from './audit-trail.ts';
import type { CoreDeps } from './deps.ts';
import { assertValidStrategy } from './strategy-rules.ts';

type Deps = Pick<CoreDeps, 'strategies' | 'defaultTimeZone' | 'actor' | 'clock'>;

export async function replaceStrategy(
  deps: Deps,
  id: number,
  input: StrategyReplacement,
  ifMatch?: IfMatch,
): Promise<Strategy> {
  const withDefaulted = withDefaults(input, deps.defaultTimeZone);
  const current = await currentMatching(deps, id, ifMatch);
  const fields = assertValidStrategy(withDefaulted, current.timezone);
  return save(deps, current, fields, ifMatch);
}

export async function patchStrategy(
  deps: Deps,
  id: number,
  patch: StrategyPatch,
  ifMatch?: IfMatch,
): Promise<Strategy> {
  const current = await currentMatching(deps, id, ifMatch);
  const fields = assertValidStrategy(applyPatch(current, patch), current.timezone);
  return save(deps, current, fields, ifMatch);
}

/** The strategy (404 first), if it satisfies the If-Match (412 otherwise, before validation). */
async function currentMatching(deps: Deps, id: number, ifMatch?: IfMatch): Promise<Strategy> {
  const current = await deps.strategies.get(id);
  if (ifMatch !== undefined && !matchesTag(current, ifMatch))
    throw preconditionFailed('strategy', id);
  return current;
}

function save(
  deps: Deps,
  current: Strategy,
  fields: StrategyFields,
  ifMatch?: IfMatch,
): Promise<Strategy> {
  const before = Object.fromEntries(
    Object.keys(fields).map((key) => [key, current[key as keyof StrategyFields]]),
  ) as StrategyFields;
  const audit = auditFor(deps, {
    action: 'strategy.update',
    targetType: 'strategy',
    targetId: String(current.id),
    changes: changedFields(before, fields),
  });
  // `*` asks only that the strategy exists; a tag asks that it is still the one read above.
  const condition =
    ifMatch === undefined || ifMatch === '*'
      ? undefined
      : { expected: current, now: deps.clock.now() };
  return deps.strategies.update(
    current.id,
    fields,
    makesNewVersion(before, fields),
    audit,
    condition,
  );
}
