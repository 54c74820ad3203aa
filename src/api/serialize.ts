// Domain objects → the API's snake_case JSON.
import type { Strategy } from '../core/strategy.ts';
import type { Execution } from '../db/execution-repository.ts';
import type { UserRecord } from '../db/user-repository.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function strategyJson(s: Strategy) {
  return {
    id: s.id,
    name: s.name,
    title: s.title,
    type: s.type,
    amount: s.amount,
    model: s.model,
    periodic_expr: s.periodicExpr,
    timezone: s.timezone,
    condition: s.condition,
    enabled: s.enabled,
    max_exec_per_user: s.maxExecPerUser,
    missed_runs: s.missedRuns,
    max_catch_up: s.maxCatchUp,
    start_at: iso(s.startAt),
    end_at: iso(s.endAt),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

export function executionJson(e: Execution) {
  return {
    id: e.id,
    strategy_id: e.strategyId,
    user_id: e.userId,
    occurrence: e.occurrence,
    amount: e.amount,
    status: e.status,
    attempts: e.attempts,
    last_error: e.lastError,
    catch_up: e.catchUp,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function userJson(u: UserRecord) {
  return {
    id: u.id,
    name: u.name,
    github_username: u.githubUsername,
    email: u.email,
    phone: u.phone,
    vip: u.vip,
    org: u.org,
    github_stars: u.githubStars,
    register_time: iso(u.registerTime),
    access_time: iso(u.accessTime),
  };
}
