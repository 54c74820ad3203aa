// Events out (issue 27), SQLite, one process wired like the daemon (buildRuntime), a local
// receiver over HTTP on loopback:
//  1. delivery throughput: N events already in the outbox, one subscribed `webhook` endpoint,
//     signed and sent by the delivery worker until none is left (events/s);
//  2. what grant.applied costs a scan: a 100k-user occurrence (every user granted, the mock
//     gateway in-process) with and without an endpoint subscribed to grant.applied.
// Each figure: median of 3 runs, with min–max.
// Run: npx tsx bench/webhooks.bench.ts [events, default 5000] [users, default 100000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startMockGateway } from '../mock-gateway/server.ts';
import { loadConfig } from '../src/config/load-config.ts';
import { domainEvent } from '../src/core/model/domain-event.ts';
import { createServer } from '../src/http/server.ts';
import { buildRuntime } from '../src/runtime.ts';
import { startReceiver } from '../test/support/webhook-receiver.ts';

const RUNS = 3;
const TOKEN = 'bench-admin-token-0123456789abcdef';
const KEY = 'bench-gateway-key';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const spread = (xs: number[], digits: number) =>
  `median ${median(xs).toFixed(digits)} (min ${Math.min(...xs).toFixed(digits)}, max ${Math.max(...xs).toFixed(digits)})`;

async function main(): Promise<void> {
  const events = Number(process.argv[2] ?? 5000);
  const users = Number(process.argv[3] ?? 100_000);
  const dir = mkdtempSync(join(tmpdir(), 'qm-webhooks-bench-'));
  const gateway = await startMockGateway({ port: 0, authValue: KEY, honourIdempotency: true });
  const receiver = await startReceiver();
  const emptyFile = join(dir, 'config.yaml');
  writeFileSync(emptyFile, '');
  const config = loadConfig({
    env: {
      DATABASE_URL: `file:${join(dir, 'bench.db')}`,
      AIGATEWAY_URL: gateway.url,
      AIGATEWAY_AUTH_VALUE: KEY,
      ADMIN_TOKEN: TOKEN,
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      LOG_LEVEL: 'error',
    },
    path: emptyFile,
    stdoutIsTty: false,
  });
  const runtime = await buildRuntime(config);
  const app = createServer({ ...runtime.serverDeps, adminToken: TOKEN });
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.status === 204 ? undefined : ((await response.json()) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  try {
    console.log(`webhooks bench: SQLite, ${events} events, ${users} users, ${RUNS} runs each`);
    const hook = await call('POST', '/api/v1/webhooks', {
      url: receiver.url,
      event_types: ['webhook.test'],
    });
    const rates: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const before = receiver.received.length;
      const batch = Array.from({ length: events }, (_, i) =>
        domainEvent('webhook.test', new Date(), {
          endpoint_id: hook!.webhook.id,
          message: `bench ${i}`,
          actor: 'bench',
        }),
      );
      await runtime.webhooks.recorder.record(batch);
      const started = performance.now();
      await runtime.webhooks.worker.drain();
      const seconds = (performance.now() - started) / 1000;
      if (receiver.received.length - before !== events)
        throw new Error(`delivered ${receiver.received.length - before} of ${events}`);
      rates.push(events / seconds);
      receiver.received.length = 0;
    }
    console.log(`1. delivered events/s: ${spread(rates, 0)}`);

    for (let start = 0; start < users; start += 5000)
      await runtime.app.upsertUsers(
        Array.from({ length: Math.min(5000, users - start) }, (_, i) => ({
          id: `bench-${start + i}`,
          org: 'bench',
        })),
      );
    const scan = async (subscribed: boolean) => {
      const endpoint = subscribed
        ? await call('POST', '/api/v1/webhooks', {
            url: receiver.url,
            event_types: ['grant.applied'],
          })
        : undefined;
      await runtime.webhooks.recorder.refresh();
      const strategy = await call('POST', '/api/v1/strategies', {
        name: `bench-${subscribed ? 'with' : 'without'}-${Date.now()}`,
        title: 'bench',
        type: 'single',
        enabled: true,
        amount: 1,
        condition: 'belong-to("bench")',
      });
      const started = performance.now();
      const result = await call('POST', `/api/v1/strategies/${strategy!.id}/run`);
      const seconds = (performance.now() - started) / 1000;
      if (result!.granted !== users) throw new Error(`granted ${result!.granted} of ${users}`);
      // Not delivered: the figure is the scan's cost; the outbox is emptied for the next run.
      if (endpoint) await call('DELETE', `/api/v1/webhooks/${endpoint.webhook.id}`);
      await runtime.database.db.webhookDelivery.deleteMany({});
      await runtime.database.db.eventOutbox.deleteMany({});
      return seconds;
    };
    const without: number[] = [];
    const withEvents: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      without.push(await scan(false));
      withEvents.push(await scan(true));
    }
    console.log(
      `2. ${users}-user occurrence, no grant.applied subscriber: ${spread(without, 2)} s`,
    );
    console.log(`   with an endpoint subscribed to grant.applied:      ${spread(withEvents, 2)} s`);
    console.log(
      `   cost: ${(((median(withEvents) - median(without)) / median(without)) * 100).toFixed(0)} % of the scan (medians)`,
    );
  } finally {
    await runtime.close();
    await receiver.close();
    await gateway.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
