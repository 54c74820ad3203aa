// English: the strategy list, a strategy's page, its preview and its ledger.
// Part of the catalogue en.ts assembles.
import type { Child } from 'hono/jsx';
import type { LedgerStatus, StrategyJson } from '../../api-types.ts';

export const strategies = {
  strategies: {
    title: 'Strategies',
    readFailed: (status: number) => `The strategies could not be read (HTTP ${status}).`,
    newStrategy: 'New strategy',
    name: 'Name',
    type: 'Type',
    mode: 'Mode',
    enabled: 'Enabled',
    schedule: 'Schedule',
    nextFireTime: 'Next fire time',
    grantedAllTime: 'Granted (all time)',
    none: 'No strategies yet.',
    types: { single: 'single', periodic: 'periodic' } satisfies Record<
      StrategyJson['type'],
      string
    >,
    modes: { add: 'add', top_up: 'top_up', reset: 'reset' } satisfies Record<
      StrategyJson['mode'],
      string
    >,
  },
  strategy: {
    fallbackTitle: 'Strategy',
    title: (name: string) => `Strategy ${name}`,
    fieldsTitle: 'Fields',
    nextFireTimes: 'Next fire times',
    noneNext: 'None.',
    noneNextSingle: 'None (a single strategy has one occurrence).',
    createdUpdated: (created: Child, updated: Child): Child[] => [
      'Created ',
      created,
      ', updated ',
      updated,
      '.',
    ],
    csvTitle: 'CSV export',
    csvUnavailable: 'The CSV export of grants',
    csvFailed: (status: number) => `The export failed (HTTP ${status}).`,
    id: 'id',
    version: 'version',
    condition: 'condition',
    unlimited: 'unlimited',
    /** A field's name in the list of a strategy's fields (English lists them in lower case). */
    fieldListLabel: (label: string) => label.toLowerCase(),
    catchUpOf: (max: number) => `catch_up (up to ${max})`,
    /** An enum field's value in the field list (English shows the wire value itself). */
    enumValues: {
      type: { single: 'single', periodic: 'periodic' },
      mode: { add: 'add', top_up: 'top_up', reset: 'reset' },
      missed_runs: { skip: 'skip', catch_up: 'catch_up' },
    } as Record<string, Record<string, string>>,
    heldList: 'Held by the budget (nothing is granted until the cap is raised or it is approved):',
    heldLine: (
      when: Child,
      users: number,
      amount: string,
      userCap: string,
      amountCap: string,
    ): Child[] => [
      when,
      `: ${users} users, ${amount} in all (caps: ${userCap} users, ${amountCap} amount)`,
    ],
  },
  preview: {
    title: 'Preview',
    occurrenceLabel: 'Occurrence (ISO time, or next)',
    submit: 'Preview',
    dueOnly: 'This server cannot preview future occurrences; shown: the occurrence due now.',
    summary: (occurrence: Child, done: boolean, users: Child, total: Child): Child[] => [
      'Occurrence ',
      occurrence,
      done ? ' (already done)' : '',
      ': would grant ',
      users,
      ' users, ',
      total,
      ' in total.',
    ],
    counts: {
      matched: 'matched',
      already_granted: 'already granted',
      capped: 'capped',
      held_by_budget: 'held by budget',
      would_grant: 'would grant',
    },
    sample: 'Sample: ',
  },
  ledger: {
    title: 'Ledger',
    status: 'Status',
    userId: 'User id',
    exportCsv: 'Export CSV',
    rows: (n: number) => `${n} rows`,
    number: '#',
    strategy: 'Strategy',
    user: 'User',
    occurrence: 'Occurrence',
    mode: 'Mode',
    attempts: 'Attempts',
    created: 'Created',
    balanceBefore: 'Balance before',
    sent: 'Sent',
    target: 'Target',
    statuses: {
      pending: 'pending',
      sending: 'sending',
      applied: 'applied',
      failed: 'failed',
      unknown: 'unknown',
    } satisfies Record<LedgerStatus, string>,
  },
};
