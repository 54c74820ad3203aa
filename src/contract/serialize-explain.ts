// Explanations → the API's JSON: each condition node as {text, result, observed, children},
// where `observed` holds only the user attributes the node read (snake_case, as users are
// written), not the condition's own arguments.
import type { ExplainNode, Truth } from '../condition/index.ts';
import type { Explanation } from '../core/model/explanation.ts';
import { ledgerEntryJson } from './serialize.ts';

/** The explainer's input names that are user attributes, and their API spelling. */
const ATTRIBUTES: Record<string, string> = {
  id: 'id',
  vip: 'vip',
  org: 'org',
  githubStars: 'github_stars',
  registerTime: 'register_time',
  accessTime: 'access_time',
  quota: 'quota',
};

export const truthJson = (value: Truth): boolean | 'unknown' =>
  value === 'UNKNOWN' ? 'unknown' : value === 'TRUE';

export interface ExplainNodeJson {
  text: string;
  result: boolean | 'unknown';
  observed: Record<string, unknown>;
  children: ExplainNodeJson[];
}

export function explainNodeJson(node: ExplainNode): ExplainNodeJson {
  const observed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node.inputs ?? {})) {
    const name = ATTRIBUTES[key];
    if (name !== undefined) observed[name] = value;
  }
  return {
    text: node.text,
    result: truthJson(node.value),
    observed,
    children: (node.children ?? []).map(explainNodeJson),
  };
}

export function explanationJson(e: Explanation) {
  return {
    verdict: e.verdict,
    occurrence: e.occurrence,
    reasons: e.reasons,
    summary: e.summary,
    decisive_nodes: e.decisivePaths,
    condition: e.condition === null ? null : explainNodeJson(e.condition),
    ledger: e.ledger === null ? null : ledgerEntryJson(e.ledger),
    decision: e.decision,
    amount: e.amount,
    strategy_state: {
      enabled: e.state.enabled,
      outside_window: e.state.outsideWindow,
      occurrence_done: e.state.occurrenceDone,
      next_occurrence: e.state.nextOccurrence,
    },
    lot_expires_at: e.lotExpiresAt === null ? null : e.lotExpiresAt.toISOString(),
  };
}
