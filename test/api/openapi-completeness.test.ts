// What the OpenAPI document promises beyond the lint: every operation has an operationId, 403
// is documented where a viewer is refused and 429 under /api, the 413 example quotes the
// configured limit, and every parameter and every field of every request and response schema
// has a description (the console at /ui is HTML for people, not part of this document).
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

  it('describes every parameter and every field of every request and response schema', () => {
    expect(undescribed(doc)).toEqual([]);
  });

  it('makes no component nullable itself: null belongs to the properties that may be null', () => {
    // The generator builds a component from the first use it meets; a nullable first use used to
    // make HeldOccurrence and ExplainNode admit null everywhere (StrategyStats.held[] included).
    const nullable = Object.entries<Json>(doc.components.schemas)
      .filter(([, schema]) => [schema.type].flat().includes('null'))
      .map(([name]) => name);
    expect(nullable).toEqual([]);
    const run = doc.components.schemas.RunResult.allOf[1].properties.held;
    expect(run.anyOf).toEqual([{ $ref: '#/components/schemas/HeldOccurrence' }, { type: 'null' }]);
  });

  it('has teeth: a field or parameter without a description is reported, where it is', () => {
    const broken = structuredClone(doc);
    delete broken.components.schemas.Strategy.properties.title.description;
    delete broken.components.schemas.Problem.properties.errors.items.properties.line.description;
    const explain = broken.paths['/api/v1/strategies/{id}/explain/{user_id}'].get;
    for (const parameter of explain.parameters) delete parameter.description;
    delete broken.components.schemas.Preview.properties.held.description;
    expect(undescribed(broken)).toEqual([
      'Problem.errors[].line',
      'Strategy.title',
      'Preview.held',
      'GET /api/v1/strategies/{id}/explain/{user_id} ?id',
      'GET /api/v1/strategies/{id}/explain/{user_id} ?user_id',
      'GET /api/v1/strategies/{id}/explain/{user_id} ?occurrence',
    ]);
  });
});

/**
 * Every parameter and every property reachable from an operation's request body or responses
 * (through $ref, allOf/anyOf/oneOf, items and additionalProperties) without a description. A
 * property that only refers to a component may carry its description beside the $ref in an
 * allOf/anyOf (that is how the generator writes a described reference).
 */
function undescribed(doc: Json): string[] {
  const missing: string[] = [];
  const visited = new Set<string>();
  const described = (schema: Json) =>
    Boolean(schema.description) ||
    [...(schema.allOf ?? []), ...(schema.anyOf ?? [])].some(
      (part: Json) => !part.$ref && part.description,
    );
  const walk = (schema: Json | undefined, where: string): void => {
    if (!schema || typeof schema !== 'object') return;
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop() as string;
      if (visited.has(name)) return;
      visited.add(name);
      walk(doc.components.schemas[name], name);
      return;
    }
    for (const part of [...(schema.allOf ?? []), ...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
      walk(part, where);
    walk(schema.items, `${where}[]`);
    if (typeof schema.additionalProperties === 'object')
      walk(schema.additionalProperties, `${where}{}`);
    for (const [key, property] of Object.entries<Json>(schema.properties ?? {})) {
      if (!described(property)) missing.push(`${where}.${key}`);
      walk(property, `${where}.${key}`);
    }
  };
  const parameters: string[] = [];
  for (const [path, item] of Object.entries<Json>(doc.paths))
    for (const [method, op] of Object.entries<Json>(item)) {
      const route = `${method.toUpperCase()} ${path}`;
      for (const parameter of op.parameters ?? [])
        if (!parameter.description) parameters.push(`${route} ?${parameter.name}`);
      for (const media of Object.values<Json>(op.requestBody?.content ?? {}))
        walk(media.schema, `${route} body`);
      for (const [status, response] of Object.entries<Json>(op.responses))
        for (const media of Object.values<Json>(response.content ?? {}))
          walk(media.schema, `${route} ${status}`);
    }
  return [...missing, ...parameters];
}
