// Demo users and the nine sample strategies modelled on the original system's examples.
// Used by the demo (scripts/demo.ts) and by `seed-demo`; written through the public API.

const orgs = ['acme', 'org001', 'globex', null];
const stars = [['zgsm-ai/zgsm'], ['zgsm-ai/zgsm', 'vscode'], ['vscode'], []];

export const DEMO_USERS = Array.from({ length: 20 }, (_, i) => ({
  id: `demo-user-${String(i + 1).padStart(2, '0')}`,
  name: `Demo User ${i + 1}`,
  github_username: `demo${i + 1}`,
  email: `demo${i + 1}@example.com`,
  phone: null,
  vip: i % 4,
  // Shifted by one every four users, so organisation and VIP level vary independently (with
  // `i % 4` for both, every acme member was VIP 0 and org-weekly-reward matched nobody).
  org: orgs[(i + Math.floor(i / 4)) % orgs.length]!,
  github_stars: stars[i % stars.length]!,
  register_time: new Date(Date.UTC(i % 3 === 0 ? 2025 : 2024, i % 12, 1 + i)).toISOString(),
  access_time: i % 5 === 0 ? null : new Date(Date.UTC(2025, 6, 1 + i)).toISOString(),
}));

// The demo's strategies are created enabled ON PURPOSE (`enabled: true`): the demo shows grants
// flowing. A strategy created through the API without `enabled` starts disabled, so an operator
// previews it before it grants anything.
// Their names differ from the examples in the API reference (/docs), so a newcomer who tries an
// example on the demo's database gets 201, not 409 (test/api/docs-examples-on-demo.test.ts).
export const DEMO_STRATEGIES = [
  {
    name: 'stargazer-daily-reward',
    title: 'Daily reward for stargazers of zgsm-ai/zgsm',
    type: 'periodic',
    enabled: true,
    // add (the default): the balance grows by amount at every occurrence.
    mode: 'add',
    amount: 5,
    periodic_expr: '0 8 * * *',
    condition: 'github-star("zgsm-ai/zgsm")',
  },
  {
    name: 'star-bonus-once',
    title: 'One-time bonus for starring zgsm-ai/zgsm',
    type: 'single',
    enabled: true,
    amount: 20,
    condition: 'github-star("zgsm-ai/zgsm")',
  },
  {
    name: 'vip-reward',
    title: 'One-time reward for VIP level 2 and above',
    type: 'single',
    enabled: true,
    amount: 10,
    condition: 'is-vip(2)',
  },
  {
    name: 'new-user-welcome',
    title: 'Welcome quota for users registered since 2025',
    type: 'single',
    enabled: true,
    amount: 15,
    condition: 'register-after("2025-01-01")',
  },
  {
    name: 'org-weekly-reward',
    title: 'Weekly top-up for VIP members of acme',
    type: 'periodic',
    enabled: true,
    amount: 8,
    periodic_expr: '0 9 * * 1',
    condition: 'and(belong-to("acme"), is-vip(2))',
  },
  {
    name: 'active-vip-reward',
    title: 'Reward for VIPs active since July 2025',
    type: 'single',
    enabled: true,
    amount: 12.5,
    condition: 'is-vip(1) and access-after("2025-07-10")',
  },
  {
    name: 'low-quota-top-up',
    title: 'Every 10 minutes, top up users whose quota is 5 or less',
    type: 'periodic',
    enabled: true,
    amount: 3,
    periodic_expr: '*/10 * * * *',
    max_exec_per_user: 10,
    condition: 'quota-le("default", 5) and access-after("2025-07-01")',
  },
  {
    name: 'daily-vip-refill',
    title: 'Every day at 07:00, bring every VIP back to 100',
    type: 'periodic',
    enabled: true,
    // top_up: amount is a target balance; a VIP at 100 or more gets nothing.
    mode: 'top_up',
    amount: 100,
    periodic_expr: '0 7 * * *',
    condition: 'is-vip(1)',
  },
  {
    name: 'monthly-acme-reset',
    title: 'On the 1st of each month, reset every acme member to 50',
    type: 'periodic',
    enabled: true,
    // reset: the balance is set to amount, up or down.
    mode: 'reset',
    amount: 50,
    periodic_expr: '0 0 1 * *',
    condition: 'belong-to("acme")',
  },
] as const;

/** Writes the demo users and strategies through the API; strategies that exist are kept. */
export async function seedDemo(
  baseUrl: string,
  adminToken: string,
): Promise<{ users: number; strategiesCreated: number }> {
  const headers = { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' };
  const users = await fetch(`${baseUrl}/api/v1/users/bulk`, {
    method: 'POST',
    headers,
    body: JSON.stringify(DEMO_USERS),
  });
  if (!users.ok) throw new Error(`seeding users failed: ${users.status} ${await users.text()}`);
  let strategiesCreated = 0;
  for (const strategy of DEMO_STRATEGIES) {
    const response = await fetch(`${baseUrl}/api/v1/strategies`, {
      method: 'POST',
      headers,
      body: JSON.stringify(strategy),
    });
    if (response.status === 201) strategiesCreated++;
    else if (response.status !== 409)
      throw new Error(
        `seeding strategy ${strategy.name} failed: ${response.status} ${await response.text()}`,
      );
  }
  return { users: DEMO_USERS.length, strategiesCreated };
}
