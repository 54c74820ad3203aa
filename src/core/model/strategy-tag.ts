// The entity tag of a strategy: what an editor saw, so a change made on top of something else
// can be refused (HTTP If-Match, docs/api.md "Concurrent edits"). The version alone is not
// enough: a title, a name or enabling keeps it (model/strategy-version.ts), and an operator's
// title edit can be lost as surely as a condition. updated_at moves on every write; a
// conditional write also makes it move by at least a millisecond (db/strategy-store.ts), so
// two writes never leave the same tag.
import type { Strategy } from './strategy.ts';

/** What a conditional change expects to find: the state its tag was taken from. */
export type StrategyRevision = Pick<Strategy, 'version' | 'updatedAt'>;

/** The opaque tag (without HTTP quotes): `<version>-<updated_at in ms>`. */
export function strategyTag(strategy: StrategyRevision): string {
  return `${strategy.version}-${strategy.updatedAt.getTime()}`;
}

/**
 * The precondition of a change: `*` (any existing strategy) or the tags the client accepts
 * (any of them; HTTP allows a list). An empty list matches nothing.
 */
export type IfMatch = '*' | readonly string[];

export function matchesTag(strategy: StrategyRevision, ifMatch: IfMatch): boolean {
  return ifMatch === '*' || ifMatch.includes(strategyTag(strategy));
}
