// The one sentence an explanation leads with: the verdict and what decided it, in words — for a
// condition, the node that decided ("Not granted: the user registered on 2025-03-02, after
// 2025-01-01 (register-before)"); for the strategy's state or a run's limits, that limit. The
// reasons list and the tree stay beside it for the rest.
import { decisiveNodes } from '../condition/index.ts';
import { decisiveInWords } from './condition-in-words.ts';
import type { ExplainDecision, Explanation } from './model/explanation.ts';
import type { Strategy } from './model/strategy.ts';
import { SINGLE_OCCURRENCE } from './schedule.ts';
import { wallClock } from './time-zone.ts';

/** An explanation before its summary, which is worded from the rest. */
export type ExplanationFacts = Omit<Explanation, 'summary' | 'decisivePaths'>;
type Facts = ExplanationFacts;
type StrategyFacts = Pick<Strategy, 'maxExecPerUser' | 'timezone'>;

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-06-10 08:00 Asia/Shanghai`: the strategy's wall clock, which its cron reads. */
function local(iso: string, timeZone: string): string {
  const w = wallClock(new Date(iso), timeZone);
  return `${String(w.year).padStart(4, '0')}-${pad(w.month)}-${pad(w.day)} ${pad(w.hour)}:${pad(w.minute)} ${timeZone}`;
}

function occurrenceText(e: Facts, timeZone: string): string {
  if (e.occurrence === null || e.occurrence === SINGLE_OCCURRENCE) return 'the grant';
  return `the occurrence of ${local(e.occurrence, timeZone)}`;
}

function forOccurrence(e: Facts, timeZone: string): string {
  if (e.occurrence === null || e.occurrence === SINGLE_OCCURRENCE) return '';
  return ` for ${occurrenceText(e, timeZone)}`;
}

/** What a run would decide, as the rest of a sentence. */
function decisionText(e: Facts, strategy: StrategyFacts, decision: ExplainDecision): string {
  switch (decision) {
    case 'condition_false':
      return decisiveInWords(e.condition!);
    case 'condition_unknown':
      return `the condition cannot be decided: ${decisiveInWords(e.condition!)}`;
    case 'capped':
      return `the user already has max_exec_per_user (${strategy.maxExecPerUser}) grants of this strategy`;
    case 'held_by_budget':
      return `${occurrenceText(e, strategy.timezone)} is held by a budget cap until someone approves it; then the user gets ${e.amount}`;
    case 'would_grant':
      return `the user gets ${e.amount} at the next run${forOccurrence(e, strategy.timezone)}`;
  }
}

function ledgerSentence(e: Facts): string | undefined {
  const row = e.ledger;
  if (row === null) return undefined;
  switch (e.verdict) {
    case 'granted':
      return `Granted: ${row.amount} (ledger row #${row.id}, applied).`;
    case 'pending':
      return `On its way: the grant of ${row.amount} is claimed and being sent (ledger row #${row.id}).`;
    case 'unknown_outcome':
      return `Outcome unknown: the grant of ${row.amount} was sent but its answer is not known (ledger row #${row.id}); resolve it as applied or retry.`;
    case 'failed':
      return `Not granted yet: the grant failed${row.lastError ? ` (${row.lastError})` : ''}; later scans retry it while attempts remain (ledger row #${row.id}).`;
    default:
      return undefined;
  }
}

function stateSentence(e: Facts, strategy: StrategyFacts): string | undefined {
  const zone = strategy.timezone;
  switch (e.verdict) {
    case 'no_such_user':
      return 'Not granted: no user has this id.';
    case 'disabled': {
      const then = e.decision === null ? '' : `; enabled, ${disabledTail(e, strategy, e.decision)}`;
      return `Not granted: the strategy is disabled${then}.`;
    }
    case 'not_due_yet':
      return e.state.nextOccurrence === null
        ? 'Not granted yet: no occurrence is due.'
        : `Not granted yet: the first fire time is ${local(e.state.nextOccurrence, zone)}.`;
    case 'outside_window':
      return `Not granted: ${occurrenceText(e, zone)} is outside the strategy’s start_at/end_at window.`;
    case 'occurrence_done':
      return `Not granted: ${occurrenceText(e, zone)} is done; scans never revisit it.`;
    default:
      return undefined;
  }
}

function disabledTail(e: Facts, strategy: StrategyFacts, decision: ExplainDecision): string {
  if (decision === 'would_grant') return `it would send the user ${e.amount}`;
  return `it would still not grant: ${decisionText(e, strategy, decision)}`;
}

/** The leading sentence of an explanation. */
export function explanationSummary(e: Facts, strategy: StrategyFacts): string {
  const fromLedger = ledgerSentence(e);
  if (fromLedger !== undefined) return fromLedger;
  const fromState = stateSentence(e, strategy);
  if (fromState !== undefined) return fromState;
  const decision = e.verdict as ExplainDecision;
  const text = decisionText(e, strategy, decision);
  if (decision === 'would_grant') return `Would be granted: ${text}.`;
  if (decision === 'held_by_budget') return `Held: ${text}.`;
  return `Not granted: ${text}.`;
}

/** Paths (child indexes from the root) of the condition nodes the summary names; [] when none. */
export function summarizedNodes(e: Facts): number[][] {
  const decision = e.verdict === 'disabled' ? e.decision : e.verdict;
  if (e.condition === null) return [];
  if (decision !== 'condition_false' && decision !== 'condition_unknown') return [];
  return decisiveNodes(e.condition).map((d) => d.path);
}

/** The explanation with its leading sentence and the nodes that sentence names. */
export function withSummary(facts: Facts, strategy: StrategyFacts): Explanation {
  return {
    ...facts,
    summary: explanationSummary(facts, strategy),
    decisivePaths: summarizedNodes(facts),
  };
}
