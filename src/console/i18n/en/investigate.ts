// English: why not? and the unknown grants. Part of the catalogue en.ts assembles.
import type { Child } from 'hono/jsx';
import type { ExplanationJson, StrategyJson } from '../../api-types.ts';

export const investigate = {
  whyNot: {
    title: 'Why not?',
    strategy: 'Strategy',
    userId: 'User id',
    occurrence: 'Occurrence (optional)',
    occurrencePlaceholder: 'next, or ISO time',
    explain: 'Explain',
    unavailable: 'Explaining a decision',
    verdict: 'Verdict: ',
    occurrenceIs: (occurrence: Child): Child[] => ['Occurrence: ', occurrence],
    /** The explanation names no occurrence: none has fallen due. */
    noneDue: 'none due',
    /** Beside a condition node the summary names as deciding the verdict. */
    decided: ' ← decided',
    conditionTitle: 'Condition',
    ledgerRow: 'Ledger row',
    verdicts: {
      no_such_user: 'no such user',
      granted: 'granted',
      pending: 'pending',
      unknown_outcome: 'unknown outcome',
      failed: 'failed',
      disabled: 'disabled',
      not_due_yet: 'not due yet',
      outside_window: 'outside window',
      occurrence_done: 'occurrence done',
      condition_false: 'condition false',
      condition_unknown: 'condition unknown',
      capped: 'capped',
      held_by_budget: 'held by budget',
      would_grant: 'would grant',
    } satisfies Record<ExplanationJson['verdict'], string>,
    results: { true: 'true', false: 'false', unknown: 'unknown' },
  },
  unknown: {
    title: 'Unknown grants',
    intro: (applied: Child, retry: Child): Child[] => [
      "For each grant, compare the user's balance at the gateway now with what the grant did (usage since then lowers the balance), then resolve: ",
      applied,
      ' if the grant arrived, ',
      retry,
      ' to send it again with the same idempotency key on the next scan.',
    ],
    appliedWord: 'applied',
    retryWord: 'retry',
    perStrategy: (route: Child): Child[] => [
      ' Listed strategy by strategy: this server has no ',
      route,
      ', so grants of deleted strategies are not shown.',
    ],
    none: 'No grant has an unknown outcome.',
    resolveQuestion: 'Resolve the selected grants?',
    markApplied: 'Mark applied',
    retry: 'Retry',
    selectSome: 'Select at least one grant and applied or retry.',
    resolveCount: (n: number, resolution: string) => `Resolve ${n} grant(s) as ${resolution}?`,
    resolutions: { applied: 'applied', retry: 'retry' },
    resolved: (n: number) => `Resolved ${n}.`,
    resolvedAs: (n: number, resolution: string) => `Resolved ${n} as ${resolution}.`,
    refused: (failures: string) => `Refused: ${failures}`,
    guidance: {
      add:
        'add grants: the grant reads no balance before sending ("balance before" is empty); it ' +
        'arrived if the balance now is about its amount above what the user had (the gateway log of ' +
        'its idempotency key is the surer check).',
      top_up:
        'top_up grants: the grant read "balance before" and sent the difference to the target; it ' +
        'arrived if the balance now is near the target, not near the balance before.',
      reset:
        'reset grants: the grant sets the balance to the target; it arrived if the balance now is ' +
        'the target (less usage since), whatever "balance before" was.',
    } satisfies Record<StrategyJson['mode'], string>,
    expiryGuidance:
      'lot expiries ("lot expiry"): the row takes back an expired lot\'s remainder with a negative ' +
      'delta; it arrived if the balance now is about that amount below what the user had.',
    lotExpiry: 'lot expiry',
    notRead: (n: number) => `not read (over ${n} users)`,
    unreadable: 'unreadable: ',
    balanceTitle: (at: string, protocol: string, used: string) =>
      `read ${at} (${protocol}, used ${used})`,
    select: 'Select',
    selectGrant: (id: number, user: string) => `Select grant ${id} of ${user}`,
    gatewayBalanceNow: 'Gateway balance now',
    lastError: 'Last error',
    since: 'Since',
  },
};
