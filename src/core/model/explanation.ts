// "Why did (or will) this user get it, or not?": the answer of explain, in plain domain terms.
import type { ExplainNode } from '../../condition/index.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** The first that applies, in this order (docs/conditions.md explains each). */
export const EXPLAIN_VERDICTS = [
  'no_such_user',
  'disabled',
  'outside_window',
  'occurrence_done',
  'granted',
  'pending',
  'unknown_outcome',
  'failed',
  'condition_false',
  'condition_unknown',
  'capped',
  'held_by_budget',
  'would_grant',
] as const;
export type ExplainVerdict = (typeof EXPLAIN_VERDICTS)[number];

export interface Explanation {
  verdict: ExplainVerdict;
  /** ISO fire time or `once`; null when no occurrence is due. */
  occurrence: string | null;
  reasons: string[];
  /** The evaluated condition; null only for `no_such_user`. */
  condition: ExplainNode | null;
  /** The user's ledger row for the occurrence, if any. */
  ledger: LedgerEntry | null;
  /** What the user would receive (`would_grant`, `held_by_budget`); else null. */
  amount: number | null;
  /** Credit lots: when that grant would expire (with `amount`); else null. */
  lotExpiresAt: Date | null;
}
