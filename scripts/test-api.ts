// End-to-end check of a RUNNING daemon and mock gateway: create → scan → check quota →
// disable → scan → delete, with assertions. Exits non-zero on the first mismatch.
// Usage: ADMIN_TOKEN=… [QM_URL=http://127.0.0.1:8099] [MOCK_URL=http://127.0.0.1:8002]
//        [MOCK_KEY=mock-admin-key] npm run test-api
import { randomBytes } from 'node:crypto';

const QM_URL = process.env.QM_URL ?? 'http://127.0.0.1:8099';
const MOCK_URL = process.env.MOCK_URL ?? 'http://127.0.0.1:8002';
const MOCK_KEY = process.env.MOCK_KEY ?? 'mock-admin-key';
const TOKEN = process.env.ADMIN_TOKEN;
if (!TOKEN) {
  console.error("test-api: set ADMIN_TOKEN to the daemon's admin token");
  process.exit(2);
}

let step = 0;
function check(condition: boolean, what: string, detail?: unknown): void {
  step++;
  if (!condition) {
    console.error(`✗ ${step}. ${what}`, detail === undefined ? '' : JSON.stringify(detail));
    process.exit(1);
  }
  console.log(`✓ ${step}. ${what}`);
}

async function api(
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: any }> {
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
  const body = (await response.json()) as { data: { quota: number } };
  return body.data.quota;
}

const run = randomBytes(4).toString('hex');
const org = `test-api-${run}`;
const users = [`${org}-a`, `${org}-b`];

const unauthorized = await fetch(`${QM_URL}/api/v1/strategies`);
check(unauthorized.status === 401, 'the API refuses requests without the admin token');

const seeded = await api(
  'POST',
  '/api/v1/users/bulk',
  users.map((id, i) => ({ id, org, vip: 2 + i, github_stars: ['zgsm-ai/zgsm'] })),
);
check(seeded.status === 200 && seeded.json.upserted === 2, 'users are written', seeded);

const before = await Promise.all(users.map(gatewayQuota));
const created = await api('POST', '/api/v1/strategies', {
  name: `test-api-${run}`,
  title: 'test-api reward',
  type: 'single',
  amount: 4.5,
  condition: `belong-to("${org}") and is-vip(2)`,
});
check(created.status === 201, 'a strategy is created', created);
const id = created.json.id as number;

const scan1 = await api('POST', '/api/v1/strategies/scan');
check(scan1.status === 200 && scan1.json.failed === 0, 'a scan runs without failures', scan1);
const after1 = await Promise.all(users.map(gatewayQuota));
check(
  after1.every((q, i) => q === before[i]! + 4.5),
  'each matching user got exactly 4.5 at the gateway',
  { before, after1 },
);

const ledger = await api('GET', `/api/v1/strategies/${id}/executions`);
check(
  ledger.json.total === 2 && ledger.json.items.every((e: any) => e.status === 'applied'),
  'the ledger holds one applied row per user',
  ledger.json,
);

const scan2 = await api('POST', '/api/v1/strategies/scan');
const after2 = await Promise.all(users.map(gatewayQuota));
check(
  scan2.status === 200 && after2.every((q, i) => q === after1[i]),
  'a second scan grants nothing new',
  { after1, after2 },
);

const disabled = await api('POST', `/api/v1/strategies/${id}/disable`);
check(disabled.status === 200 && disabled.json.enabled === false, 'the strategy is disabled');
const late = await api('PUT', `/api/v1/users/${org}-late`, { org, vip: 5 });
check(late.status === 200, 'a new matching user is added');
await api('POST', '/api/v1/strategies/scan');
check((await gatewayQuota(`${org}-late`)) === 0, 'a disabled strategy grants nothing');

const deleted = await api('DELETE', `/api/v1/strategies/${id}`);
check(deleted.status === 204, 'the strategy is deleted');
const gone = await api('GET', `/api/v1/strategies/${id}`);
check(gone.status === 404 && gone.json.code === 'not_found', 'a deleted strategy answers 404');

console.log(`test-api: all ${step} checks passed`);
