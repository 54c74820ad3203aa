// Named tokens and roles, table-driven over every operation of the OpenAPI document: the
// viewer gets 403 `forbidden` exactly where the document says (reads, previews, explanations
// and validation pass), admins (ADMIN_TOKEN and a named admin) are never refused. On both
// databases, since the allowed requests reach the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { viewerMayCall } from '../../src/api/access-tokens.ts';
import {
  createHarness,
  OPS_TOKEN,
  VIEWER_TOKEN,
  type Harness,
  type JsonBody,
} from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createServer } from '../../src/http/server.ts';

type Operation = { method: string; path: string; id: string; forbidden: boolean };

/** Every /api operation of the document, with its path parameters filled in. */
async function apiOperations(h: Harness): Promise<Operation[]> {
  const doc = (await h.call('GET', '/openapi.json')).body;
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Record<string, JsonBody>>(doc.paths)) {
    if (!template.startsWith('/api/')) continue;
    for (const [method, operation] of Object.entries<JsonBody>(item)) {
      const path = template
        .replace('{id}', template.startsWith('/api/v1/users') ? 'nobody-here' : '999999')
        .replace('{execution_id}', '999999')
        .replace(/\{[^}]+\}/g, 'x');
      operations.push({
        method: method.toUpperCase(),
        path,
        id: operation.operationId,
        forbidden: '403' in operation.responses,
      });
    }
  }
  return operations;
}

describe.each(DATABASE_KINDS)('tokens and roles on %s', (kind) => {
  let h: Harness;
  let operations: Operation[];
  beforeAll(async () => {
    h = await createHarness(kind);
    operations = await apiOperations(h);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('documents 403 on exactly the operations a viewer may not call', () => {
    expect(operations.length).toBeGreaterThan(15);
    for (const op of operations) {
      expect({ op: op.id, forbidden: op.forbidden }).toEqual({
        op: op.id,
        forbidden: !viewerMayCall(op.method, op.path),
      });
    }
    const allowed = operations.filter((op) => !op.forbidden).map((op) => op.id);
    expect(allowed).toEqual(expect.arrayContaining(['listStrategies', 'previewStrategy']));
    expect(allowed).toEqual(expect.arrayContaining(['validateCondition', 'listAuditEvents']));
    expect(allowed).not.toContain('createStrategy');
  });

  it('refuses a viewer with 403 forbidden on every changing operation, and lets it read', async () => {
    for (const op of operations) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const answer = await h.call(op.method, op.path, body, { token: VIEWER_TOKEN });
      if (op.forbidden) {
        expect({ op: op.id, status: answer.status, code: answer.body?.code }).toEqual({
          op: op.id,
          status: 403,
          code: 'forbidden',
        });
      } else {
        expect({ op: op.id, status: answer.status }).not.toMatchObject({ status: 403 });
        expect(answer.status, op.id).not.toBe(401);
      }
    }
  });

  it.each([
    ['ADMIN_TOKEN', undefined],
    ['a named admin token', OPS_TOKEN],
  ])('never refuses %s', async (_label, token) => {
    for (const op of operations) {
      const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : {};
      const answer = await h.call(op.method, op.path, body, { token });
      expect({ op: op.id, status: [401, 403].includes(answer.status) }).toEqual({
        op: op.id,
        status: false,
      });
    }
  });

  it('a forbidden request changes nothing', async () => {
    const before = await h.database.db.quotaStrategy.count();
    const answer = await h.call(
      'POST',
      '/api/v1/strategies',
      { name: 'viewer-made', title: 't', type: 'single', amount: 1, condition: 'true()' },
      { token: VIEWER_TOKEN },
    );
    expect(answer.status).toBe(403);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(await h.database.db.quotaStrategy.count()).toBe(before);
    expect(await h.database.db.auditEvent.count({ where: { actor: 'viewer-bot' } })).toBe(0);
  });

  it('never logs a token', async () => {
    await h.call('GET', '/api/v1/strategies', undefined, { token: VIEWER_TOKEN });
    await h.call('GET', '/api/v1/strategies', undefined, { token: 'a-wrong-token-123456' });
    const logged = JSON.stringify(h.logger.lines);
    expect(logged).not.toContain(VIEWER_TOKEN);
    expect(logged).not.toContain('a-wrong-token-123456');
  });

  it('works with named tokens only (no ADMIN_TOKEN)', async () => {
    const { adminTokenEntry } = await import('../../src/api/access-tokens.ts');
    const app = createServer({
      app: h.runtime.app,
      bodyLimitBytes: 1024,
      clock: h.clock,
      logger: h.logger,
      checks: { database: async () => {}, gateway: async () => {} },
      namedTokens: [{ ...adminTokenEntry('only-named-token-000'), name: 'robot', role: 'viewer' }],
      consoleSessions: h.runtime.serverDeps.consoleSessions,
    });
    const get = (token: string) =>
      app.request('/api/v1/strategies', { headers: { authorization: `Bearer ${token}` } });
    expect((await get('only-named-token-000')).status).toBe(200);
    expect((await get('test-admin-token-0123456789')).status).toBe(401);
  });
});
