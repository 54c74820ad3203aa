// The OpenAPI document the app serves, checked by a standard linter: Redocly's `recommended`
// ruleset (the one `redocly lint` applies by default). Generators, SDK builders and API portals
// read the document with the same expectations, so every error and every warning counts.
import { createConfig, lintFromString, type NormalizedProblem } from '@redocly/openapi-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness, type JsonBody } from '../support/app-harness.ts';

type Json = Record<string, JsonBody>;

/** One line per problem: severity, rule, where, what. */
const describeProblem = (p: NormalizedProblem) =>
  `${p.severity} ${p.ruleId} at ${p.location.map((l) => l.pointer ?? '').join(', ')}: ${p.message}`;

async function lintDocument(doc: Json): Promise<string[]> {
  const config = await createConfig({ extends: ['recommended'] });
  const problems = await lintFromString({
    source: JSON.stringify(doc),
    absoluteRef: 'openapi.json',
    config,
  });
  return problems.filter((p) => !p.ignored).map(describeProblem);
}

describe("the OpenAPI document passes Redocly's recommended rules", () => {
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

  it('with no error and no warning', async () => {
    expect(await lintDocument(doc)).toEqual([]);
  });

  it('has teeth: a document with the defects the linter exists for is reported', async () => {
    const broken = structuredClone(doc);
    broken.servers = [{}];
    delete broken.info.license;
    const [path, item] = Object.entries<Json>(broken.paths)[0]!;
    const [method, operation] = Object.entries<Json>(item)[0]!;
    delete operation.operationId;
    operation.responses = { 200: operation.responses['200'] ?? { description: 'ok' } };
    const problems = await lintDocument(broken);
    const rules = new Set(problems.map((line) => line.split(' ')[1]));
    for (const rule of [
      'struct',
      'info-license',
      'operation-operationId',
      'operation-4xx-response',
    ])
      expect(rules, `${rule} (${method} ${path})`).toContain(rule);
  });

  it('names one server, relative to the document, so a proxy prefix is kept', () => {
    expect(doc.servers).toHaveLength(1);
    const base = (documentUrl: string) => new URL(doc.servers[0].url, documentUrl).href;
    expect(base('https://ops.example/quota/openapi.json')).toBe('https://ops.example/quota/');
    expect(base('http://127.0.0.1:8099/openapi.json')).toBe('http://127.0.0.1:8099/');
  });

  it('declares on the probes the 4xx they really answer: another method on their path', async () => {
    for (const path of ['/healthz', '/readyz']) {
      const documented =
        doc.paths[path].get.responses['404'].content['application/problem+json'].examples.not_found
          .value;
      const real = await h.call('POST', path, undefined, { token: null });
      expect(real.status, path).toBe(404);
      expect({ ...real.body, request_id: 'x' }).toEqual({ ...documented, request_id: 'x' });
      const head = await h.app.request(path, { method: 'HEAD' });
      expect(head.status, `HEAD ${path}`).not.toBe(404);
    }
  });

  it('names every operation with a unique camelCase verbNoun operationId', () => {
    const ids = Object.values<Json>(doc.paths).flatMap((item) =>
      Object.values<Json>(item).map((op) => op.operationId as string),
    );
    expect(ids.length).toBeGreaterThan(20);
    for (const id of ids) expect(id).toMatch(/^[a-z]+(?:[A-Z][a-z0-9]*)+$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
