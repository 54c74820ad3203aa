// A newcomer runs `npm run demo`, opens /docs and tries the create-strategy example: it must be
// created on the demo's database, not answer 409 because a demo strategy has its name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoData } from '../../src/cli/seed-demo.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

describe('the /docs create-strategy examples on a seeded demo database', () => {
  let h: Harness;
  let examples: [string, unknown][];
  beforeAll(async () => {
    h = await createHarness('sqlite');
    await seedDemoData(h.runtime.app);
    const doc = await h.call('GET', '/openapi.json');
    const create = doc.body.paths['/api/v1/strategies'].post;
    expect(create.operationId).toBe('createStrategy');
    examples = Object.entries<{ value: unknown }>(
      create.requestBody.content['application/json'].examples,
    ).map(([name, example]) => [name, example.value]);
    expect(examples.length).toBeGreaterThan(0);
  });
  afterAll(async () => h?.destroy());

  it('each is created (201), none collides with a demo strategy', async () => {
    const statuses = [];
    for (const [name, body] of examples) {
      const created = await h.call('POST', '/api/v1/strategies', body);
      statuses.push([name, created.status, created.body.code ?? null]);
    }
    expect(statuses).toEqual(examples.map(([name]) => [name, 201, null]));
  });
});
