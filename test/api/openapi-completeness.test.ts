// What the OpenAPI document promises beyond the lint: every operation has an operationId, 403
// is documented where a viewer is refused and 429 under /api, the 413 example quotes the
// configured limit, and the operator-trust schemas (ledger rows, grants, audit, user search)
// describe every field. (Descriptions on every older schema's fields are still to do.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the OpenAPI document', () => {
  let h: Harness;
  let doc: Json;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    doc = (await h.call('GET', '/openapi.json')).body as Json;
  });
  afterAll(async () => {
    await h.destroy();
  });

  const operations = () =>
    Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
      Object.entries<Json>(item).map(([method, op]) => ({ path, method, op })),
    );

  it('gives every operation a unique operationId', () => {
    const ids = operations().map(({ op }) => op.operationId as string | undefined);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('documents 429 on every /api operation and 403 on the changing ones', () => {
    for (const { path, method, op } of operations().filter(({ path }) =>
      path.startsWith('/api/'),
    )) {
      expect(op.responses, `${method} ${path}`).toHaveProperty('429');
      if (method !== 'get' && !/preview|explain|validate/.test(path))
        expect(op.responses, `${method} ${path}`).toHaveProperty('403');
    }
  });

  it('quotes the configured body limit in the 413 example', () => {
    const create = doc.paths['/api/v1/strategies/'] ?? doc.paths['/api/v1/strategies'];
    const example =
      create.post.responses['413'].content['application/problem+json'].examples.payload_too_large
        .value;
    expect(example.detail).toBe(`request bodies are limited to ${256 * 1024} bytes`);
  });

  it('describes every field of the ledger, grants, audit and user-search schemas', () => {
    const missing: string[] = [];
    const check = (schema: Json | undefined, where: string) => {
      if (!schema) return;
      if (schema.$ref) {
        check(doc.components.schemas[schema.$ref.split('/').pop()], where);
        return;
      }
      for (const [key, value] of Object.entries<Json>(schema.properties ?? {}))
        if (!value.description && !value.$ref && key !== 'items') missing.push(`${where}.${key}`);
      if (schema.properties?.items) check(schema.properties.items.items, `${where}.items[]`);
    };
    check(doc.components.schemas.Execution, 'Execution');
    check(doc.components.schemas.AuditEvent, 'AuditEvent');
    for (const path of ['/api/v1/grants', '/api/v1/audit', '/api/v1/users']) {
      const get = (doc.paths[path] ?? doc.paths[`${path}/`]).get;
      for (const parameter of get.parameters)
        if (!parameter.description && !parameter.schema?.description)
          missing.push(`${path} ?${parameter.name}`);
      check(get.responses['200'].content['application/json'].schema, path);
    }
    expect(missing).toEqual([]);
  });
});
