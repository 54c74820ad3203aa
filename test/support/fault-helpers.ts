// Small helpers shared by the fault tests that drive a daemon process and the mock gateway
// process over HTTP: read the mock's state, steer its faults, seed users and a strategy, scan,
// and read the ledger directly from the database.
import { expect } from 'vitest';
import { DEFAULT_ADMIN_PATH } from '../../mock-gateway/app.ts';
import { openDatabase } from '../../src/db/client.ts';
import { E2E_ADMIN_TOKEN, MOCK_KEY, type RunningProcess } from './processes.ts';

export const apiHeaders = {
  authorization: `Bearer ${E2E_ADMIN_TOKEN}`,
  'content-type': 'application/json',
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MockState {
  quotas: Record<string, number>;
  /** What users spent (total-and-used protocol). */
  used: Record<string, number>;
  deltas: number;
  idempotent_replays: number;
}

export async function mockState(mock: RunningProcess): Promise<MockState> {
  return (await (
    await fetch(`${mock.url}/__mock/state`, { headers: { 'x-admin-key': MOCK_KEY } })
  ).json()) as MockState;
}

/** What `id` can still spend at the mock: its total less what it used, to the cent. */
export function balanceOf(state: MockState, id: string): number {
  return Math.round(((state.quotas[id] ?? 0) - (state.used[id] ?? 0)) * 100) / 100;
}

/** POSTs `body` of content type `type` to the mock with its admin key; expects 200. */
export async function mockPost(
  mock: RunningProcess,
  path: string,
  body: string,
  type: string,
): Promise<void> {
  const response = await fetch(`${mock.url}${path}`, {
    method: 'POST',
    headers: { 'x-admin-key': MOCK_KEY, 'content-type': type },
    body,
  });
  expect(response.status).toBe(200);
}

/** Gives `id` a total of `quota` at the mock (the gateway's own refresh call). */
export function refreshQuota(mock: RunningProcess, id: string, quota: number): Promise<void> {
  return mockPost(
    mock,
    `${DEFAULT_ADMIN_PATH}/refresh`,
    new URLSearchParams({ user_id: id, quota: String(quota) }).toString(),
    'application/x-www-form-urlencoded',
  );
}

/** Lets `id` spend `amount` at the mock. */
export function consume(mock: RunningProcess, id: string, amount: number): Promise<void> {
  return mockPost(
    mock,
    '/__mock/consume',
    JSON.stringify({ user_id: id, amount }),
    'application/json',
  );
}

export async function setFaults(mock: RunningProcess, faults: object): Promise<void> {
  const response = await fetch(`${mock.url}/__mock/faults`, {
    method: 'POST',
    headers: { 'x-admin-key': MOCK_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  expect(response.status).toBe(200);
}

/** `count` users in org `name` and a single strategy granting 1 to each of them. */
export async function seedUsersAndStrategy(
  daemon: RunningProcess,
  name: string,
  count: number,
): Promise<{ userIds: string[]; strategyId: number }> {
  const userIds = Array.from({ length: count }, (_, i) => `${name}-${String(i).padStart(5, '0')}`);
  const users = await fetch(`${daemon.url}/api/v1/users/bulk`, {
    method: 'POST',
    headers: apiHeaders,
    body: JSON.stringify(userIds.map((id) => ({ id, org: name }))),
  });
  expect(users.status).toBe(200);
  const strategy = await fetch(`${daemon.url}/api/v1/strategies`, {
    method: 'POST',
    headers: apiHeaders,
    body: JSON.stringify({
      name,
      title: name,
      type: 'single',
      enabled: true,
      amount: 1,
      condition: `belong-to("${name}")`,
    }),
  });
  expect(strategy.status).toBe(201);
  return { userIds, strategyId: ((await strategy.json()) as { id: number }).id };
}

export interface ScanAnswer {
  status: number;
  body: { strategies?: number; granted?: number; failed?: number };
}

export async function scan(daemon: RunningProcess): Promise<ScanAnswer> {
  const response = await fetch(`${daemon.url}/api/v1/strategies/scan`, {
    method: 'POST',
    headers: apiHeaders,
  });
  return { status: response.status, body: (await response.json()) as ScanAnswer['body'] };
}

/**
 * Scans until one scan held the lease of all `strategies` enabled strategies (a killed daemon's
 * lease stays until it expires), granted nothing new and failed nothing: the ledger is then
 * settled.
 */
/**
 * Asks `running` to scan every 200 ms (one request at a time; a dead daemon's lease may still
 * block the first ones) until `moved()` says it is delivering grants, or 30 s have passed.
 */
export async function scanUntil(
  running: RunningProcess,
  moved: () => Promise<boolean>,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  let inFlight = false;
  let lastStarted = 0;
  while (Date.now() < deadline) {
    if (!inFlight && Date.now() - lastStarted > 200) {
      inFlight = true;
      lastStarted = Date.now();
      fetch(`${running.url}/api/v1/strategies/scan`, { method: 'POST', headers: apiHeaders })
        .then(
          (r) => r.body?.cancel(),
          () => undefined,
        )
        .finally(() => {
          inFlight = false;
        });
    }
    if (await moved()) return;
    await sleep(10);
  }
  throw new Error(`daemon did not start delivering within 30 s:\n${running.output().slice(-3000)}`);
}

/** scanUntil the mock has seen a delta beyond `before`. */
export function scanUntilDelivering(
  running: RunningProcess,
  mock: RunningProcess,
  before: number,
): Promise<void> {
  return scanUntil(running, async () => (await mockState(mock)).deltas > before);
}

/**
 * A short gateway retry budget (2 attempts of at most 2 s, 0.5 s apart): a `sending` row in
 * doubt is settled only once that budget (the settle time) has passed since the call ended, or
 * since the next lease holder found a dead daemon's row (its deltas may still arrive until
 * then), so tests that kill daemons keep the wait short.
 */
export const SHORT_RETRY_BUDGET = {
  AIGATEWAY_TIMEOUT_MS: '2000',
  AIGATEWAY_MAX_ATTEMPTS: '2',
  AIGATEWAY_RETRY_MAX_DELAY_MS: '500',
};
/** 2 × 2000 + 1 × 500 ms: what the daemon waits before settling a row left `sending`. */
export const SHORT_RETRY_BUDGET_MS = 4500;

/** Whether the ledger (every strategy) still has rows `pending` or `sending`. */
async function hasUnsettledRows(daemon: RunningProcess): Promise<boolean> {
  for (const status of ['pending', 'sending']) {
    const response = await fetch(`${daemon.url}/api/v1/grants?status=${status}&limit=1`, {
      headers: apiHeaders,
    });
    const page = (await response.json()) as { items: unknown[] };
    if (page.items.length > 0) return true;
  }
  return false;
}

export async function scanUntilSettled(
  daemon: RunningProcess,
  strategies = 1,
  timeoutMs = 60_000,
): Promise<ScanAnswer[]> {
  const answers: ScanAnswer[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await scan(daemon);
    answers.push(answer);
    if (
      answer.status === 200 &&
      answer.body.strategies === strategies &&
      answer.body.granted === 0 &&
      answer.body.failed === 0 &&
      // A run grants nothing while rows in doubt wait out their settle time: not settled yet.
      !(await hasUnsettledRows(daemon))
    )
      return answers;
    await sleep(250);
  }
  throw new Error(
    `scans did not settle within ${timeoutMs} ms: ${JSON.stringify(answers.slice(-5))}`,
  );
}

export interface LedgerRow {
  id: number;
  userId: string;
  status: string;
  amount: number;
}

/** Every ledger row of a strategy, read straight from the database. */
export async function ledgerRows(url: string, strategyId: number): Promise<LedgerRow[]> {
  const database = await openDatabase(url);
  try {
    const rows = await database.db.quotaExecute.findMany({
      where: { strategyId },
      select: { id: true, userId: true, status: true, amount: true },
    });
    return rows.map((r) => ({
      id: r.id,
      userId: r.userId,
      status: r.status,
      amount: Number(r.amount),
    }));
  } finally {
    await database.close();
  }
}

export function countByStatus(rows: readonly LedgerRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}

/**
 * Users whose balance at the mock is not exactly what the ledger's applied rows say, or not
 * exactly `expected` (empty when the ledger and the gateway agree on every user).
 */
export function disagreements(
  userIds: readonly string[],
  rows: readonly LedgerRow[],
  state: MockState,
  expected = 1,
): string[] {
  const applied = new Map<string, number>();
  for (const row of rows)
    if (row.status === 'applied')
      applied.set(row.userId, (applied.get(row.userId) ?? 0) + row.amount);
  return userIds
    .filter((id) => (state.quotas[id] ?? 0) !== expected || (applied.get(id) ?? 0) !== expected)
    .map((id) => `${id}: mock ${state.quotas[id] ?? 0}, ledger ${applied.get(id) ?? 0}`);
}
