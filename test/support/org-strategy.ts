// A single strategy for the users of one org, created over the API: what the strategy-edit
// tests (PUT, versions) start from.
import { StrategySchema } from '../../src/contract/schemas/strategy.ts';
import type { StrategyAnswer } from '../../src/contract/strategy-wire.ts';
import type { Harness } from './app-harness.ts';
import { unique } from './unique-name.ts';

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
): Promise<StrategyAnswer> {
  const { body } = await h.callAs(
    StrategySchema,
    201,
    'POST',
    '/api/v1/strategies',
    orgStrategyBody(org, fields),
  );
  return body;
}
