// Events out, end to end on every database: an occurrence held by its budget cap reaches a
// Standard Webhooks receiver (checked by the `standardwebhooks` package) and a Feishu-format
// endpoint; a receiver that is down and comes back gets the event exactly as first signed
// (same webhook-id, same body); private targets are refused at create time with the reason.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { createOrgStrategy } from '../support/org-strategy.ts';
import { unique } from '../support/unique-name.ts';
import { startReceiver } from '../support/webhook-receiver.ts';

describe.each(DATABASE_KINDS)('webhooks on %s', (kind) => {
  let h: Harness;
  let strict: Harness;
  beforeAll(async () => {
    h = await createHarness(kind, { pageSize: 2 });
    strict = await createHarness(kind, { webhooks: { allowPrivateTargets: false } });
  });
  afterAll(async () => {
    await h.destroy();
    await strict.destroy();
  });

  it('delivers occurrence.held to a signed webhook and to a Feishu bot', async () => {
    const hook = await startReceiver();
    const bot = await startReceiver();
    const created = await h.call('POST', '/api/v1/webhooks', {
      url: hook.url,
      event_types: ['occurrence.held'],
    });
    expect(created.status).toBe(201);
    const secret = (created.body as { secret: string }).secret;
    expect(secret).toMatch(/^whsec_/);
    const feishu = await h.call('POST', '/api/v1/webhooks', {
      url: bot.url,
      kind: 'feishu',
      event_types: ['occurrence.held'],
      secret: 'feishu-bot-secret',
    });
    expect(feishu.status).toBe(201);
    expect((feishu.body as { secret: unknown }).secret).toBeNull();

    const org = unique('held');
    const users = Array.from({ length: 3 }, (_, i) => ({ id: `${org}-${i}`, org, vip: 1 }));
    expect((await h.call('POST', '/api/v1/users/bulk', users)).status).toBe(200);
    const strategy = await createOrgStrategy(h, org, { max_users_per_occurrence: 1 });
    const run = await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    expect(run.body).toMatchObject({ held: { occurrence: 'once' } });
    // A second run of the same held occurrence is no new event.
    await h.call('POST', `/api/v1/strategies/${strategy.id}/run`);
    await h.runtime.webhooks.worker.drain();

    const held = hook.received.filter((r) => r.body.includes(`"strategy_id":${strategy.id},`));
    expect(held).toHaveLength(1);
    const payload = new Webhook(secret).verify(
      held[0]!.body,
      held[0]!.headers as Record<string, string>,
    );
    expect(payload).toMatchObject({
      type: 'occurrence.held',
      data: { strategy_id: strategy.id, occurrence: 'once', needed_users: 3 },
    });
    const card = bot.received
      .map((r) => JSON.parse(r.body) as Record<string, unknown>)
      .find((body) => JSON.stringify(body).includes(strategy.name));
    expect(card).toMatchObject({ msg_type: 'interactive', sign: expect.any(String) });
    await Promise.all([hook.close(), bot.close()]);
  });

  it('retries a receiver that was down with the same webhook-id and body', async () => {
    const hook = await startReceiver(2);
    const created = await h.call('POST', '/api/v1/webhooks', {
      url: hook.url,
      event_types: ['scan.failed'],
    });
    const { webhook, secret } = created.body as { webhook: { id: number }; secret: string };
    const sent = await h.call('POST', `/api/v1/webhooks/${webhook.id}/test`);
    expect(sent.status).toBe(202);
    const deadline = Date.now() + 10_000;
    while (hook.received.filter((r) => r.body.includes('webhook.test')).length < 3) {
      if (Date.now() > deadline) throw new Error('the receiver never got the third attempt');
      await h.runtime.webhooks.worker.drain();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const attempts = hook.received;
    expect(attempts.map((a) => a.headers['webhook-id'])).toEqual(
      Array(3).fill((sent.body as { event_id: string }).event_id),
    );
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    const last = attempts[2]!;
    expect(
      new Webhook(secret).verify(last.body, last.headers as Record<string, string>),
    ).toMatchObject({
      type: 'webhook.test',
    });
    const page = await h.call('GET', `/api/v1/webhooks/${webhook.id}/deliveries`);
    expect(page.body).toMatchObject({
      items: [{ status: 'delivered', attempts: 3, response_status: 204 }],
    });
    await hook.close();
  });

  it.each([
    ['http://127.0.0.1:9/hook', 'target_loopback', /loopback/],
    ['http://169.254.169.254/latest/meta-data', 'target_link_local', /metadata/],
    ['http://[::ffff:127.0.0.1]/x', 'target_loopback', /loopback/],
    ['http://localhost:9/x', 'target_loopback', /resolves to/],
  ])('refuses %s by default (%s)', async (url, code, why) => {
    const refused = await strict.call('POST', '/api/v1/webhooks', {
      url,
      event_types: ['occurrence.held'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body).toMatchObject({
      code: 'validation_failed',
      errors: [{ field: 'url', code }],
    });
    expect(JSON.stringify(refused.body)).toMatch(why);
    expect(await strict.database.db.webhookEndpoint.count()).toBe(0);
  });

  it('answers 400 for a bad body and 403 for a viewer, and never shows a secret again', async () => {
    const bad = [
      {},
      { url: 'ftp://example.com/x', event_types: ['occurrence.held'] },
      { url: 'https://example.com', event_types: ['no.such'] },
      {
        url: 'https://example.com',
        event_types: ['occurrence.held'],
        kind: 'webhook',
        secret: 'x',
      },
      { url: 'https://example.com/\u0000', event_types: ['occurrence.held'] },
      { url: 'https://example.com', event_types: ['occurrence.held'], extra: 1 },
    ];
    for (const body of bad)
      expect((await h.call('POST', '/api/v1/webhooks', body)).status).toBe(400);
    const viewer = await h.call(
      'POST',
      '/api/v1/webhooks',
      { url: 'https://example.com', event_types: ['occurrence.held'] },
      { token: 'test-viewer-token-0123456789' },
    );
    expect(viewer.status).toBe(403);
    const listed = await h.call('GET', '/api/v1/webhooks', undefined, {
      token: 'test-viewer-token-0123456789',
    });
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toMatch(/whsec_/);
    expect((await h.call('GET', '/api/v1/webhooks/99999999')).status).toBe(404);
  });
});
