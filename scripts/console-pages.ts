// Every page of the web console, once: the accessibility and HTML checks
// (test/e2e/console-checked-by-tools.test.ts) visit each, and scripts/console-screenshots.ts
// photographs each. A new page is one line here. Paths are read against the demo data
// (scripts/demo-data.ts), whose strategies cover every grant mode.
import { DEMO_USERS } from './demo-data.ts';

/** What a page path needs to know about the data it is shown on. */
export interface DemoIds {
  /** A demo strategy's id by its name. */
  strategy: (name: string) => number;
}

export interface ConsolePage {
  /** A file-name-safe name (screenshots are `docs/console/<name>.png`). */
  name: string;
  /** The path under the daemon's root. */
  path: (ids: DemoIds) => string;
  /** Shown before signing in (its checks run with no session). */
  signedOut?: boolean;
}

/** The ids of the demo's strategies, from the API's list of strategies. */
export function demoIds(strategies: { id: number; name: string }[]): DemoIds {
  const byName = new Map(strategies.map((s) => [s.name, s.id]));
  return {
    strategy: (name) => {
      const id = byName.get(name);
      if (id === undefined) throw new Error(`no demo strategy named ${name}`);
      return id;
    },
  };
}

const USER = DEMO_USERS[1]!.id;

export const CONSOLE_PAGES: ConsolePage[] = [
  { name: 'sign-in', path: () => '/ui/sign-in', signedOut: true },
  { name: 'overview', path: () => '/ui' },
  { name: 'strategies', path: () => '/ui/strategies' },
  {
    name: 'strategy-add',
    path: (ids) => `/ui/strategies/${ids.strategy('stargazer-daily-reward')}`,
  },
  { name: 'strategy-top-up', path: (ids) => `/ui/strategies/${ids.strategy('daily-vip-refill')}` },
  { name: 'strategy-reset', path: (ids) => `/ui/strategies/${ids.strategy('monthly-acme-reset')}` },
  { name: 'strategy-single', path: (ids) => `/ui/strategies/${ids.strategy('star-bonus-once')}` },
  { name: 'strategy-new', path: () => '/ui/strategies/new' },
  {
    name: 'strategy-edit',
    path: (ids) => `/ui/strategies/${ids.strategy('daily-vip-refill')}/edit`,
  },
  { name: 'users', path: () => '/ui/users' },
  { name: 'user', path: () => `/ui/users/${USER}` },
  { name: 'unknown-grants', path: () => '/ui/unknown-grants' },
  {
    name: 'why-not',
    path: (ids) => `/ui/why-not?strategy_id=${ids.strategy('org-weekly-reward')}&user_id=${USER}`,
  },
  { name: 'audit', path: () => '/ui/audit' },
  { name: 'sources', path: () => '/ui/sources' },
  { name: 'webhooks', path: () => '/ui/webhooks' },
];
