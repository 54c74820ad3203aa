// Domain objects → the API's snake_case JSON. The CLI's --json output uses the same shapes.
import { changesInWireNames } from '../core/model/audit-wire-names.ts';
import type { FunctionSpec } from '../condition/index.ts';
import { remainingCents, type Lot } from '../core/lots/lot.ts';
import type { AuditEvent } from '../core/model/audit.ts';
import type { LedgerEntry } from '../core/model/ledger-entry.ts';
import { LEDGER_STATUSES } from '../core/model/ledger-entry.ts';
import { centsToAmount, type TotalsByStatus } from '../core/model/ledger-totals.ts';
import type {
  HeldOccurrence,
  PreviewResult,
  RunNowResult,
  ScanSummary,
} from '../core/model/run-result.ts';
import type { User } from '../core/model/user.ts';
import type { GatewayBalance } from '../core/use-cases/gateway-balance.ts';
import type { SchedulePreview } from '../core/use-cases/preview-schedule.ts';
import type { PeriodTotals, StrategyStats } from '../core/use-cases/grant-stats.ts';
import { formatInZone } from '../core/time-zone.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

// A strategy's answer is read off the field table, beside its wire types.
export { strategyJson } from './strategy-wire.ts';

/** A credit lot; `remaining` is what an expiry would take back now, as of the last lot event. */
export function lotJson(l: Lot) {
  return {
    id: l.id,
    user_id: l.userId,
    strategy_id: l.strategyId,
    occurrence: l.occurrence,
    source: l.source,
    amount: l.amount,
    consumed: l.consumed,
    remaining: l.state === 'active' ? remainingCents(l) / 100 : 0,
    granted_at: l.grantedAt.toISOString(),
    expires_at: l.expiresAt.toISOString(),
    priority: l.priority,
    state: l.state,
    expired_amount: l.expiredAmount,
    carried: l.carried,
    expiry_status: l.expiryStatus,
  };
}

export function ledgerEntryJson(e: LedgerEntry) {
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
    mode: e.mode,
    balance_before: e.balanceBefore,
    delta_sent: e.deltaSent,
    target: e.target,
    strategy_version: e.strategyVersion,
    created_at: e.createdAt.toISOString(),
    updated_at: e.updatedAt.toISOString(),
  };
}

export function userJson(u: User) {
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

export function scanSummaryJson(s: ScanSummary) {
  return {
    strategies: s.strategies,
    matched: s.matched,
    granted: s.granted,
    skipped: s.skipped,
    failed: s.failed,
    duration_ms: s.durationMs,
  };
}

export function heldJson(h: HeldOccurrence | null) {
  if (h === null) return null;
  return {
    occurrence: h.occurrence,
    needed_users: h.neededUsers,
    needed_amount: h.neededAmount,
    max_users_per_occurrence: h.maxUsers,
    max_amount_per_occurrence: h.maxAmount,
  };
}

export function runResultJson(r: RunNowResult) {
  return {
    ...scanSummaryJson(r),
    occurrence: r.occurrence,
    held: heldJson(r.held),
    gateway_available: r.gatewayAvailable,
  };
}

export function previewJson(p: PreviewResult) {
  return {
    occurrence: p.occurrence,
    occurrence_done: p.occurrenceDone,
    matched: p.matched,
    already_granted: p.alreadyGranted,
    capped: p.capped,
    held_by_budget: p.heldByBudget,
    would_grant: p.wouldGrant,
    total_amount: p.totalAmount,
    held: heldJson(p.held),
    sample_user_ids: p.sampleUserIds,
    amounts_from: p.amountsFrom,
    sample_changes:
      p.sampleChanges?.map((c) => ({ user_id: c.userId, balance: c.balance, change: c.change })) ??
      null,
    balance_unread: p.balanceUnread,
    balance_not_read: p.balanceNotRead,
    lot_expires_at: iso(p.lotExpiresAt),
  };
}

function totalsJson(byStatus: TotalsByStatus) {
  let grants = 0;
  let cents = 0n;
  const statuses = Object.fromEntries(
    LEDGER_STATUSES.map((status) => {
      const totals = byStatus[status];
      grants += totals.grants;
      cents += totals.cents;
      return [status, { grants: totals.grants, amount: centsToAmount(totals.cents) }];
    }),
  ) as Record<(typeof LEDGER_STATUSES)[number], { grants: number; amount: number }>;
  return { total: { grants, amount: centsToAmount(cents) }, by_status: statuses };
}

export function periodTotalsJson(p: PeriodTotals) {
  const zone = p.timeZone;
  return {
    time_zone: zone,
    generated_at: formatInZone(p.generatedAt, zone),
    today: { since: formatInZone(p.today.since, zone), ...totalsJson(p.today.totals) },
    this_month: { since: formatInZone(p.thisMonth.since, zone), ...totalsJson(p.thisMonth.totals) },
    all_time: { since: null, ...totalsJson(p.allTime) },
    expired_amount: {
      today: centsToAmount(p.expired.today),
      this_month: centsToAmount(p.expired.thisMonth),
      all_time: centsToAmount(p.expired.allTime),
    },
  };
}

const fireTime = (at: Date, zone: string) => ({
  at: at.toISOString(),
  local: formatInZone(at, zone),
});

export function strategyStatsJson(s: StrategyStats) {
  const zone = s.strategy.timezone;
  return {
    ...periodTotalsJson(s),
    strategy_id: s.strategy.id,
    strategy_time_zone: zone,
    last_occurrence: s.lastOccurrence === null ? null : fireTime(s.lastOccurrence, zone),
    next_occurrences: s.nextOccurrences.map((at) => fireTime(at, zone)),
    recent_occurrences: s.recentOccurrences.map((o) => ({
      occurrence: o.occurrence,
      ...totalsJson(o.byStatus),
    })),
    held: s.held.map((h) => heldJson(h)!),
    closed_holds: s.closedHolds.map((h) => ({
      occurrence: h.occurrence,
      status: h.status,
      closed_at: h.closedAt.toISOString(),
    })),
  };
}

export function gatewayBalanceJson(b: GatewayBalance) {
  return {
    user_id: b.userId,
    protocol: b.protocol,
    balance: b.balance,
    used: b.used,
    read_at: b.readAt.toISOString(),
    error: b.error,
  };
}

export const auditEventJson = (e: AuditEvent) => ({
  id: e.id,
  at: e.at.toISOString(),
  actor: e.actor,
  action: e.action,
  target_type: e.targetType,
  target_id: e.targetId,
  changes: e.changes === null ? null : changesInWireNames(e.changes),
  request_id: e.requestId,
});

/** A condition function of the registry, as GET /api/v1/conditions/functions lists it. */
export function conditionFunctionJson(f: FunctionSpec) {
  const params = f.params.map((p) => `${p.name}: ${p.type}`).join(', ');
  return {
    name: f.name,
    signature: `${f.name}(${params}${f.variadic ? ', ...' : ''})`,
    description: f.description,
    example: f.example,
    needs_gateway: f.needsGateway,
  };
}

/** GET /api/v1/me: the caller a token resolved to. */
export function callerJson(caller: { name: string; role: 'admin' | 'viewer' }) {
  return { name: caller.name, role: caller.role };
}

export function schedulePreviewJson(p: SchedulePreview) {
  return {
    cron: p.cron,
    timezone: p.timeZone,
    description: p.description,
    fire_times: p.fireTimes.map((t) => ({ at: t.at.toISOString(), local: t.local })),
  };
}
