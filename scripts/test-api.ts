// End-to-end check of a RUNNING daemon and mock gateway: create → run → check quota → scan →
// disable → scan → delete, with assertions. Exits non-zero on the first mismatch.
// Usage: ADMIN_TOKEN=… [QM_URL=http://127.0.0.1:8099] [MOCK_URL=http://127.0.0.1:8002]
//        [MOCK_KEY=mock-admin-key] npm run test-api
// (the defaults are the addresses and key of `npm run demo`, which prints this line).
//
// It shares the daemon with whatever is already there (the demo's strategies, an operator's own),
// so it must neither be granted by them nor leave anything behind: its users match no condition
// but its own strategy's (VIP 0, no stars, no dates, an org of their own), and its strategy and
// its users are deleted on every way out, failures included.
import { randomBytes } from 'node:crypto';

const QM_URL = process.env.QM_URL ?? 'http://127.0.0.1:8099';
const MOCK_URL = process.env.MOCK_URL ?? 'http://127.0.0.1:8002';
const MOCK_KEY = process.env.MOCK_KEY ?? 'mock-admin-key';
const TOKEN = process.env.ADMIN_TOKEN;
if (!TOKEN) {
  console.error("test-api: set ADMIN_TOKEN to the daemon's admin token");
  process.exit(2);
}

class CheckFailed extends Error {}

let step = 0;
function check(condition: boolean, what: string, detail?: unknown): void {
  step++;
  if (!condition) {
    console.error(`✗ ${step}. ${what}`, detail === undefined ? '' : JSON.stringify(detail));
    throw new CheckFailed(what);
  }
  console.log(`✓ ${step}. ${what}`);
}

/** A parsed answer, typed as JSON.parse types it; each check below says what it expects. */
type Json = ReturnType<typeof JSON.parse>;

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Json }> {
  const response = await fetch(`${QM_URL}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

async function gatewayQuota(userId: string): Promise<number> {
  const response = await fetch(
    `${MOCK_URL}/v1/chat/completions/quota?user_id=${encodeURIComponent(userId)}`,
    { headers: { 'x-admin-key': MOCK_KEY } },
  );
  const body = (await response.json()) as { success?: boolean; data?: { quota: number } };
  if (!response.ok || body.data === undefined)
    throw new CheckFailed(
      `the mock gateway at ${MOCK_URL} answered ${response.status} ${JSON.stringify(body)} (MOCK_URL, MOCK_KEY?)`,
    );
  return body.data.quota;
}

const run = randomBytes(4).toString('hex');
const org = `test-api-${run}`;
const users = [`${org}-a`, `${org}-b`];
/** Attributes no sample strategy reads as a match: only `belong-to(org)` selects these users. */
const inert = { org, vip: 0, github_stars: [], register_time: null, access_time: null };
let strategyId: number | undefined;
/** Users this run wrote, deleted again in the `finally` below. */
const written = new Set<string>();

async function main(): Promise<void> {
  const unauthorized = await fetch(`${QM_URL}/api/v1/strategies`);
  check(unauthorized.status === 401, 'the API refuses requests without the admin token');

  for (const id of users) written.add(id);
  const seeded = await api(
    'POST',
    '/api/v1/users/bulk',
    users.map((id) => ({ id, ...inert })),
  );
  check(seeded.status === 200 && seeded.json.upserted === 2, 'users are written', seeded);

  const before = await Promise.all(users.map(gatewayQuota));
  const created = await api('POST', '/api/v1/strategies', {
    name: `test-api-${run}`,
    title: 'test-api reward',
    type: 'single',
    amount: 4.5,
    condition: `belong-to("${org}")`,
  });
  check(
    created.status === 201 && created.json.enabled === false,
    'a strategy is created, disabled (going live is deliberate)',
    created,
  );
  strategyId = created.json.id as number;

  const refused = await api('POST', `/api/v1/strategies/${strategyId}/run`);
  check(
    refused.status === 409 && refused.json.code === 'strategy_disabled',
    'running a disabled strategy is refused (409 strategy_disabled)',
    refused,
  );
  const enabled = await api('POST', `/api/v1/strategies/${strategyId}/enable`);
  check(enabled.status === 200 && enabled.json.enabled === true, 'the strategy is enabled');

  const ran = await api('POST', `/api/v1/strategies/${strategyId}/run`);
  check(
    ran.status === 200 && ran.json.granted === 2 && ran.json.failed === 0,
    'running it grants both users, without failures',
    ran,
  );
  const after1 = await Promise.all(users.map(gatewayQuota));
  check(
    after1.every((q, i) => q === before[i]! + 4.5),
    'each matching user got exactly 4.5 at the gateway',
    { before, after1 },
  );

  const ledger = await api('GET', `/api/v1/strategies/${strategyId}/executions`);
  check(
    ledger.json.total === 2 &&
      ledger.json.items.every((e: { status: string }) => e.status === 'applied'),
    'the ledger holds one applied row per user',
    ledger.json,
  );

  const scan = await api('POST', '/api/v1/strategies/scan');
  const after2 = await Promise.all(users.map(gatewayQuota));
  check(
    scan.status === 200 && after2.every((q, i) => q === after1[i]),
    'a scan of every strategy grants them nothing new',
    { scan: scan.json, after1, after2 },
  );

  const disabled = await api('POST', `/api/v1/strategies/${strategyId}/disable`);
  check(disabled.status === 200 && disabled.json.enabled === false, 'the strategy is disabled');
  written.add(`${org}-late`);
  const late = await api('PUT', `/api/v1/users/${org}-late`, inert);
  check(late.status === 200, 'a new matching user is added');
  await api('POST', '/api/v1/strategies/scan');
  check((await gatewayQuota(`${org}-late`)) === 0, 'a disabled strategy grants nothing');

  const deleted = await api('DELETE', `/api/v1/strategies/${strategyId}`);
  check(deleted.status === 204, 'the strategy is deleted');
  strategyId = undefined;
  const gone = await api('GET', `/api/v1/strategies/${created.json.id}`);
  check(gone.status === 404 && gone.json.code === 'not_found', 'a deleted strategy answers 404');
}

try {
  await main();
  console.log(`test-api: all ${step} checks passed`);
} catch (error) {
  if (!(error instanceof CheckFailed)) console.error(`test-api: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  // Never leave a strategy behind that a later scan would grant by.
  if (strategyId !== undefined) {
    const cleanup = await api('DELETE', `/api/v1/strategies/${strategyId}`).catch(
      (error: unknown) => ({
        status: 0,
        json: error instanceof Error ? error.message : String(error),
      }),
    );
    console.error(
      cleanup.status === 204
        ? `test-api: deleted its strategy ${strategyId}`
        : `test-api: could not delete its strategy ${strategyId} (${cleanup.status}); delete it by hand`,
    );
  }
  // Its users too: a demo or an installation should look the same before and after a check.
  for (const id of written) {
    const removed = await api('DELETE', `/api/v1/users/${encodeURIComponent(id)}`).catch(() => ({
      status: 0,
    }));
    if (removed.status !== 204 && removed.status !== 404)
      console.error(
        `test-api: could not delete its user ${id} (${removed.status}); delete it by hand`,
      );
  }
}
