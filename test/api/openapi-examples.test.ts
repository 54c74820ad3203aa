// Every request example in the OpenAPI document, sent to the real app: each named request-body
// example, with the path and query parameters' examples, must get the operation's documented
// success status, and the answer must validate against the documented response schema (JSON
// Schema 2020-12, the dialect of OpenAPI 3.1). Each request runs against a fresh app whose
// database holds what the examples name (strategy 1, users user001 and user002, ledger row 1),
// arranged through the public API: a fresh world per request, so a DELETE cannot spoil the next.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import Sqlite from 'better-sqlite3';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type HarnessOptions } from '../support/app-harness.ts';
import type { DatabaseKind } from '../../src/config/database-url.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One request the document's examples make. */
interface ExampleRequest {
  operationId: string;
  method: string;
  path: string;
  body?: unknown;
  expected: number;
  /** The documented response schema for `expected` (JSON answers). */
  schema?: Json;
}

/** The routes that serve the document itself, not the API. */
const NOT_API = new Set(['/openapi.json', '/docs', '/docs/assets/{file}']);

/** Every request the examples make: one per named body example (one without a body if none). */
function exampleRequests(doc: Json): { requests: ExampleRequest[]; problems: string[] } {
  const requests: ExampleRequest[] = [];
  const problems: string[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths)) {
    if (NOT_API.has(template)) continue;
    for (const [method, op] of Object.entries<Json>(item)) {
      const where = `${method.toUpperCase()} ${template}`;
      let path = template;
      const query = new URLSearchParams();
      for (const parameter of op.parameters ?? []) {
        const example = parameter.example ?? parameter.schema?.example;
        if (parameter.in === 'path') {
          if (example === undefined) problems.push(`${where}: path parameter ${parameter.name}`);
          path = path.replace(`{${parameter.name}}`, encodeURIComponent(String(example)));
        } else if (example !== undefined) query.set(parameter.name, String(example));
      }
      if (query.size > 0) path += `?${query}`;
      const success = Object.keys(op.responses).filter((status) => /^2\d\d$/.test(status));
      if (success.length !== 1) problems.push(`${where}: success statuses ${success.join(',')}`);
      const expected = Number(success[0]);
      const schema = op.responses[success[0]!]?.content?.['application/json']?.schema;
      const media = op.requestBody?.content?.['application/json'];
      const bodies = Object.values<Json>(media?.examples ?? {}).map((e) => e.value as unknown);
      if (media && bodies.length === 0) problems.push(`${where}: request body without examples`);
      for (const body of bodies.length > 0 ? bodies : [undefined])
        requests.push({ operationId: op.operationId, method, path, body, expected, schema });
    }
  }
  return { requests, problems };
}

/**
 * What the examples presuppose: users user001 and user002 (stargazers of zgsm-ai/zgsm in acme),
 * and strategy 1, a daily periodic grant to stargazers at 08:00 in Asia/Shanghai, created the day
 * before the clock's now (2026-01-15T10:00Z), so its 2026-01-15T00:00Z fire time is due.
 * Some operations need more: approving occurrence `once` needs strategy 1 to be a single strategy
 * held by a budget cap; dismissing or approving every held occurrence needs its 2026-01-15T00:00Z
 * occurrence held; resolving ledger row 1 needs that row's outcome to be unknown (for a lot
 * expiry, a row of strategy 0).
 */
const HOLDS = new Set(['dismissOccurrence', 'approveHeldOccurrences']);

async function arrangeWorld(h: Harness, operationId: string): Promise<void> {
  const must = async (method: string, path: string, body?: unknown) => {
    const answer = await h.call(method, path, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer;
  };
  if (operationId === 'resolveLotExpiry') {
    // Ledger row 1: a lot's expiry (strategy 0) whose outcome is unknown, as a key-ignoring
    // gateway that lost its answer leaves it with reconciliation off.
    await h.database.db.quotaExecute.create({
      data: {
        id: 1,
        strategyId: 0,
        occurrence: '7:once',
        userId: 'user001',
        amount: -70,
        status: 'unknown',
        attempts: 1,
        idempotencyKey: 'qm:0:7:once:user001',
      },
    });
    return;
  }
  const stargazer = { vip: 1, org: 'acme', github_stars: ['zgsm-ai/zgsm'] };
  await must('PUT', '/api/v1/users/user001', stargazer);
  await must('PUT', '/api/v1/users/user002', stargazer);
  if (
    /Webhook/.test(operationId) &&
    operationId !== 'createWebhook' &&
    operationId !== 'listWebhooks'
  ) {
    // Endpoint 1, and for the retry example delivery 42 (test events, one delivery each).
    const endpoint = { url: 'https://hooks.example.com/quota', event_types: ['occurrence.held'] };
    await must('POST', '/api/v1/webhooks', endpoint);
    if (operationId === 'retryWebhookDelivery')
      for (let i = 0; i < 42; i++) await must('POST', '/api/v1/webhooks/1/test');
    return;
  }
  const base = { title: 'Seeded for the examples', amount: 5, enabled: true };
  const condition = 'github-star("zgsm-ai/zgsm")';
  if (operationId === 'approveOccurrence') {
    const created = await must('POST', '/api/v1/strategies', {
      ...base,
      name: 'seeded-single',
      type: 'single',
      condition,
      max_users_per_occurrence: 1,
    });
    const run = await must('POST', `/api/v1/strategies/${created.body.id}/run`);
    if (!run.body.held) throw new Error('the seeded occurrence is not held');
    return;
  }
  h.clock.set('2026-01-14T12:00:00Z');
  await must('POST', '/api/v1/strategies', {
    ...base,
    name: 'seeded-periodic',
    type: 'periodic',
    periodic_expr: '0 8 * * *',
    timezone: 'Asia/Shanghai',
    condition,
    // Dismissing or approving every held occurrence needs one held by a budget cap.
    ...(HOLDS.has(operationId) ? { max_users_per_occurrence: 1 } : {}),
  });
  h.clock.set('2026-01-15T10:00:00Z');
  if (HOLDS.has(operationId)) {
    const run = await must('POST', '/api/v1/strategies/1/run');
    if (!run.body.held) throw new Error('the seeded occurrence is not held');
  }
  if (operationId === 'resolveExecution') {
    // A gateway that applies and loses its answer, and ignores idempotency keys (like Higress):
    // the outcome is unknown.
    h.mock.setFaults({ drop_after_apply_rate: 1, honour_idempotency: false });
    await must('POST', '/api/v1/strategies/1/run');
    h.mock.setFaults({ drop_after_apply_rate: 0 });
    const row = await must('GET', '/api/v1/strategies/1/executions?status=unknown');
    if (row.body.items[0]?.id !== 1) throw new Error('ledger row 1 is not unknown');
  }
}

/** A read-only user source for the sync examples: one SQLite table with one user. */
function userSourceFile(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'qm-source-')), 'people.db');
  const source = new Sqlite(path);
  source.exec("CREATE TABLE people (id TEXT PRIMARY KEY); INSERT INTO people VALUES ('ada')");
  source.close();
  return path;
}

function harnessOptions(operationId: string): HarnessOptions {
  if (operationId === 'resolveExecution') return { honoursIdempotency: false };
  if (operationId === 'syncUsers')
    return { userSource: { url: `file:${userSourceFile()}`, query: 'SELECT id FROM people' } };
  return {};
}

const KINDS: DatabaseKind[] = ['sqlite', 'postgresql'];

describe('the OpenAPI request examples', () => {
  let doc: Json;
  let requests: ExampleRequest[];
  let problems: string[];
  let validate: (schema: Json, value: unknown) => string[];
  beforeAll(async () => {
    const h = await createHarness('sqlite');
    doc = (await h.call('GET', '/openapi.json')).body as Json;
    await h.destroy();
    ({ requests, problems } = exampleRequests(doc));
    // strict: false, because OpenAPI's `example` is no JSON Schema keyword.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    ajvFormats.default(ajv); // a CommonJS module: its plugin is `default` in either loader
    ajv.addSchema({ $id: 'openapi.json', components: doc.components });
    validate = (schema, value) => {
      // The document's local references, resolved against the components added above.
      const check = ajv.compile(
        JSON.parse(
          JSON.stringify(schema).replaceAll('"#/components/', '"openapi.json#/components/'),
        ) as Json,
      );
      return check(value)
        ? []
        : (check.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
    };
  });

  it('give every path parameter and every request body an example', () => {
    expect(problems).toEqual([]);
    // Bodies are documented on ten operations, with more than one example on most.
    expect(requests.filter((r) => r.body !== undefined).length).toBeGreaterThanOrEqual(16);
  });

  it('validate against their own request schemas', () => {
    const invalid: string[] = [];
    for (const [path, item] of Object.entries<Json>(doc.paths))
      for (const [method, op] of Object.entries<Json>(item)) {
        const media = op.requestBody?.content?.['application/json'];
        for (const [name, example] of Object.entries<Json>(media?.examples ?? {}))
          for (const error of validate(media.schema, example.value))
            invalid.push(`${method.toUpperCase()} ${path} ${name}: ${error}`);
      }
    expect(invalid).toEqual([]);
  });

  it('has teeth: a wrong answer or a wrong example is reported', () => {
    const strategy = { $ref: '#/components/schemas/Strategy' };
    expect(validate(strategy, { id: 'one' }).length).toBeGreaterThan(0);
    const preview = doc.paths['/api/v1/strategies/{id}/preview'].post;
    const broken = structuredClone(doc);
    delete broken.paths['/api/v1/strategies/{id}/preview'].post.requestBody.content[
      'application/json'
    ].examples;
    expect(exampleRequests(broken).problems).toEqual([
      'POST /api/v1/strategies/{id}/preview: request body without examples',
    ]);
    expect(preview.requestBody.content['application/json'].examples.next.value).toEqual({
      occurrence: 'next',
    });
  });

  describe.each(KINDS)('on %s', (kind) => {
    it('each gets its documented status and a body of its documented schema', async () => {
      const failures: string[] = [];
      for (const request of requests) {
        const h = await createHarness(kind, harnessOptions(request.operationId));
        try {
          await arrangeWorld(h, request.operationId);
          const answer = await h.call(request.method.toUpperCase(), request.path, request.body, {
            headers: { accept: 'application/json' },
            ...(request.path === '/metrics' ? { token: null } : {}),
          });
          const label = `${request.method.toUpperCase()} ${request.path} ${JSON.stringify(request.body) ?? ''}`;
          if (answer.status !== request.expected)
            failures.push(`${label}: ${answer.status} ${JSON.stringify(answer.body)}`);
          else if (request.schema)
            for (const error of validate(request.schema, answer.body))
              failures.push(`${label}: ${error}`);
        } finally {
          await h.destroy();
        }
      }
      expect(failures).toEqual([]);
      expect(requests.length).toBeGreaterThanOrEqual(39);
    }, 300_000);
  });
});
