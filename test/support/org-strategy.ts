// A single strategy for the users of one org, created over the API: what the strategy-edit
// tests (PUT, versions) start from.
import { expect } from 'vitest';
import type { Harness } from './app-harness.ts';
import { unique } from './unique-name.ts';

export interface StrategyJson {
  id: number;
  name: string;
  version: number;
  amount: number;
  condition: string;
  enabled: boolean;
}

/** An enabled single strategy granting 2 to the users of `org`; `fields` override. */
export const orgStrategyBody = (org: string, fields: Record<string, unknown> = {}) => ({
  name: unique('edit'),
  title: 'Org reward',
  type: 'single',
  enabled: true,
  amount: 2,
  condition: `belong-to("${org}")`,
  ...fields,
});

export async function createOrgStrategy(
  h: Harness,
  org: string,
  fields: Record<string, unknown> = {},
): Promise<StrategyJson> {
  const response = await h.call('POST', '/api/v1/strategies', orgStrategyBody(org, fields));
  expect(response.status).toBe(201);
  return response.body as StrategyJson;
}
