// kill -9 loses no event: the daemon as a real process on each database writes events in the
// transaction of the change they report, so a change the API answered is an event in the
// outbox even if the process dies the next instant, before any delivery was attempted. After a
// restart each event reaches a real local receiver once, signed (checked with the
// `standardwebhooks` package).
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useCrashHarness } from '../support/crash-harness.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { apiHeaders, sleep } from '../support/fault-helpers.ts';
import type { RunningProcess } from '../support/processes.ts';
import { unique } from '../support/unique-name.ts';
import { startReceiver, until, type Receiver } from '../support/webhook-receiver.ts';

const CHANGES = 5;

interface Envelope {
  type: string;
  data: { strategy_id: number };
}

describe.each(DATABASE_KINDS)('kill -9 and webhook events on %s', { timeout: 240_000 }, (kind) => {
  const crash = useCrashHarness(kind, {
    daemonEnv: { WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', API_REQUEST_TIMEOUT_MS: '120000' },
  });
  const daemon = (pollMs: number) => crash.daemon({ WEBHOOK_POLL_MS: String(pollMs) });
  let hook: Receiver;
  const post = (d: RunningProcess, path: string, body: unknown) =>
    fetch(`${d.url}${path}`, { method: 'POST', headers: apiHeaders, body: JSON.stringify(body) });

  beforeAll(async () => {
    hook = await startReceiver();
  });
  afterAll(async () => {
    await hook?.close();
  });

  it(`${CHANGES} strategy changes answered just before kill -9 are each delivered once after a restart`, async () => {
    // The first daemon's worker passes once at start and then not for an hour: every event
    // below is still undelivered when it dies.
    const first = await daemon(3_600_000);
    const created = await post(first, '/api/v1/webhooks', {
      url: hook.url,
      event_types: ['strategy.created', 'strategy.disabled'],
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const ids: number[] = [];
    for (let i = 0; i < CHANGES - 1; i++) {
      const answer = await post(first, '/api/v1/strategies', {
        name: unique(`crash-event-${i}`),
        title: 'Crash',
        type: 'single',
        enabled: true,
        amount: 1,
        condition: 'belong-to("nobody")',
      });
      expect(answer.status).toBe(201);
      ids.push(((await answer.json()) as { id: number }).id);
    }
    // The last change's answer, then at once the kill.
    const disabled = await post(first, `/api/v1/strategies/${ids[0]}/disable`, {});
    expect(disabled.status).toBe(200);
    expect(await first.stop('SIGKILL')).toBeNull();
    expect(hook.received).toEqual([]);

    const second = await daemon(100);
    await until(() => hook.received.length >= CHANGES, `${CHANGES} deliveries after the restart`);
    // Time for a duplicate to show up, if any were sent.
    await sleep(500);
    const events = hook.received.map(
      (r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as Envelope,
    );
    expect(new Set(hook.received.map((r) => r.headers['webhook-id'])).size).toBe(CHANGES);
    expect(
      events.map((e) => `${e.type} ${e.data.strategy_id}`).sort((a, b) => a.localeCompare(b)),
    ).toEqual(
      [...ids.map((id) => `strategy.created ${id}`), `strategy.disabled ${ids[0]}`].sort((a, b) =>
        a.localeCompare(b),
      ),
    );
    expect(await second.stop()).toBe(0);
  });
});
