// `npm run demo`: the mock gateway and the daemon on SQLite, seeded with demo users and
// strategies, one scan run, and what to try next. Ctrl-C stops both.
// The demo keeps its own database (data/demo.db, not the daemon's default data/quota-manager.db)
// so that trying it never leaves sample users and strategies in a real installation; the banner
// therefore prints the command line with the demo's DATABASE_URL and gateway.
// A re-run continues where the last run stopped: the database is kept, and so are the mock
// gateway's balances (a state file beside the database). Keeping one without the other made the
// ledger say "granted" while the gateway held nothing.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { seedDemo } from './demo-data.ts';

const PORT = process.env.PORT ?? '8099';
const MOCK_PORT = process.env.MOCK_GATEWAY_PORT ?? '8002';
const MOCK_KEY = process.env.MOCK_GATEWAY_AUTH_VALUE ?? 'mock-admin-key';
const ADMIN_TOKEN = process.env.ADMIN_TOKEN ?? randomBytes(24).toString('base64url');
const DATABASE_URL = process.env.DATABASE_URL ?? 'file:./data/demo.db';
/** `data/demo.db` → `data/demo-gateway.json`; a server database keeps it in data/. */
const GATEWAY_STATE_FILE =
  process.env.MOCK_GATEWAY_STATE_FILE ??
  (DATABASE_URL.startsWith('file:')
    ? DATABASE_URL.replace(/^file:/, '')
        .replace(/\?.*$/, '')
        .replace(/(\.db)?$/, '-gateway.json')
    : 'data/demo-gateway.json');
const api = `http://127.0.0.1:${PORT}`;
const mockUrl = `http://127.0.0.1:${MOCK_PORT}`;

const children: ChildProcess[] = [];
function launch(name: string, script: string, env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`demo: ${name} exited (${code ?? signal}); stopping the demo`);
      void stop(1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
async function stop(code = 0): Promise<void> {
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  await Promise.all(
    children.filter((c) => c.exitCode === null).map((c) => new Promise((r) => c.on('exit', r))),
  );
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function waitFor(url: string, init?: RequestInit): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(url, init)).ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready`);
}

launch('mock gateway', 'mock-gateway/main.ts', {
  MOCK_GATEWAY_PORT: MOCK_PORT,
  MOCK_GATEWAY_AUTH_VALUE: MOCK_KEY,
  MOCK_GATEWAY_STATE_FILE: GATEWAY_STATE_FILE,
});
await waitFor(`${mockUrl}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } });
launch('daemon', 'src/main.ts', {
  DATABASE_URL,
  PORT,
  ADMIN_TOKEN,
  AIGATEWAY_URL: mockUrl,
  AIGATEWAY_AUTH_VALUE: MOCK_KEY,
  LOG_FORMAT: process.env.LOG_FORMAT ?? 'pretty',
});
await waitFor(`${api}/readyz`);

const seeded = await seedDemo(api, ADMIN_TOKEN);
const scan = await fetch(`${api}/api/v1/strategies/scan`, {
  method: 'POST',
  headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
});
const summary = await scan.json();
const state = (await (
  await fetch(`${mockUrl}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } })
).json()) as { quotas: Record<string, number> };

/** `3 users, e.g. a=1, b=2`, or `none yet` (never an empty example). */
function describeQuotas(quotas: Record<string, number>): string {
  const entries = Object.entries(quotas);
  if (entries.length === 0) return 'none yet';
  const sample = entries
    .slice(0, 3)
    .map(([user, quota]) => `${user}=${quota}`)
    .join(', ');
  return `${entries.length} users, e.g. ${sample}`;
}

console.log(`
────────────────────────────────────────────────────────────────────────
 quota-manager demo is running
   console      ${api}/ui   (sign in with the admin token below)
   API          ${api}/api/v1
   reference    ${api}/docs   (OpenAPI: ${api}/openapi.json)
   admin token  ${ADMIN_TOKEN}
   mock gateway ${mockUrl}   (admin key: ${MOCK_KEY})
   database     ${DATABASE_URL}
   balances     ${GATEWAY_STATE_FILE}   (the mock gateway's)
 The database and the balances are kept between runs, so a re-run continues where this one
 stops; delete both files to start over.

 Seeded ${seeded.users} users and ${seeded.strategiesCreated} new strategies, created ENABLED on purpose
 (through the API a new strategy starts disabled unless the request says "enabled": true);
 this run's first scan did:
   ${JSON.stringify(summary)}
 Quotas at the gateway now: ${describeQuotas(state.quotas)}

 Try:
   export TOKEN=${ADMIN_TOKEN}
   curl -s -H "Authorization: Bearer $TOKEN" ${api}/api/v1/strategies | head -c 600; echo
   curl -s -H "Authorization: Bearer $TOKEN" -X POST ${api}/api/v1/strategies/3/preview; echo
   curl -s -H "Authorization: Bearer $TOKEN" ${api}/api/v1/users/demo-user-03; echo
   curl -s -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' \\
        -d '{"condition":"is-vip(2) and belong-to(\\"acme\\")"}' ${api}/api/v1/conditions/validate; echo
   curl -s -H "x-admin-key: ${MOCK_KEY}" ${mockUrl}/__mock/state; echo

 A gateway outage, without stopping anything: the mock answers 503 for 60 seconds, then recovers
 by itself (grants that fail meanwhile wait in the ledger and are sent again by a later scan;
 '{"down_for_s":0}' ends it early):
   curl -s -H "x-admin-key: ${MOCK_KEY}" -H 'content-type: application/json' -d '{"down_for_s":60}' ${mockUrl}/__mock/faults; echo
   curl -s -H "Authorization: Bearer $TOKEN" -X POST ${api}/api/v1/strategies/scan; echo

 The command line, on the demo's database and gateway (another terminal, same directory):
   export DATABASE_URL=${DATABASE_URL} AIGATEWAY_URL=${mockUrl} AIGATEWAY_AUTH_VALUE=${MOCK_KEY}
   npx quota-manager scan --dry-run

 End-to-end checks against this demo (they clean up after themselves):
   ADMIN_TOKEN=${ADMIN_TOKEN} QM_URL=${api} MOCK_URL=${mockUrl} MOCK_KEY=${MOCK_KEY} npm run test-api
 Stop with Ctrl-C.
────────────────────────────────────────────────────────────────────────
`);
