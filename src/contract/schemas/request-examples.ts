// The request bodies the OpenAPI document shows, one named example per way of calling. Each is
// typed by the schema it illustrates, and test/api/openapi-examples.test.ts sends every one to the
// app and expects the documented answer, so an example cannot drift from what the API accepts.
import type { z } from '@hono/zod-openapi';
import type { ConditionValidateBodySchema } from './condition.ts';
import type { ConditionExplainBodySchema } from './explain.ts';
import type { ResolveBodySchema } from './ledger.ts';
import type { PreviewBodySchema } from './preview.ts';
import type { RunBodySchema } from './run.ts';
import type {
  StrategyCreateSchema,
  StrategyPatchSchema,
  StrategyReplaceSchema,
} from './strategy.ts';
import type { UserBulkSchema, UserPutSchema } from './user.ts';

/** Named examples of one request body, as OpenAPI's `examples` map writes them. */
export type BodyExamples<T extends z.ZodType> = Record<
  string,
  { summary: string; value: z.input<T> }
>;

export const createStrategyExamples: BodyExamples<typeof StrategyCreateSchema> = {
  periodic: {
    summary: 'A daily grant for stargazers, created disabled (preview it, then enable it)',
    value: {
      name: 'daily-star-reward',
      title: 'Daily reward for stargazers',
      type: 'periodic',
      amount: 5,
      periodic_expr: '0 8 * * *',
      timezone: 'Asia/Shanghai',
      condition: 'github-star("zgsm-ai/zgsm")',
    },
  },
  single_top_up: {
    summary: 'Top VIP users up to 100, once, enabled at once, at most 1000 users',
    value: {
      name: 'vip-top-up',
      title: 'Top VIP users up to 100',
      type: 'single',
      mode: 'top_up',
      amount: 100,
      condition: 'is-vip(2)',
      enabled: true,
      max_users_per_occurrence: 1000,
    },
  },
};

export const replaceStrategyExamples: BodyExamples<typeof StrategyReplaceSchema> = {
  weekdays: {
    summary:
      'The same grant on weekdays only, still running (enabled is required; other fields left out take their defaults)',
    value: {
      name: 'daily-star-reward',
      title: 'Weekday reward for stargazers',
      type: 'periodic',
      amount: 5,
      periodic_expr: '0 8 * * 1-5',
      timezone: 'Asia/Shanghai',
      condition: 'github-star("zgsm-ai/zgsm")',
      enabled: true,
    },
  },
};

export const updateStrategyExamples: BodyExamples<typeof StrategyPatchSchema> = {
  raise_cap: {
    summary: 'Raise the user cap (releases held occurrences)',
    value: { max_users_per_occurrence: 2000 },
  },
  amount_and_condition: {
    summary: 'Grant more, to VIP stargazers only',
    value: { amount: 10, condition: 'github-star("zgsm-ai/zgsm") and is-vip(1)' },
  },
};

export const runStrategyExamples: BodyExamples<typeof RunBodySchema> = {
  due_now: { summary: 'The occurrence due now (the same as no body)', value: {} },
  backfill: {
    summary: 'A past fire time (08:00 in Asia/Shanghai)',
    value: { occurrence: '2026-01-15T00:00:00Z' },
  },
};

export const previewStrategyExamples: BodyExamples<typeof PreviewBodySchema> = {
  next: { summary: 'The next occurrence to come', value: { occurrence: 'next' } },
  fire_time: {
    summary: 'A given fire time, past or future',
    value: { occurrence: '2026-01-16T00:00:00Z' },
  },
};

export const resolveExecutionExamples: BodyExamples<typeof ResolveBodySchema> = {
  applied: {
    summary: 'The gateway shows the grant arrived: record it as applied',
    value: { resolution: 'applied' },
  },
  retry: {
    summary: 'The gateway shows it did not arrive: send it again on the next scan',
    value: { resolution: 'retry' },
  },
};

const ann = {
  name: 'Ann',
  github_username: 'ann-dev',
  email: 'ann@example.org',
  vip: 1,
  org: 'acme',
  github_stars: ['zgsm-ai/zgsm'],
  register_time: '2025-06-01T00:00:00Z',
  access_time: '2026-01-14T09:30:00Z',
};

export const upsertUserExamples: BodyExamples<typeof UserPutSchema> = {
  full: { summary: 'Every field', value: ann },
  vip_only: { summary: 'Change one field; the others keep their values', value: { vip: 2 } },
};

export const upsertUsersExamples: BodyExamples<typeof UserBulkSchema> = {
  two_users: {
    summary: 'Two users in one request (all or nothing)',
    value: [
      { id: 'user001', ...ann },
      { id: 'user002', name: 'Bo', vip: 0, org: 'acme', github_stars: [] },
    ],
  },
};

export const validateConditionExamples: BodyExamples<typeof ConditionValidateBodySchema> = {
  valid: { summary: 'A valid condition', value: { condition: 'is-vip(2) and belong-to("acme")' } },
  typo: {
    summary: 'A typo: answered 200 with valid false, the line, column and a suggestion',
    value: { condition: 'is-vp(2)' },
  },
};

export const explainConditionExamples: BodyExamples<typeof ConditionExplainBodySchema> = {
  vip_in_org: {
    summary: 'Why is (or is not) user001 a VIP of acme?',
    value: { condition: 'is-vip(2) and belong-to("acme")', user_id: 'user001' },
  },
};
