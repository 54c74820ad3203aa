// "Why did (or will) this user get it, or not?": the answer of explain, in plain domain terms.
import type { ExplainNode } from '../../condition/index.ts';
import type { LedgerEntry } from './ledger-entry.ts';

/** What a run would decide for a user it reaches: the last verdicts below, in their order. */
export const EXPLAIN_DECISIONS = [
  'condition_false',
  'condition_unknown',
  'capped',
  'held_by_budget',
  'would_grant',
] as const;
export type ExplainDecision = (typeof EXPLAIN_DECISIONS)[number];

/**
 * The first that applies, in this order (docs/conditions.md explains each): the user's own
 * outcome (a ledger row) first, then the strategy's state, then the decision a run would make.
 */
export const EXPLAIN_VERDICTS = [
  'no_such_user',
  'granted',
  'pending',
  'unknown_outcome',
  'failed',
  'disabled',
  'not_due_yet',
  'outside_window',
  'occurrence_done',
  ...EXPLAIN_DECISIONS,
] as const;
export type ExplainVerdict = (typeof EXPLAIN_VERDICTS)[number];

export interface Explanation {
  verdict: ExplainVerdict;
  /** ISO fire time or `once`; null when no occurrence is due. */
  occurrence: string | null;
  reasons: string[];
  /** The verdict and what decided it, in one sentence (explanation-summary.ts). */
  summary: string;
  /** The condition nodes the summary names, as child-index paths from the root; [] when none. */
  decisivePaths: number[][];
  /** The evaluated condition; null only for `no_such_user`. */
  condition: ExplainNode | null;
  /** The user's ledger row for the occurrence, if any. */
  ledger: LedgerEntry | null;
  /**
   * What a run would decide for the user, were the strategy enabled and the occurrence due:
   * null when the user already has a ledger row for it, or no occurrence is due.
   */
  decision: ExplainDecision | null;
  /** What the user would receive when the decision is would_grant or held_by_budget; else null. */
  amount: number | null;
  /** Credit lots: when that grant would expire (with `amount`); else null. */
  lotExpiresAt: Date | null;
  /** The strategy's state, each part on its own (none hides the decision). */
  state: {
    enabled: boolean;
    outsideWindow: boolean;
    occurrenceDone: boolean;
    /** A periodic strategy's next fire time (within its window), or null. */
    nextOccurrence: string | null;
  };
}
