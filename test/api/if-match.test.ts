// Optimistic concurrency on strategies: ETag on every answer that carries a strategy, If-Match
// on PUT and PATCH (RFC 9110). Two editors holding the same tag cannot both win, even when their
// requests race: the check is part of the write. Over the API on every database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StrategySchema } from '../../src/contract/schemas/strategy.ts';
import { bodyAs, createHarness, type Harness } from '../support/app-harness.ts';
import type { Answer } from '../support/typed-body.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

/** A strategy answer, typed and checked by the contract's schema. */
const strategyOf = (answer: Answer) => bodyAs(StrategySchema, answer);

describe.each(DATABASE_KINDS)('If-Match and ETag on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const definition = () => ({
    name: unique('tagged'),
    title: 'Tagged',
    type: 'single',
    enabled: true,
    amount: 2,
    condition: 'github-star("zgsm-ai/zgsm")',
  });

  async function create() {
    const answer = await h.callAs(StrategySchema, 201, 'POST', '/api/v1/strategies', definition());
    return { strategy: answer.body, etag: answer.headers.get('etag') };
  }

  const get = (id: number) => h.call('GET', `/api/v1/strategies/${id}`);
  const patch = (id: number, body: unknown, ifMatch?: string) =>
    h.call('PATCH', `/api/v1/strategies/${id}`, body, {
      headers: ifMatch === undefined ? {} : { 'if-match': ifMatch },
    });
  const auditRows = (id: number) =>
    h.database.db.auditEvent.count({
      where: { targetType: 'strategy', targetId: String(id), action: 'strategy.update' },
    });

  it('GET, POST, enable and disable answer a strong ETag', async () => {
    const { strategy, etag } = await create();
    expect(etag).toMatch(/^"[^"]+"$/);
    const read = await get(strategy.id);
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe(etag);
    // HEAD answers the same header (docs/api.md reads the tag with curl -I).
    expect((await h.call('HEAD', `/api/v1/strategies/${strategy.id}`)).headers.get('etag')).toBe(
      etag,
    );
    const disabled = await h.call('POST', `/api/v1/strategies/${strategy.id}/disable`);
    expect(disabled.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect((await get(strategy.id)).headers.get('etag')).toBe(disabled.headers.get('etag'));
  });

  it('PATCH with the current tag succeeds and answers the new tag, even for a title', async () => {
    const { strategy, etag } = await create();
    const answer = await patch(strategy.id, { title: 'Renamed' }, etag!);
    expect(answer.status).toBe(200);
    expect(strategyOf(answer).title).toBe('Renamed');
    // A title keeps the version, but the tag still moves: the old one is now stale.
    expect(strategyOf(answer).version).toBe(strategy.version);
    const newTag = answer.headers.get('etag');
    expect(newTag).toMatch(/^"[^"]+"$/);
    expect(newTag).not.toBe(etag);
    expect((await get(strategy.id)).headers.get('etag')).toBe(newTag);
    expect((await patch(strategy.id, { amount: 3 }, newTag!)).status).toBe(200);
  });

  it('PATCH with the current tag and nothing new still succeeds and moves the tag', async () => {
    const { strategy, etag } = await create();
    const answer = await patch(strategy.id, { title: strategy.title }, etag!);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('etag')).not.toBe(etag);
  });

  it('PATCH with a stale tag is 412 precondition_failed: nothing written, no audit row', async () => {
    const { strategy, etag } = await create();
    expect((await patch(strategy.id, { title: 'First' })).status).toBe(200);
    const before = await h.database.db.quotaStrategy.findUniqueOrThrow({
      where: { id: strategy.id },
    });
    const audits = await auditRows(strategy.id);
    const answer = await patch(strategy.id, { title: 'Second', amount: 9 }, etag!);
    expect(answer.status).toBe(412);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ status: 412, code: 'precondition_failed' });
    const after = await h.database.db.quotaStrategy.findUniqueOrThrow({
      where: { id: strategy.id },
    });
    expect(after).toEqual(before);
    expect(await auditRows(strategy.id)).toBe(audits);
  });

  it('two concurrent PATCHes with the same If-Match: exactly one 200, one 412', async () => {
    const { strategy, etag } = await create();
    const answers = await Promise.all([
      patch(strategy.id, { title: 'Alice' }, etag!),
      patch(strategy.id, { title: 'Bob' }, etag!),
    ]);
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 412]);
    const winner = strategyOf(answers.find((a) => a.status === 200)!);
    const stored = await h.database.db.quotaStrategy.findUniqueOrThrow({
      where: { id: strategy.id },
    });
    expect(stored.title).toBe(winner.title);
    expect(await auditRows(strategy.id)).toBe(1);
  });

  it('two concurrent PUTs with the same If-Match: exactly one 200, one 412', async () => {
    const { strategy, etag } = await create();
    const replace = (amount: number) =>
      h.call(
        'PUT',
        `/api/v1/strategies/${strategy.id}`,
        { ...definition(), name: strategy.name, amount },
        { headers: { 'if-match': etag! } },
      );
    const answers = await Promise.all([replace(5), replace(7)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    const winner = answers.find((a) => a.status === 200)!;
    const stored = await h.database.db.quotaStrategy.findUniqueOrThrow({
      where: { id: strategy.id },
    });
    expect(Number(stored.amount)).toBe(strategyOf(winner).amount);
    expect(stored.version).toBe(strategy.version + 1);
    expect(winner.headers.get('etag')).toBe((await get(strategy.id)).headers.get('etag'));
    expect(await auditRows(strategy.id)).toBe(1);
  });

  it('If-Match: * matches any existing strategy; no If-Match keeps working', async () => {
    const { strategy } = await create();
    expect((await patch(strategy.id, { title: 'Star' }, '*')).status).toBe(200);
    expect((await patch(strategy.id, { title: 'Bare' })).status).toBe(200);
    const read = await get(strategy.id);
    expect(strategyOf(read).title).toBe('Bare');
  });

  it('a list matches when one of its tags does; a weak tag never matches (412)', async () => {
    const { strategy, etag } = await create();
    const weak = await patch(strategy.id, { title: 'Weak' }, `W/${etag!}`);
    expect(weak.status).toBe(412);
    expect(weak.body).toMatchObject({ code: 'precondition_failed' });
    expect((await get(strategy.id)).body).toMatchObject({ title: 'Tagged' });
    const listed = await patch(strategy.id, { title: 'Listed' }, `"1-0", W/"x", ${etag!}`);
    expect(listed.status).toBe(200);
  });

  it('an If-Match that is not a list of entity tags is a 400 naming the header', async () => {
    const { strategy, etag } = await create();
    for (const garbage of ['7', 'abc', `${etag!} junk`, '']) {
      const answer = await patch(strategy.id, { title: 'Garbage' }, garbage);
      expect(answer.status, garbage).toBe(400);
      expect(answer.body).toMatchObject({
        code: 'validation_failed',
        errors: [{ field: 'If-Match' }],
      });
    }
    expect((await get(strategy.id)).body).toMatchObject({ title: 'Tagged' });
  });

  it('a missing strategy is 404 even with an If-Match', async () => {
    for (const ifMatch of ['"1-0"', '*']) {
      const answer = await patch(999_999, { title: 'Nobody' }, ifMatch);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: 'not_found' });
    }
  });
});

describe('the OpenAPI document', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness('sqlite');
  });
  afterAll(async () => {
    await h.destroy();
  });

  interface Operation {
    parameters?: { name: string; in: string }[];
    responses: Record<string, { headers?: Record<string, unknown> }>;
  }

  it('declares If-Match on PUT and PATCH, the 412, and ETag on answers with a strategy', async () => {
    const doc = (await h.call('GET', '/openapi.json', undefined, { token: null })).body as {
      paths: Record<string, Record<string, Operation>>;
    };
    const item = doc.paths['/api/v1/strategies/{id}']!;
    for (const method of ['put', 'patch']) {
      const operation = item[method]!;
      expect(operation.parameters).toContainEqual(
        expect.objectContaining({ name: 'if-match', in: 'header' }),
      );
      expect(operation.responses['412']).toBeDefined();
      expect(operation.responses['200']!.headers).toHaveProperty('ETag');
    }
    expect(item.get!.responses['200']!.headers).toHaveProperty('ETag');
    const create = doc.paths['/api/v1/strategies']!.post!;
    expect(create.responses['201']!.headers).toHaveProperty('ETag');
    for (const action of ['enable', 'disable']) {
      const operation = doc.paths[`/api/v1/strategies/{id}/${action}`]!.post!;
      expect(operation.responses['200']!.headers).toHaveProperty('ETag');
    }
  });
});
