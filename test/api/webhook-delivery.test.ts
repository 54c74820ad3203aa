// The outbox's delivery on every database, against real local receivers: a change that rolls
// back leaves no event; an endpoint failing for WEBHOOK_DISABLE_AFTER_MS is disabled with a
// webhook.disabled event; during a secret rotation a receiver holding either secret verifies;
// retention deletes what was delivered and keeps what is pending; two workers on two database
// clients send each delivery once; the worker's own timer loop delivers without drain(); a
// type is matched literally in the subscriptions (no LIKE wildcard); a failed user sync is a
// user_source.failed event.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainEvent } from '../../src/core/model/domain-event.ts';
import { openDatabase } from '../../src/db/client.ts';
import { createEventRecorder } from '../../src/db/event-outbox.ts';
import { createDeliveryQueue } from '../../src/db/webhook-deliveries.ts';
import { createSafeSender } from '../../src/outbound/safe-sender.ts';
import { DeliveryWorker, type WorkerSettings } from '../../src/webhooks/delivery-worker.ts';
import { CapturingLogger, createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createOrgStrategy, orgStrategyBody } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';
import { startReceiver, until, type Receiver } from '../support/webhook-receiver.ts';

const DISABLE_AFTER_MS = 300;
const RETENTION_MS = 1000;
const workerSettings = (overrides: Partial<WorkerSettings> = {}): WorkerSettings => ({
  pollMs: 50,
  concurrency: 4,
  timeoutMs: 2000,
  baseMs: 100,
  maxMs: 400,
  retryForMs: 86_400_000,
  disableAfterMs: 432_000_000,
  retentionMs: 604_800_000,
  ...overrides,
});

describe.each(DATABASE_KINDS)('webhook delivery on %s', { timeout: 60_000 }, (kind) => {
  let h: Harness;
  const receivers: Receiver[] = [];
  const receiver = async (failFirst = 0) => {
    const started = await startReceiver(failFirst);
    receivers.push(started);
    return started;
  };
  const subscribe = async (url: string, eventTypes: string[]) => {
    const created = await h.call('POST', '/api/v1/webhooks', { url, event_types: eventTypes });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    return created.body as { webhook: { id: number }; secret: string };
  };
  const sendTest = async (id: number) => {
    const sent = await h.call('POST', `/api/v1/webhooks/${id}/test`);
    expect(sent.status).toBe(202);
    return (sent.body as { event_id: string }).event_id;
  };
  const eventsOf = (type: string) => h.database.db.eventOutbox.findMany({ where: { type } });

  beforeAll(async () => {
    // The real clock's date: a rotation's overlap is stamped by the daemon's clock and read
    // against the real one when a delivery is claimed.
    h = await createHarness(kind, {
      now: new Date().toISOString(),
      webhooks: { disableAfterMs: DISABLE_AFTER_MS },
    });
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await h.destroy();
  });

  it('a PUT that loses its If-Match race or carries a stale tag leaves no strategy.updated event', async () => {
    const hook = await receiver();
    await subscribe(hook.url, ['strategy.updated']);
    const org = unique('race');
    const strategy = await createOrgStrategy(h, org);
    const etag = (await h.call('GET', `/api/v1/strategies/${strategy.id}`)).headers.get('etag')!;
    const put = (amount: number, tag: string) =>
      h.call(
        'PUT',
        `/api/v1/strategies/${strategy.id}`,
        { ...orgStrategyBody(org), name: strategy.name, amount },
        { headers: { 'if-match': tag } },
      );
    const answers = await Promise.all([put(5, etag), put(7, etag)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 412]);
    expect((await put(9, etag)).status).toBe(412);
    const mine = (await eventsOf('strategy.updated')).filter((e) =>
      e.body.includes(`"strategy_id":${strategy.id},`),
    );
    expect(mine).toHaveLength(1);
    await h.runtime.webhooks.worker.drain();
    const delivered = hook.received.filter((r) => r.body.includes(`"strategy_id":${strategy.id},`));
    expect(delivered.map((r) => r.headers['webhook-id'])).toEqual([mine[0]!.eventId]);
  });

  it('disables an endpoint failing for WEBHOOK_DISABLE_AFTER_MS and tells others with webhook.disabled', async () => {
    const down = await receiver(Infinity);
    const watcher = await receiver();
    const { webhook } = await subscribe(down.url, ['webhook.test']);
    const { secret } = await subscribe(watcher.url, ['webhook.disabled']);
    await sendTest(webhook.id);
    await until(async () => {
      await h.runtime.webhooks.worker.drain();
      const endpoint = await h.call('GET', `/api/v1/webhooks/${webhook.id}`);
      return !(endpoint.body as { enabled: boolean }).enabled;
    }, 'the failing endpoint to be disabled');
    const endpoint = (await h.call('GET', `/api/v1/webhooks/${webhook.id}`)).body as {
      disabled_reason: string;
    };
    expect(endpoint.disabled_reason).toMatch(
      /every delivery failed for 300 ms; last: answered 503/,
    );
    expect(down.received.length).toBeGreaterThanOrEqual(2);
    await h.runtime.webhooks.worker.drain();
    const told = watcher.received.map(
      (r) =>
        new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as {
          type: string;
          data: Record<string, unknown>;
        },
    );
    expect(told).toEqual([
      expect.objectContaining({
        type: 'webhook.disabled',
        data: expect.objectContaining({
          endpoint_id: webhook.id,
          failing_for_ms: DISABLE_AFTER_MS,
        }),
      }),
    ]);
    // Disabled: nothing more is sent to it, even what was pending, and what waits for a person
    // is no backlog of the worker's.
    expect(
      await h.database.db.webhookDelivery.count({
        where: { endpointId: webhook.id, status: 'pending' },
      }),
    ).toBe(1);
    expect((await createDeliveryQueue(h.database).backlog()).pending).toBe(0);
    const attempts = down.received.length;
    await h.runtime.webhooks.worker.drain();
    expect(down.received).toHaveLength(attempts);
  });

  it('during a rotation every delivery carries two signatures; either secret verifies it', async () => {
    const hook = await receiver();
    const { webhook, secret: oldSecret } = await subscribe(hook.url, ['webhook.test']);
    const rotated = await h.call('POST', `/api/v1/webhooks/${webhook.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const newSecret = (rotated.body as { secret: string }).secret;
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    await sendTest(webhook.id);
    await h.runtime.webhooks.worker.drain();
    expect(hook.received).toHaveLength(1);
    const [delivery] = hook.received;
    const headers = delivery!.headers as Record<string, string>;
    expect(headers['webhook-signature']!.split(' ')).toHaveLength(2);
    for (const secret of [oldSecret, newSecret])
      expect(new Webhook(secret).verify(delivery!.body, headers)).toMatchObject({
        type: 'webhook.test',
      });
    const stranger = new Webhook(Buffer.alloc(32, 7).toString('base64'));
    expect(() => stranger.verify(delivery!.body, headers)).toThrow();
  });

  it('retention deletes delivered deliveries and their events, and keeps pending ones', async () => {
    const up = await receiver();
    const down = await receiver(Infinity);
    const { webhook: delivered } = await subscribe(up.url, ['webhook.test']);
    const { webhook: pending } = await subscribe(down.url, ['webhook.test']);
    const deliveredEvent = await sendTest(delivered.id);
    const pendingEvent = await sendTest(pending.id);
    await h.runtime.webhooks.worker.drain();
    expect(up.received.map((r) => r.headers['webhook-id'])).toEqual([deliveredEvent]);
    await new Promise((resolve) => setTimeout(resolve, RETENTION_MS + 200));
    // A worker of its own: the harness's worker prunes at most once a minute.
    const pruner = new DeliveryWorker({
      queue: createDeliveryQueue(h.database),
      sender: createSafeSender({ allowPrivateTargets: true, timeoutMs: 2000 }),
      settings: workerSettings({ retentionMs: RETENTION_MS }),
      logger: new CapturingLogger(),
    });
    await pruner.drain();
    const left = async (endpointId: number) =>
      h.database.db.webhookDelivery.findMany({ where: { endpointId } });
    expect(await left(delivered.id)).toEqual([]);
    expect(await h.database.db.eventOutbox.count({ where: { eventId: deliveredEvent } })).toBe(0);
    expect((await left(pending.id)).map((d) => d.status)).toEqual(['pending']);
    expect(await h.database.db.eventOutbox.count({ where: { eventId: pendingEvent } })).toBe(1);
    await h.call('PATCH', `/api/v1/webhooks/${pending.id}`, { enabled: false });
  });

  it('two workers on two database clients competing for 40 deliveries send each once', async () => {
    const hook = await receiver();
    const { webhook } = await subscribe(hook.url, ['webhook.test']);
    const ids = new Set<string>();
    for (let i = 0; i < 40; i++) ids.add(await sendTest(webhook.id));
    const second = await openDatabase(h.database.url);
    const sender = createSafeSender({ allowPrivateTargets: true, timeoutMs: 2000 });
    try {
      const rival = new DeliveryWorker({
        queue: createDeliveryQueue(second),
        sender,
        settings: workerSettings({ concurrency: 2 }),
        logger: new CapturingLogger(),
      });
      const attempts = await Promise.all([h.runtime.webhooks.worker.drain(), rival.drain()]);
      const received = hook.received.map((r) => String(r.headers['webhook-id']));
      expect(received.length).toBe(40);
      expect(new Set(received)).toEqual(ids);
      expect(attempts[0] + attempts[1]).toBe(40);
    } finally {
      await sender.close();
      await second.close();
    }
    const states = await h.database.db.webhookDelivery.groupBy({
      by: ['status'],
      where: { endpointId: webhook.id },
      _count: true,
    });
    expect(states).toEqual([{ status: 'delivered', _count: 40 }]);
  });

  it("the worker's own timer loop delivers without drain(), and stops when told", async () => {
    const hook = await receiver();
    const { webhook } = await subscribe(hook.url, ['webhook.test']);
    const { worker } = h.runtime.webhooks;
    worker.start();
    try {
      const first = await sendTest(webhook.id);
      await until(() => hook.received.length === 1, 'the timer loop to deliver');
      expect(hook.received[0]!.headers['webhook-id']).toBe(first);
    } finally {
      await worker.stop();
    }
    await sendTest(webhook.id);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(hook.received).toHaveLength(1);
    await worker.drain();
    expect(hook.received).toHaveLength(2);
  });

  it('matches a subscribed type literally: `_` in a type is no wildcard', async () => {
    const hook = await receiver();
    const { webhook } = await subscribe(hook.url, ['webhook.test']);
    // A stored list no API request can write: a type that matches user_source.failed only if
    // its `_` were read as LIKE's any-one-character.
    await h.database.db.webhookEndpoint.update({
      where: { id: webhook.id },
      data: { eventTypes: ',userXsource.failed,' },
    });
    const recorder = createEventRecorder(h.database, (error) => {
      throw error;
    });
    await recorder.record([domainEvent('user_source.failed', new Date(), { error: 'x' })]);
    expect(await h.database.db.webhookDelivery.count({ where: { endpointId: webhook.id } })).toBe(
      0,
    );
  });
});

describe('user_source.failed', () => {
  let h: Harness;
  let hook: Receiver;
  beforeAll(async () => {
    h = await createHarness('sqlite', {
      // Nothing listens on port 9: the sync fails connecting.
      userSource: { url: 'postgresql://reader:x@127.0.0.1:9/users', query: 'SELECT 1 AS id' },
    });
    hook = await startReceiver();
  });
  afterAll(async () => {
    await hook.close();
    await h.destroy();
  });

  it('a failed user sync is delivered as user_source.failed with its error', async () => {
    const { secret } = (
      await h.call('POST', '/api/v1/webhooks', {
        url: hook.url,
        event_types: ['user_source.failed'],
      })
    ).body as { secret: string };
    expect((await h.call('POST', '/api/v1/sources/users/sync', {})).status).toBe(202);
    await until(async () => {
      const { body } = await h.call('GET', '/api/v1/sources');
      const source = (body as { items: { running: boolean; last_run: unknown }[] }).items[0]!;
      return !source.running && source.last_run !== null;
    }, 'the sync to end');
    await h.runtime.webhooks.worker.drain();
    expect(hook.received).toHaveLength(1);
    const event = new Webhook(secret).verify(
      hook.received[0]!.body,
      hook.received[0]!.headers as Record<string, string>,
    );
    expect(event).toMatchObject({
      type: 'user_source.failed',
      data: { error: expect.any(String), full: true, rows_read: 0 },
    });
  });
});
