// The demo's sample strategies are there to show grants: each one must select some of the demo's
// users, or a newcomer reads an empty preview as a broken daemon.
import { describe, expect, it } from 'vitest';
import { DEMO_STRATEGIES, DEMO_USERS } from '../../scripts/demo-data.ts';
import { evaluate, parse, type ConditionUser } from '../../src/condition/index.ts';

const users: ConditionUser[] = DEMO_USERS.map((u) => ({
  id: u.id,
  vip: u.vip,
  org: u.org,
  registerTime: u.register_time === null ? null : new Date(u.register_time),
  accessTime: u.access_time === null ? null : new Date(u.access_time),
  githubStars: u.github_stars,
}));

describe('the demo data', () => {
  it.each(DEMO_STRATEGIES.map((s) => [s.name, s.condition] as const))(
    '%s selects some demo users before any grant (balances 0)',
    async (_name, condition) => {
      const parsed = parse(condition);
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
      const truths = await Promise.all(
        users.map((u) => evaluate(parsed.ast, u, { timeZone: 'UTC', quota: async () => 0 })),
      );
      expect(truths.filter((t) => t === 'TRUE').length).toBeGreaterThan(0);
    },
  );
});
