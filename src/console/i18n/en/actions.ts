// English: a strategy's actions and its held occurrences. Part of the catalogue en.ts assembles.
import type { StrategyStatsJson } from '../../api-types.ts';

type ClosedHoldStatus = StrategyStatsJson['closed_holds'][number]['status'];

export const actions = {
  actions: {
    edit: 'Edit',
    enable: 'Enable',
    disable: 'Disable',
    runNow: 'Run now',
    questions: {
      enable: (n: string) => `Enable strategy ${n}? Scans will grant it from now on.`,
      disable: (n: string) => `Disable strategy ${n}? Scans stop granting it.`,
      run: (n: string) => `Run strategy ${n} now? Users it matches are granted at once.`,
      approve: (n: string) =>
        `Approve the held occurrence of ${n}? It is granted at once, over the budget.`,
      dismiss: (n: string) =>
        `Dismiss the held occurrence of ${n}? Nothing is granted for it, ever.`,
      'approve-all': (n: string) =>
        `Approve every held occurrence of ${n}? Each is granted at once, over the budget.`,
    },
    gatewayDown:
      'The gateway is unavailable (circuit breaker open): grants are paused and are sent once it recovers; see the overview.',
    refused: (action: string, why: string) => `${action} refused: ${why}`,
    /** Why an action on a held occurrence was refused with 412 (the page was older than the strategy). */
    changedSinceRead:
      'this strategy was changed by someone else since the page was loaded, so nothing was done. Look at its current version, then try again.',
    names: {
      enable: 'enable',
      disable: 'disable',
      run: 'run',
      approve: 'approve',
      dismiss: 'dismiss',
      'approve-all': 'approve-all',
    },
    enabled: 'Enabled.',
    disabled: 'Disabled (its held occurrences are released).',
    dismissed: (when: string) => `Dismissed ${when}: nothing granted.`,
    approvedAll: (runs: number, granted: number) =>
      `Approved and ran ${runs} held occurrences: granted ${granted}.`,
    capUsers: (n: number) => `${n} users`,
    capAmount: (amount: string) => `amount ${amount}`,
    heldOutcome: (users: number, amount: string, caps: string) =>
      ` Held by the budget: it would grant ${users} users ${amount} in all (cap: ${caps}); nothing was granted.`,
    capsJoin: ', ',
    ran: (approved: boolean, matched: string, granted: string, failed: string, held: string) =>
      `${approved ? 'Approved and ran' : 'Ran'}: matched ${matched}, granted ${granted}, failed ${failed}.${held}`,
  },
  held: {
    title: 'Held by the budget',
    intro:
      'Nothing is granted for these until the cap is raised, or an occurrence is approved (once, over the cap) or dismissed (closed, nothing granted).',
    occurrence: 'Occurrence',
    users: 'Users',
    amount: 'Amount in all',
    caps: 'Caps (users, amount)',
    actions: 'Actions',
    approve: 'Approve',
    approveAt: (when: string) => `Approve ${when}`,
    dismissAt: (when: string) => `Dismiss ${when}`,
    approveQuestion: (name: string, when: string) =>
      `Approve ${name} at ${when}? It is granted at once, over the budget.`,
    dismissQuestion: (name: string, when: string) =>
      `Dismiss ${name} at ${when}? Nothing is granted for it, ever.`,
    approveAll: (n: number) => `Approve all ${n}`,
  },
  closedHolds: {
    title: 'Holds closed without a grant',
    occurrence: 'Occurrence',
    closed: 'Closed',
    why: 'Why',
    meaning: {
      superseded: 'superseded: a newer occurrence fell due (missed runs: skip)',
      dismissed: 'dismissed by an operator',
      released: 'released: the strategy was disabled',
    } satisfies Record<ClosedHoldStatus, string>,
  },
};
