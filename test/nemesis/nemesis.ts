// One nemesis history: a fresh database, a mock gateway that ignores idempotency keys, the
// planned replicas, the initial users and strategies; then the plan's steps at their offsets,
// each injected as it comes (a kill does not wait for a stall to end); then quiet, and the
// checker's verdict on the delta log against the ledger.
import { randomBytes } from 'node:crypto';
import { readDeltaLog } from '../support/delta-log.ts';
import { sleep } from '../support/fault-helpers.ts';
import { startMockGatewayProcess } from '../support/processes.ts';
import { check, failures, type CheckReport } from './checker.ts';
import type { DatabaseHost } from './database-host.ts';
import { evidence } from './evidence.ts';
import { observe, quiesce } from './observe.ts';
import { Replicas, SETTLE_AFTER_MS } from './replicas.ts';
import {
  INITIAL_TOP_UP_TARGET,
  MAX_DELAY_FAULT_MS,
  TOP_UP_USERS,
  type Plan,
  type Step,
} from './schedule.ts';
import { CONDITIONS, orgOf, topUpUserId, userId, Workload } from './workload.ts';

export interface HistoryResult {
  plan: Plan;
  report: CheckReport;
  failures: string[];
  /** Faults and workload steps actually injected, by kind (gateway faults by their own kind). */
  injected: Record<string, number>;
  quiet: boolean;
  wallMs: number;
  /** Plan, step log, and for a failure the rows, deltas and daemon lines of the keys at fault. */
  evidence: string;
}

const QUIET = {
  latency_ms: 0,
  failure_rate: 0,
  drop_after_apply_rate: 0,
  hold_delta_rate: 0,
  late_apply_rate: 0,
  reorder_window_ms: 0,
};
const FAULTY_BASE = { ...QUIET, latency_ms: 15 };

interface Context {
  plan: Plan;
  host: DatabaseHost;
  replicas: Replicas;
  workload: Workload;
  nextUser: number;
  databaseQueue: Promise<unknown>;
}

async function inject(ctx: Context, step: Step): Promise<unknown> {
  const { replicas, workload } = ctx;
  switch (step.kind) {
    case 'kill':
      return replicas.kill(step.replica);
    case 'stall':
      return replicas.stall(step.replica, step.durationMs);
    case 'gateway':
      await workload.mock('/__mock/faults', { ...FAULTY_BASE, ...step.faults });
      await sleep(step.durationMs);
      return workload.mock('/__mock/faults', FAULTY_BASE);
    case 'consume':
      return workload.mock('/__mock/consume', {
        user_id: step.topUp ? topUpUserId(step.userIndex) : userId(step.userIndex),
        amount: step.amount,
      });
    case 'db_restart': {
      const restart = async () => {
        await ctx.host.stopServer();
        await sleep(step.downMs);
        await ctx.host.startServer();
      };
      ctx.databaseQueue = ctx.databaseQueue.then(restart, restart);
      return ctx.databaseQueue;
    }
    case 'edit_amount':
      return workload.patch(step.strategy, { amount: step.amount });
    case 'edit_condition':
      return workload.patch('single', {
        condition: step.wide ? CONDITIONS.wide : CONDITIONS.narrow,
      });
    case 'toggle': {
      const off = await workload.patch(step.strategy, { enabled: false });
      await sleep(step.durationMs);
      return `${off}, ${await workload.patch(step.strategy, { enabled: true })}`;
    }
    case 'import': {
      const fresh = Array.from({ length: step.newUsers }, (_, i) => ctx.nextUser + i);
      ctx.nextUser += step.newUsers;
      const users = [
        ...fresh.map((i) => ({ id: userId(i), org: orgOf(i) })),
        ...[...new Set(step.switchedUsers)].map((i) => ({ id: userId(i), org: orgOf(i, true) })),
      ];
      return workload.importUsers(users);
    }
    case 'run':
      return workload.run(step.strategy, step.replica);
  }
}

/** The highest target the top-up strategy had at any time of the history. */
function highestTopUpTarget(plan: Plan): number {
  return Math.max(
    INITIAL_TOP_UP_TARGET,
    ...plan.steps.map((step) =>
      step.kind === 'edit_amount' && step.strategy === 'topup' ? step.amount : 0,
    ),
  );
}

function describeStep(step: Step): string {
  return step.kind === 'gateway' ? `gateway:${step.fault}` : step.kind;
}

export async function runHistory(
  plan: Plan,
  host: DatabaseHost,
  options: { caps: boolean; quietTimeoutMs?: number },
): Promise<HistoryResult> {
  const started = Date.now();
  const database = await host.newDatabase(`nem_${plan.seed}_${randomBytes(3).toString('hex')}`);
  const mock = await startMockGatewayProcess({ MOCK_GATEWAY_HONOUR_IDEMPOTENCY: 'false' });
  const replicas = new Replicas(database.url, mock.url, plan.replicas, plan.skew);
  const stepLog: string[] = [];
  try {
    await replicas.startAll();
    const workload = new Workload(replicas, mock.url);
    await workload.mock('/__mock/faults', FAULTY_BASE);
    const initial = Array.from({ length: plan.initialUsers }, (_, i) => i);
    const topUpUsers = Array.from({ length: TOP_UP_USERS }, (_, i) => topUpUserId(i));
    const status = await workload.importUsers([
      ...initial.map((i) => ({ id: userId(i), org: orgOf(i) })),
      ...topUpUsers.map((id) => ({ id, org: 'nem-t' })),
    ]);
    if (status !== 200) throw new Error(`initial import answered ${status}`);
    // Five users of room: imports during the history can push the occurrence past its cap.
    const cap = initial.filter((i) => orgOf(i) === 'nem-b').length + 5;
    await workload.createStrategies(cap, INITIAL_TOP_UP_TARGET);
    const ctx: Context = {
      plan,
      host,
      replicas,
      workload,
      nextUser: plan.initialUsers,
      databaseQueue: Promise.resolve(),
    };
    const injected: Record<string, number> = plan.skew ? { clock_skew: 1 } : {};
    const t0 = Date.now();
    await Promise.all(
      plan.steps.map(async (step) => {
        await sleep(t0 + step.atMs - Date.now());
        const at = Date.now() - t0;
        const outcome = await inject(ctx, step).then(
          (value) => (value === undefined ? 'done' : JSON.stringify(value)),
          (e: unknown) => `error: ${String(e)}`,
        );
        injected[describeStep(step)] = (injected[describeStep(step)] ?? 0) + 1;
        stepLog.push(`${at} ms ${JSON.stringify(step)} → ${outcome}`);
      }),
    );
    await workload.mock('/__mock/faults', QUIET);
    await replicas.settle();
    // Deltas held or due late land within MAX_DELAY_FAULT_MS; doubts wait SETTLE_AFTER_MS.
    await sleep(SETTLE_AFTER_MS);
    const { quiet } = await quiesce(database.url, workload, options.quietTimeoutMs ?? 60_000);
    await sleep(MAX_DELAY_FAULT_MS);
    const deltas = await readDeltaLog(mock.url);
    const observed = await observe(database.url, workload.ids.get('single')!);
    const report = check({
      deltas,
      ledger: observed.ledger,
      caps: new Map([[workload.ids.get('capped')!, cap]]),
      required: observed.required,
      topUp: { users: topUpUsers, highestTarget: highestTopUpTarget(plan) },
    });
    const found = failures(report, options);
    return {
      plan,
      report,
      failures: found,
      injected,
      quiet,
      wallMs: Date.now() - started,
      evidence: evidence({
        plan,
        stepLog,
        report,
        deltas,
        observed,
        daemonOutput: replicas.output(),
      }),
    };
  } finally {
    await replicas.stopAll();
    await mock.stop();
    await database.drop().catch(() => undefined);
  }
}
