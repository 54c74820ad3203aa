// What makes a new strategy version. The version names a strategy's *definition*: each ledger
// row records the version that granted it; a run in flight stops claiming and sending once the
// version moves on (scan/run-strategy.ts definitionChanged, the `sending` mark in
// scan/prepare-send.ts); and a single strategy whose stored scan position was taken at another
// version reads every user again (scan/scan-plan.ts continuesFrom). So only a change of what
// decides who is granted what, when or how makes one: a new title must not send every single
// strategy back to a full scan. docs/strategies.md, "Versions", is the operator's side of this.
import { changedFields } from './audit.ts';
import { strategyFieldEntries, type StrategyFieldTable } from './strategy-fields.ts';
import type { StrategyFields } from './strategy.ts';

/**
 * Whether a change of the field makes a new version: the field table's `newVersion`.
 * - who: the condition, the zone its dates are read in, the cap on grants per user;
 * - what: the amount and how it is applied, and the gateway model it is for;
 * - when: the occurrences (once or a cron schedule in `timezone`), the window, missed runs;
 * - how much in total: budgets decide whether an occurrence is held.
 * Labels (name, title) do not: no scan reads them. Switching off and on (`enabled`) changes no
 * definition, and needs no version to be safe:
 * - a run in flight still stops: `currentStrategy` reads only enabled strategies (the check
 *   before each page) and the `sending` mark requires `enabled` as well as the version;
 * - a re-enabled single strategy continues from its stored position, which only a completed
 *   scan at this version saved. Every user written through quota-manager while it was off
 *   has a larger change_seq and is read; a user unchanged since was decided by that scan
 *   under this same definition (a condition reads only the user's row and absolute instants;
 *   one that reads the gateway is scanned in full anyway). Rows written into user_info
 *   behind quota-manager's back are found by the periodic full scan (SCAN_FULL_EVERY_MS),
 *   whose clock kept running while the strategy was off;
 * - periodic strategies keep no position: their occurrences come from the schedule.
 */
export const NEW_VERSION_ON_CHANGE = Object.fromEntries(
  strategyFieldEntries().map(([key, spec]) => [key, spec.newVersion]),
) as { [K in keyof StrategyFields]: StrategyFieldTable[K]['newVersion'] };

/** Whether going from `before` to `after` makes a new version. */
export function makesNewVersion(before: StrategyFields, after: StrategyFields): boolean {
  return Object.keys(changedFields(before, after)).some(
    (key) => NEW_VERSION_ON_CHANGE[key as keyof StrategyFields],
  );
}

type UnversionedKey = {
  [K in keyof StrategyFields]: (typeof NEW_VERSION_ON_CHANGE)[K] extends false ? K : never;
}[keyof StrategyFields];

/** The fields a change that makes no version writes: name, title, enabled. */
export type UnversionedFields = Pick<StrategyFields, UnversionedKey>;

/**
 * The only fields a change without a new version may write. Writing the others too, as read
 * before the change, could undo a definition change committed in between while the version
 * stayed where that change had put it.
 */
export function unversionedFields(fields: StrategyFields): UnversionedFields {
  const keys = (Object.keys(NEW_VERSION_ON_CHANGE) as (keyof StrategyFields)[]).filter(
    (key) => !NEW_VERSION_ON_CHANGE[key],
  );
  return Object.fromEntries(keys.map((key) => [key, fields[key]])) as UnversionedFields;
}
