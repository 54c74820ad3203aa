// The shapes of the API answers the console reads (the public contract: docs/api.md and
// /openapi.json). Fields added by newer servers are optional so the console reads older ones.

export interface Totals {
  grants: number;
  amount: number;
}
export type LedgerStatus = 'pending' | 'sending' | 'applied' | 'failed' | 'unknown';
export interface Period {
  since: string | null;
  total: Totals;
  by_status: Partial<Record<LedgerStatus, Totals>>;
}
export interface Stats {
  time_zone: string;
  generated_at: string;
  today: Period;
  this_month: Period;
  all_time: Period;
}
export interface FireTime {
  at: string;
  local: string;
}
export interface Held {
  occurrence: string;
  needed_users: number;
  needed_amount: number;
  max_users_per_occurrence: number | null;
  max_amount_per_occurrence: number | null;
}
export interface StrategyStats extends Stats {
  strategy_id: number;
  strategy_time_zone: string;
  last_occurrence: FireTime | null;
  next_occurrences: FireTime[];
  recent_occurrences: ({ occurrence: string } & Omit<Period, 'since'>)[];
  /** Every occurrence a budget cap holds now (empty when none; absent on older servers). */
  held?: Held[];
}
export interface Strategy {
  id: number;
  name: string;
  title: string;
  type: 'single' | 'periodic';
  amount: number;
  model: string | null;
  periodic_expr: string | null;
  timezone: string;
  condition: string;
  enabled: boolean;
  max_exec_per_user: number;
  missed_runs: 'skip' | 'catch_up';
  max_catch_up: number;
  start_at: string | null;
  end_at: string | null;
  created_at: string;
  updated_at: string;
  version?: number;
  mode?: string;
  max_users_per_occurrence?: number | null;
  max_amount_per_occurrence?: number | null;
}
export interface LedgerRow {
  id: number;
  strategy_id: number;
  user_id: string;
  occurrence: string;
  amount: number;
  status: LedgerStatus;
  attempts: number;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  strategy_version?: number;
  mode?: 'add' | 'top_up' | 'reset';
  balance_before?: number | null;
  delta_sent?: number | null;
  target?: number | null;
}
/** GET /api/v1/users/{id}/balance: the gateway's view of a user now. */
export interface GatewayBalance {
  user_id: string;
  protocol: string;
  balance: number | null;
  used: number | null;
  read_at: string;
  error: string | null;
}
export interface Page<T> {
  items: T[];
  total?: number;
  next_cursor?: string | null;
}
export interface Preview {
  occurrence: string | null;
  occurrence_done?: boolean;
  matched: number;
  already_granted?: number;
  capped?: number;
  held_by_budget?: number;
  would_grant: number;
  total_amount: number;
  sample_user_ids?: string[];
  sample?: unknown[];
  held?: Held | null;
}
export interface User {
  id: string;
  name: string | null;
  github_username: string | null;
  email: string | null;
  phone: string | null;
  vip: number;
  org: string | null;
  github_stars: string[];
  register_time: string | null;
  access_time: string | null;
}
export interface ExplainNode {
  text: string;
  result: boolean | 'unknown';
  observed?: Record<string, unknown>;
  children?: ExplainNode[];
}
export interface Explanation {
  verdict: string;
  occurrence: string | null;
  reasons?: string[];
  condition?: ExplainNode | null;
  ledger?: LedgerRow | null;
}
export interface AuditEvent {
  id: number | string;
  at: string;
  actor: string;
  action: string;
  target_type: string;
  target_id: string | null;
  changes?: unknown;
  request_id?: string | null;
}
