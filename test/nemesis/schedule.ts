// The nemesis's plan: a pure function of (seed, database kind, history length). The same seed
// gives the same cluster shape, the same faults at the same offsets and the same workload, so
// `npm run nemesis -- --seed N --db X` replays a failing history (timing noise aside).

export type DbKind = 'sqlite' | 'postgresql' | 'mysql';

export type GatewayFaultKind = 'hold' | 'late' | 'drop' | 'reorder' | 'fail';
export type StrategyRole = 'periodic' | 'single' | 'capped' | 'topup';

export type Step =
  | { atMs: number; kind: 'kill'; replica: number }
  | { atMs: number; kind: 'stall'; replica: number; durationMs: number }
  | { atMs: number; kind: 'gateway'; fault: GatewayFaultKind; faults: object; durationMs: number }
  /** `topUp`: one of the users only the top-up strategy grants, else one of the others. */
  | { atMs: number; kind: 'consume'; userIndex: number; topUp: boolean; amount: number }
  | { atMs: number; kind: 'db_restart'; downMs: number }
  | { atMs: number; kind: 'edit_amount'; strategy: StrategyRole; amount: number }
  | { atMs: number; kind: 'edit_condition'; wide: boolean }
  | { atMs: number; kind: 'toggle'; strategy: StrategyRole; durationMs: number }
  | { atMs: number; kind: 'import'; newUsers: number; switchedUsers: number[] }
  | { atMs: number; kind: 'run'; strategy: StrategyRole; replica: number };

export type StepKind = Step['kind'];

export interface Plan {
  seed: number;
  db: DbKind;
  historyMs: number;
  replicas: number;
  /** faketime offset of the last replica ("+90s"), when the plan skews a clock. */
  skew: string | null;
  initialUsers: number;
  steps: Step[];
}

/** Users only the top-up strategy grants (org `nem-t`), so their balance can be judged alone. */
export const TOP_UP_USERS = 8;

/** The top-up strategy's target when a history starts; edits move it within 0.5..3. */
export const INITIAL_TOP_UP_TARGET = 2.5;

/** The longest a gateway fault delays a delta; the daemon's settle time must exceed it. */
export const MAX_DELAY_FAULT_MS = 1500;

/** mulberry32: a tiny seeded PRNG, so the plan needs no state beyond the seed. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const int = (r: Random, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Random, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
const cents = (r: Random, lo: number, hi: number) => int(r, lo * 100, hi * 100) / 100;

function gatewayFault(r: Random): { fault: GatewayFaultKind; faults: object } {
  const fault = pick(r, ['hold', 'late', 'drop', 'reorder', 'fail'] as const);
  const rate = int(r, 5, 30) / 100;
  const ms = int(r, 300, MAX_DELAY_FAULT_MS);
  switch (fault) {
    case 'hold':
      return { fault, faults: { hold_delta_rate: rate, hold_delta_ms: ms } };
    case 'late':
      return { fault, faults: { late_apply_rate: rate, late_apply_ms: ms } };
    case 'drop':
      return { fault, faults: { drop_after_apply_rate: rate } };
    case 'reorder':
      return { fault, faults: { reorder_window_ms: int(r, 50, 500) } };
    case 'fail':
      return { fault, faults: { failure_rate: rate, status: 503 } };
  }
}

const WEIGHTS: readonly [StepKind, number][] = [
  ['kill', 2],
  ['stall', 2],
  ['gateway', 4],
  ['consume', 2],
  ['db_restart', 1],
  ['edit_amount', 2],
  ['edit_condition', 1],
  ['toggle', 1],
  ['import', 2],
  ['run', 2],
];

function stepKind(r: Random, db: DbKind): StepKind {
  // SQLite is a file: there is no server to restart.
  const weights = WEIGHTS.filter(([kind]) => db !== 'sqlite' || kind !== 'db_restart');
  let roll = r() * weights.reduce((sum, [, w]) => sum + w, 0);
  for (const [kind, weight] of weights) {
    roll -= weight;
    if (roll < 0) return kind;
  }
  return weights[weights.length - 1]![0];
}

function step(r: Random, plan: Omit<Plan, 'steps'>, atMs: number, users: number): Step {
  const roles = ['periodic', 'single', 'capped', 'topup'] as const;
  const replica = int(r, 0, plan.replicas - 1);
  const kind = stepKind(r, plan.db);
  switch (kind) {
    case 'kill':
      return { atMs, kind, replica };
    case 'stall':
      // Past the 3 s lease, so another replica (or the same one, woken) takes over.
      return { atMs, kind, replica, durationMs: int(r, 3500, 6000) };
    case 'gateway':
      return { atMs, kind, ...gatewayFault(r), durationMs: int(r, 1000, 5000) };
    case 'consume': {
      const topUp = r() < 0.5;
      const userIndex = int(r, 0, (topUp ? TOP_UP_USERS : users) - 1);
      return { atMs, kind, userIndex, topUp, amount: cents(r, 0.01, 5) };
    }
    case 'db_restart':
      return { atMs, kind, downMs: int(r, 500, 3000) };
    case 'edit_amount':
      return { atMs, kind, strategy: pick(r, roles), amount: cents(r, 0.5, 3) };
    case 'edit_condition':
      return { atMs, kind, wide: r() < 0.5 };
    case 'toggle':
      return { atMs, kind, strategy: pick(r, roles), durationMs: int(r, 500, 4000) };
    case 'import': {
      const switched = Array.from({ length: int(r, 0, 5) }, () => int(r, 0, users - 1));
      return { atMs, kind, newUsers: int(r, 5, 30), switchedUsers: switched };
    }
    case 'run':
      return { atMs, kind, strategy: pick(r, roles), replica };
  }
}

export function planHistory(seed: number, db: DbKind, historyMs: number): Plan {
  const r = mulberry32(seed ^ (db === 'sqlite' ? 0x51 : db === 'postgresql' ? 0x9e : 0x3c));
  const replicas = db === 'sqlite' ? 1 : int(r, 2, 3);
  const skewed = db !== 'sqlite' && r() < 0.7;
  const skew = skewed ? `${r() < 0.5 ? '+' : '-'}${int(r, 30, 120)}s` : null;
  const base = { seed, db, historyMs, replicas, skew, initialUsers: int(r, 50, 150) };
  // About one step per 800 ms, at random offsets; the last second is left for the scans.
  const count = Math.max(4, Math.round(historyMs / 800));
  const offsets = Array.from({ length: count }, () => int(r, 500, historyMs - 1000)).sort(
    (x, y) => x - y,
  );
  let users = base.initialUsers;
  const steps = offsets.map((atMs) => {
    const next = step(r, base, atMs, users);
    if (next.kind === 'import') users += next.newUsers;
    return next;
  });
  return { ...base, steps };
}
