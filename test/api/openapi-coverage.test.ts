// The OpenAPI document against the app itself: every Hono route is documented (and nothing
// documented is missing from the app), every operation says who may call it and what errors
// come back, with an example per error code, and every $ref resolves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_BY_CODE } from '../../src/contract/problem.ts';
import { createHarness, type Harness, type JsonBody } from '../support/app-harness.ts';

type Json = Record<string, JsonBody>;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

/**
 * Routes that serve the documentation itself rather than the API, and GitHub's webhook, whose
 * contract is GitHub's (its payloads and signature; docs/github.md).
 */
const NOT_API = new Set([
  'GET /openapi.json',
  'GET /docs',
  'GET /docs/assets/{file}',
  'POST /api/v1/hooks/github',
]);

/** "METHOD /path/{param}" for every route the app answers (middleware excluded). */
function appRoutes(routes: readonly { method: string; path: string }[]): Set<string> {
  return new Set(
    routes
      .filter((r) => r.method !== 'ALL')
      .map((r) => `${r.method.toUpperCase()} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`),
  );
}

function documentedRoutes(doc: Json): Set<string> {
  const found = new Set<string>();
  for (const [path, item] of Object.entries<Json>(doc.paths)) {
    for (const method of Object.keys(item))
      if (METHODS.includes(method)) found.add(`${method.toUpperCase()} ${path}`);
  }
  return found;
}

/** The web console (`/` redirects to `/ui`, `/favicon.ico` to its icon) is for people, built on
 * the API it documents. */
const isConsole = (route: string) =>
  / \/$/.test(route) || / \/ui(\/|$)/.test(route) || route.endsWith(' /favicon.ico');

function undocumented(routes: readonly { method: string; path: string }[], doc: Json): string[] {
  const documented = documentedRoutes(doc);
  return [...appRoutes(routes)]
    .filter((route) => !NOT_API.has(route) && !isConsole(route) && !documented.has(route))
    .sort();
}

function operations(doc: Json): [string, Json][] {
  return Object.entries<Json>(doc.paths).flatMap(([path, item]) =>
    Object.entries<Json>(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Json] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

describe('the OpenAPI document covers the whole API', () => {
  let h: Harness;
  let doc: Json;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    const response = await h.call('GET', '/openapi.json', undefined, { token: null });
    expect(response.status).toBe(200);
    doc = response.body;
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('is OpenAPI 3.1 and documents every route the app answers', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(undocumented(h.app.routes, doc)).toEqual([]);
    // The check has teeth: a route added without a declaration is reported.
    const extra = [
      ...h.app.routes,
      { method: 'GET', path: '/api/v1/strategies/:id/secret' },
      { method: 'ALL', path: '/api/*' },
    ];
    expect(undocumented(extra, doc)).toEqual(['GET /api/v1/strategies/{id}/secret']);
  });

  it('documents nothing the app does not answer', () => {
    const answered = appRoutes(h.app.routes);
    expect([...documentedRoutes(doc)].filter((route) => !answered.has(route))).toEqual([]);
  });

  it('includes the statistics, metrics and strategy routes', () => {
    const documented = documentedRoutes(doc);
    for (const route of [
      'GET /api/v1/stats',
      'GET /api/v1/strategies/{id}/stats',
      'GET /api/v1/users/{id}/grants',
      'GET /metrics',
      'POST /api/v1/strategies',
      'GET /api/v1/strategies/{id}/executions',
      'GET /api/v1/conditions/functions',
    ])
      expect(documented).toContain(route);
  });

  it('gives every operation a summary, a tag, a success response and its path parameters', () => {
    for (const [route, op] of operations(doc)) {
      expect(op.summary, route).toEqual(expect.any(String));
      expect(op.tags?.length, route).toBeGreaterThan(0);
      expect(
        Object.keys(op.responses).some((status) => /^2\d\d$/.test(status)),
        route,
      ).toBe(true);
      const pathParams = [...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const declared = (op.parameters ?? [])
        .filter((p: Json) => p.in === 'path')
        .map((p: Json) => p.name);
      expect(declared.sort(), route).toEqual(pathParams.sort());
    }
  });

  it('documents the errors middleware produces: 401 when secured, 413/415 with a body, 500 always, 503 under /api', () => {
    const globalSecurity = doc.security;
    expect(globalSecurity).toEqual([{ bearerAuth: [] }]);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const [route, op] of operations(doc)) {
      const statuses = Object.keys(op.responses);
      const secured = (op.security ?? globalSecurity).length > 0;
      if (secured) expect(statuses, route).toContain('401');
      if (op.requestBody)
        expect(statuses, route).toEqual(expect.arrayContaining(['400', '413', '415']));
      expect(statuses, route).toContain('500');
      if (route.includes(' /api/')) expect(statuses, route).toContain('503');
    }
    // The open routes are exactly these.
    const open = operations(doc)
      .filter(([, op]) => (op.security ?? globalSecurity).length === 0)
      .map(([route]) => route)
      .sort();
    expect(open).toEqual(['GET /healthz', 'GET /metrics', 'GET /readyz']);
  });

  it('gives every problem response an example per error code, matching its status', () => {
    let examples = 0;
    for (const [route, op] of operations(doc)) {
      for (const [status, response] of Object.entries<Json>(op.responses)) {
        const media = response.content?.['application/problem+json'];
        if (!media) continue;
        expect(media.schema, `${route} ${status}`).toEqual({
          $ref: '#/components/schemas/Problem',
        });
        const values = Object.values<Json>(media.examples ?? {}).map((e) => e.value);
        expect(values.length, `${route} ${status} has no example`).toBeGreaterThan(0);
        for (const value of values) {
          examples++;
          expect(value, `${route} ${status}`).toMatchObject({
            status: Number(status),
            type: expect.stringContaining(value.code.replaceAll('_', '-')),
            request_id: expect.any(String),
          });
          expect(STATUS_BY_CODE[value.code as keyof typeof STATUS_BY_CODE]).toBe(Number(status));
        }
      }
    }
    expect(examples).toBeGreaterThan(50);
    expect(doc.components.schemas.Problem.properties.code.enum.sort()).toEqual(
      Object.keys(STATUS_BY_CODE).sort(),
    );
    // Only strategy bodies can carry an invalid condition.
    const create =
      doc.paths['/api/v1/strategies'].post.responses['400'].content['application/problem+json']
        .examples;
    expect(Object.keys(create).sort()).toEqual(['invalid_condition', 'validation_failed']);
    const bulk =
      doc.paths['/api/v1/users/bulk'].post.responses['400'].content['application/problem+json']
        .examples;
    expect(Object.keys(bulk)).toEqual(['validation_failed']);
  });

  it("describes each route's 404 and 409 by what that route runs into, with its own examples", () => {
    const problemOf = (route: string) => {
      const [method, path] = route.split(' ');
      return (status: string) => {
        const response = doc.paths[path!][method!.toLowerCase()].responses[status];
        const examples = Object.values<Json>(
          response.content['application/problem+json'].examples,
        ).map((e) => e.value);
        return {
          description: response.description as string,
          codes: examples.map((e) => e.code),
          details: examples.map((e) => e.detail as string),
        };
      };
    };
    for (const route of [
      'POST /api/v1/strategies',
      'PUT /api/v1/strategies/{id}',
      'PATCH /api/v1/strategies/{id}',
    ]) {
      expect(problemOf(route)('409'), route).toMatchObject({
        description: expect.stringMatching(/name/),
        codes: ['conflict'],
      });
    }
    const run = problemOf('POST /api/v1/strategies/{id}/run')('409');
    expect(run.description).toMatch(/lease/);
    expect(run.description).not.toMatch(/name/);
    expect(run.details).toContain('strategy 42 is being scanned by another process; try again');
    expect(run.codes).toEqual(['conflict', 'strategy_disabled', 'occurrence_done']);
    expect(run.description).toMatch(/strategy_disabled.*enable it first/);
    expect(run.description).toMatch(/occurrence_done.*already done/);
    const resolve = problemOf('POST /api/v1/strategies/{id}/executions/{execution_id}/resolve')(
      '409',
    );
    expect(resolve).toMatchObject({
      description: expect.stringMatching(/neither unknown nor failed/),
      codes: ['conflict'],
    });
    expect(resolve.details[0]).toMatch(/only unknown or failed grants can be resolved/);
    // 404 examples name what the route looks up.
    for (const [route, what] of [
      ['GET /api/v1/users/{id}', 'user'],
      ['GET /api/v1/users/{id}/grants', 'user'],
      ['GET /api/v1/strategies/{id}', 'strategy'],
      ['GET /api/v1/strategies/{id}/stats', 'strategy'],
      ['POST /api/v1/strategies/{id}/executions/{execution_id}/resolve', 'execution'],
    ] as const) {
      const notFound = problemOf(route)('404');
      expect(notFound.description, route).toMatch(
        new RegExp(what === 'execution' ? 'ledger row' : what),
      );
      expect(notFound.details, route).toEqual([
        expect.stringMatching(new RegExp(`^${what} \\S+ does not exist$`)),
      ]);
    }
  });

  it('documents the 409 a run really answers when another process holds the lease', async () => {
    const created = await h.call('POST', '/api/v1/strategies', {
      name: 'leased-elsewhere',
      title: 't',
      type: 'single',
      enabled: true,
      amount: 1,
      condition: 'is-vip(1)',
    });
    await h.database.db.strategyLease.create({
      data: {
        strategyId: created.body.id,
        holder: 'other-replica:1:abcd',
        // Leases expire on the database's clock (the host's), not the harness's manual one.
        expiresAt: BigInt(Date.now() + 3_600_000),
        token: 1n,
      },
    });
    const real = await h.call('POST', `/api/v1/strategies/${created.body.id}/run`);
    const documented =
      doc.paths['/api/v1/strategies/{id}/run'].post.responses['409'].content[
        'application/problem+json'
      ].examples.lease_held.value;
    expect(real.status).toBe(409);
    const generic = (body: Json) => ({
      ...body,
      detail: body.detail.replace(/\d+/, 'N'),
      request_id: 'x',
    });
    expect(generic(real.body)).toEqual(generic(documented));
  });

  it('shows request examples for strategies and resolves every $ref', () => {
    const input = doc.components.schemas.StrategyInput;
    expect(input.properties.condition.example).toBe('github-star("zgsm-ai/zgsm")');
    expect(input.properties.periodic_expr.example).toBe('0 8 * * *');
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/([^/]+)\/([^"]+)"/g)];
    expect(refs.length).toBeGreaterThan(20);
    for (const [, section, name] of refs)
      expect(doc.components[section!]?.[name!], `${section}/${name}`).toBeDefined();
  });

  it('matches what the API really answers: a 401 from the docs is the 401 the app sends', async () => {
    const real = await h.call('GET', '/api/v1/stats', undefined, { token: null });
    const documented =
      doc.paths['/api/v1/stats'].get.responses['401'].content['application/problem+json'].examples
        .unauthorized.value;
    expect(real.status).toBe(401);
    expect({ ...real.body, request_id: 'x' }).toEqual({ ...documented, request_id: 'x' });
    const invalid = await h.call('POST', '/api/v1/strategies', {
      name: 'n',
      title: 't',
      type: 'single',
      amount: 0,
      condition: 'is-vip(1)',
    });
    const example =
      doc.paths['/api/v1/strategies'].post.responses['400'].content['application/problem+json']
        .examples.validation_failed.value;
    // Same field and code; the wording belongs to the validator and may change.
    const shape = (errors: Json[]) => errors.map(({ field, code }) => ({ field, code }));
    expect(shape(invalid.body.errors)).toEqual(shape(example.errors));
    expect(invalid.body.errors[0].message).toEqual(expect.any(String));
  });
});
