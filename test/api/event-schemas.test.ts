// Every event type of the catalogue has a body schema under the OpenAPI document's `webhooks`
// and an example in docs/events.md that validates against it (JSON Schema 2020-12, as OpenAPI
// 3.1 reads it); and the events the daemon really writes, for every type a test can provoke
// through the public API, validate against their type's schema.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_TYPES, type EventType } from '../../src/core/model/domain-event.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';
import { startReceiver, until, type Receiver } from '../support/webhook-receiver.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const docs = readFileSync(resolve(import.meta.dirname, '../../docs/events.md'), 'utf8');
/** The ```json block under each `#### \`type\`` heading of docs/events.md. */
const DOC_EXAMPLES = new Map(
  [...docs.matchAll(/^#### `([a-z_.]+)`\n\n```json\n([\s\S]*?)```/gm)].map((m) => [
    m[1]!,
    JSON.parse(m[2]!) as unknown,
  ]),
);

/** Types no API request can bring about in a test of a few seconds (they need a broken gateway or database). */
const NOT_PROVOKED: readonly EventType[] = [
  'grant.unknown',
  'scan.failed',
  'gateway.unavailable',
  'gateway.recovered',
];

describe('event schemas', { timeout: 60_000 }, () => {
  let h: Harness;
  let doc: Json;
  const validators = new Map<string, ValidateFunction>();
  const problems = (type: string, value: unknown) => {
    const validate = validators.get(type);
    if (validate === undefined) return [`no schema for ${type}`];
    return validate(value)
      ? []
      : (validate.errors ?? []).map((e) => `${type} ${e.instancePath || '/'} ${e.message ?? ''}`);
  };
  const receivers: Receiver[] = [];

  beforeAll(async () => {
    h = await createHarness('sqlite', {
      webhooks: { disableAfterMs: 200 },
      // Nothing listens on port 9: a sync fails connecting.
      userSource: { url: 'postgresql://reader:x@127.0.0.1:9/users', query: 'SELECT 1 AS id' },
    });
    doc = (await h.call('GET', '/openapi.json')).body as Json;
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const [type, item] of Object.entries<Json>(doc.webhooks ?? {}))
      validators.set(type, ajv.compile(item.post.requestBody.content['application/json'].schema));
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h.destroy();
  });

  it('the OpenAPI document has one webhook per catalogue type, with a schema its example meets', () => {
    expect(Object.keys(doc.webhooks as Json).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const body = doc.webhooks[type].post.requestBody.content['application/json'];
      expect(body.example, type).toMatchObject({ type });
      expect(problems(type, body.example)).toEqual([]);
    }
  });

  it('docs/events.md has an example per type that validates against its schema', () => {
    expect([...DOC_EXAMPLES.keys()].sort()).toEqual([...EVENT_TYPES].sort());
    for (const [type, example] of DOC_EXAMPLES) {
      expect(example, type).toMatchObject({ type });
      expect(problems(type, example)).toEqual([]);
    }
  });

  it('a schema refuses an event of another shape', () => {
    expect(
      problems('occurrence.held', { type: 'occurrence.held', timestamp: 'x', data: {} }),
    ).not.toEqual([]);
    expect(
      problems('webhook.test', {
        type: 'strategy.created',
        timestamp: 'x',
        data: { endpoint_id: 1, message: 'm', actor: 'a' },
      }),
    ).not.toEqual([]);
  });

  it('every event the daemon writes, of each type provoked here, validates against its schema', async () => {
    const all = await startReceiver();
    const down = await startReceiver(Infinity);
    receivers.push(all, down);
    const provoked = EVENT_TYPES.filter((t) => !NOT_PROVOKED.includes(t));
    const hook = await h.call('POST', '/api/v1/webhooks', { url: all.url, event_types: provoked });
    expect(hook.status).toBe(201);
    // grant.applied is built only once the recorder has read that someone subscribes.
    await h.runtime.webhooks.recorder.refresh();

    const org = unique('schemas');
    const users = Array.from({ length: 3 }, (_, i) => ({ id: `${org}-${i}-é`, org }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const held = await createOrgStrategy(h, org, { max_users_per_occurrence: 1 });
    expect((await h.call('POST', `/api/v1/strategies/${held.id}/run`)).body).toMatchObject({
      held: { occurrence: 'once' },
    });
    const approve = `/api/v1/strategies/${held.id}/occurrences/once/approve`;
    expect((await h.call('POST', approve)).status).toBe(200);
    const other = await createOrgStrategy(h, org);
    expect((await h.call('PATCH', `/api/v1/strategies/${other.id}`, { amount: 3 })).status).toBe(
      200,
    );
    expect((await h.call('POST', `/api/v1/strategies/${other.id}/disable`)).status).toBe(200);
    expect((await h.call('POST', `/api/v1/strategies/${other.id}/enable`)).status).toBe(200);
    expect((await h.call('DELETE', `/api/v1/strategies/${other.id}`)).status).toBe(204);
    const failing = await h.call('POST', '/api/v1/webhooks', {
      url: down.url,
      event_types: ['webhook.test'],
    });
    const failingId = (failing.body as { webhook: { id: number } }).webhook.id;
    const allId = (hook.body as { webhook: { id: number } }).webhook.id;
    for (const id of [failingId, allId])
      expect((await h.call('POST', `/api/v1/webhooks/${id}/test`)).status).toBe(202);
    expect((await h.call('POST', '/api/v1/sources/users/sync', {})).status).toBe(202);
    let missing: EventType[] = [];
    try {
      await until(async () => {
        await h.runtime.webhooks.worker.drain();
        const types = new Set(
          all.received.map((r) => (JSON.parse(r.body) as { type: string }).type),
        );
        missing = provoked.filter((t) => !types.has(t));
        return missing.length === 0;
      }, 'an event of each provoked type');
    } finally {
      expect(missing).toEqual([]);
    }

    const written = await h.database.db.eventOutbox.findMany();
    const errors = written.flatMap((row) => problems(row.type, JSON.parse(row.body)));
    expect(errors).toEqual([]);
    expect(new Set(written.map((row) => row.type))).toEqual(new Set(provoked));
  });
});
