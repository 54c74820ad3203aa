// One tight loop of delta calls against a running mock gateway, in a process of its own (so one
// variant's JIT state, heap and sockets never carry into the next). Prints one `RESULT {json}`
// line. Not run directly: bench/gateway-client.bench.ts starts it.
//   --variant client|raw-http|raw-undici   what sends the calls
//   --gateway <dir>                          client variant: the src/gateway directory to load
//   --url, --pid                             the mock gateway and its process (for its CPU)
//   --count, --concurrency                   calls, and calls in flight
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Pool } from 'undici';
import type { GatewayClientOptions, QuotaGateway } from '../src/gateway/index.ts';
import {
  clientGatewayRate,
  loopGatewayCalls,
  rawGatewayRate,
  type GatewayRate,
} from './support/limits.ts';
import { ADMIN_PATH, MOCK_KEY, type MockGatewayService } from './support/services.ts';

const args = new Map<string, string>();
for (let i = 2; i + 1 < process.argv.length; i += 2)
  args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1]!);
const need = (name: string) => {
  const value = args.get(name);
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};

const url = need('url');
const mock = {
  url,
  pid: Number(need('pid')),
  reset: async () => {
    const response = await fetch(`${url}/__mock/reset`, {
      method: 'POST',
      headers: { 'x-admin-key': MOCK_KEY },
    });
    if (!response.ok) throw new Error(`mock reset: HTTP ${response.status}`);
  },
} as MockGatewayService;
const count = Number(need('count'));
const concurrency = Number(need('concurrency'));
const MAX_SECONDS = 120;

/** Bare undici: a Pool of `concurrency` connections and Dispatcher.request, the body read whole. */
async function rawUndiciRate(): Promise<GatewayRate> {
  const pool = new Pool(url, { connections: concurrency });
  try {
    return await loopGatewayCalls(mock, count, concurrency, MAX_SECONDS, async (i) => {
      const body = `user_id=raw-${i}&value=10`;
      const response = await pool.request({
        method: 'POST',
        path: `${ADMIN_PATH}/delta`,
        headers: {
          'x-admin-key': MOCK_KEY,
          'idempotency-key': `raw:${i}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body,
      });
      await response.body.text();
      if (response.statusCode !== 200) throw new Error(`mock answered ${response.statusCode}`);
    });
  } finally {
    await pool.close();
  }
}

async function clientRate(): Promise<GatewayRate> {
  const dir = resolve(need('gateway'));
  const module = (await import(pathToFileURL(resolve(dir, 'index.ts')).href)) as {
    createAiGatewayClient: (options: GatewayClientOptions) => QuotaGateway & {
      close?: () => Promise<void>;
    };
  };
  let client: (QuotaGateway & { close?: () => Promise<void> }) | undefined;
  try {
    return await clientGatewayRate(mock, count, concurrency, MAX_SECONDS, (options) => {
      client = module.createAiGatewayClient(options);
      return client;
    });
  } finally {
    await client?.close?.();
  }
}

const variant = need('variant');
const result =
  variant === 'client'
    ? await clientRate()
    : variant === 'raw-http'
      ? await rawGatewayRate(mock, count, concurrency, MAX_SECONDS)
      : variant === 'raw-undici'
        ? await rawUndiciRate()
        : undefined;
if (result === undefined) throw new Error(`unknown variant "${variant}"`);
process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
