// PUT replaces the whole strategy, and a create defaults `enabled` to false: an operator who
// PUT an edited body without `enabled` used to stop a running strategy without a word. A PUT
// must now say it; without it the answer is 400 (field `enabled`) and nothing is written.
// POST keeps its default. Over the API on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createOrgStrategy, orgStrategyBody } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';

describe.each(DATABASE_KINDS)('PUT requires enabled on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const body = orgStrategyBody;
  const create = (org: string, fields: Record<string, unknown> = {}) =>
    createOrgStrategy(h, org, fields);

  const omitEnabled = (fields: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(fields).filter(([key]) => key !== 'enabled'));
  const auditRows = (id: number) =>
    h.database.db.auditEvent.count({ where: { targetType: 'strategy', targetId: String(id) } });

  it('a PUT without enabled answers 400 (field enabled) and changes nothing', async () => {
    const strategy = await create(unique('org'));
    const audits = await auditRows(strategy.id);
    const withoutEnabled = omitEnabled(
      body(unique('org'), { name: strategy.name, title: 'Edited without enabled' }),
    );
    const answer = await h.call('PUT', `/api/v1/strategies/${strategy.id}`, withoutEnabled);
    expect(answer.status).toBe(400);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({
      status: 400,
      code: 'validation_failed',
      errors: [{ field: 'enabled', code: 'invalid_type' }],
    });
    expect(answer.body.errors).toHaveLength(1);
    expect(answer.body.errors[0].message).toMatch(/required/);
    // Nothing written: same row, same version, no audit row; still enabled.
    const after = (await h.call('GET', `/api/v1/strategies/${strategy.id}`)).body;
    expect(after).toEqual(strategy);
    expect(after.enabled).toBe(true);
    expect(await auditRows(strategy.id)).toBe(audits);
  });

  it('a PUT with enabled replaces the strategy; enabled: true keeps it running', async () => {
    const org = unique('org');
    const strategy = await create(org);
    const replaced = await h.call(
      'PUT',
      `/api/v1/strategies/${strategy.id}`,
      body(org, { name: strategy.name, title: 'Replaced', amount: 3, enabled: true }),
    );
    expect(replaced).toMatchObject({
      status: 200,
      body: { title: 'Replaced', amount: 3, enabled: true, version: strategy.version + 1 },
    });
    const disabled = await h.call(
      'PUT',
      `/api/v1/strategies/${strategy.id}`,
      body(org, { name: strategy.name, title: 'Replaced', amount: 3, enabled: false }),
    );
    expect(disabled).toMatchObject({ status: 200, body: { enabled: false } });
  });

  it('POST still defaults enabled to false', async () => {
    const withoutEnabled = omitEnabled(body(unique('org')));
    const created = await h.call('POST', '/api/v1/strategies', withoutEnabled);
    expect(created).toMatchObject({ status: 201, body: { enabled: false, version: 1 } });
  });

  it('the OpenAPI document shows enabled as required for PUT only', async () => {
    const doc = (await h.call('GET', '/openapi.json', undefined, { token: null })).body;
    const schemaOf = (method: 'put' | 'post', path: string) => {
      const ref = doc.paths[path][method].requestBody.content['application/json'].schema.$ref;
      return doc.components.schemas[ref.replace('#/components/schemas/', '')];
    };
    const put = schemaOf('put', '/api/v1/strategies/{id}');
    const post = schemaOf('post', '/api/v1/strategies');
    // One whole object: an allOf with a closed second part would refuse every real body.
    expect(put).toMatchObject({ type: 'object', additionalProperties: false });
    expect(put.required).toContain('enabled');
    expect(post.required).not.toContain('enabled');
    expect(Object.keys(put.properties).sort()).toEqual(Object.keys(post.properties).sort());
  });
});
