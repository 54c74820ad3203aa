// The lot pass's steps after the settle passes: claim the expiries a stopped pass decided but
// did not claim, record lots for applied grants, and expire the lots that are due. Each step
// reads the gateway first, decides with lot-event.ts, writes the lots in one transaction and
// only then claims the expiries' ledger rows: the amount a row carries is the one decided.
import { idempotencyKey, type ClaimedEntry, type NewLedgerEntry } from '../model/ledger-entry.ts';
import type { NewLot, UnrecordedLotGrant } from '../ports/lot-store.ts';
import type { RunLease } from '../scan/run-lease.ts';
import type { LotPassDeps } from './lot-pass-deps.ts';
import { userLotEvent, type UserLotEvent } from './lot-event.ts';
import { expiryFor } from './lot-terms.ts';
import { EXPIRY_STRATEGY_ID, expiryOccurrence, type Lot } from './lot.ts';
import { readUsers } from './user-readings.ts';

const groupBy = <T>(items: readonly T[], key: (item: T) => string) => {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
};

function expiryEntry(lot: Lot, takeBack: number): NewLedgerEntry {
  const occurrence = expiryOccurrence(lot);
  return {
    strategyId: EXPIRY_STRATEGY_ID,
    occurrence,
    userId: lot.userId,
    amount: -takeBack,
    mode: 'add',
    idempotencyKey: idempotencyKey(EXPIRY_STRATEGY_ID, occurrence, lot.userId),
    catchUp: false,
  };
}

function lotFromGrant(grant: UnrecordedLotGrant, tempId: number): Lot {
  return {
    id: tempId,
    userId: grant.userId,
    strategyId: grant.strategyId,
    occurrence: grant.occurrence,
    source: 'grant',
    amount: grant.amount,
    consumed: 0,
    grantedAt: grant.appliedAt,
    expiresAt: expiryFor(grant.terms, grant.appliedAt),
    priority: grant.terms.priority,
    rolloverMax: grant.terms.rolloverMax,
    carryExpiresAt: grant.terms.carryExpiresAt,
    state: 'active',
    expiredAmount: null,
    carried: null,
    expiryStatus: null,
  };
}

const toNewLot = (lot: Lot, grantId: number, consumedCents: number | undefined): NewLot => ({
  strategyId: lot.strategyId,
  occurrence: lot.occurrence,
  userId: lot.userId,
  source: 'grant',
  grantId,
  amount: lot.amount,
  consumed: (consumedCents ?? 0) / 100,
  grantedAt: lot.grantedAt,
  expiresAt: lot.expiresAt,
  priority: lot.priority,
  rolloverMax: lot.rolloverMax,
  carryExpiresAt: lot.carryExpiresAt,
});

/**
 * Lots per page of the pass: each page's users go into a few id lists, which Prisma bounds by
 * the bind values it assumes SQLite takes (999), whatever SCAN_PAGE_SIZE says.
 */
const LOT_PAGE = 400;

export class LotSteps {
  recorded = 0;
  claimed = 0;
  private readonly page: number;

  constructor(
    private readonly deps: LotPassDeps,
    private readonly lease: RunLease,
    private readonly submit: (claimed: ClaimedEntry[]) => Promise<void>,
    private readonly stopped: () => boolean,
  ) {
    this.page = Math.min(deps.pageSize, LOT_PAGE);
  }

  /** Expiries decided (lots `expiring`) whose ledger rows a stopped pass never claimed. */
  async claimLeftBehind(): Promise<void> {
    const lots = await this.deps.lots.expiringLots(this.page);
    await this.claim(lots.map((lot) => ({ lot, takeBack: lot.expiredAmount ?? 0 })));
  }

  /** Lots for grants applied since the last pass: a lot event for each of their users. */
  async recordNewLots(): Promise<void> {
    let afterId = 0;
    while (!this.stopped()) {
      const grants = await this.deps.lots.unrecordedLotGrants(this.page, afterId);
      if (grants.length === 0) return;
      afterId = grants[grants.length - 1]!.grantId;
      const fresh = grants.map((g, i) => ({ grant: g, lot: lotFromGrant(g, -1 - i) }));
      const byUser = groupBy(fresh, (f) => f.grant.userId);
      const events = await this.events([...byUser.keys()], (userId) =>
        byUser.get(userId)!.map((f) => f.lot),
      );
      const newLots: NewLot[] = [];
      for (const [userId, event] of events)
        for (const { grant, lot } of byUser.get(userId)!)
          newLots.push(toNewLot(lot, grant.grantId, event.consumed.get(lot.id)));
      if (await this.write(events, newLots)) this.recorded += newLots.length;
    }
  }

  /** Lots due at `now`: one lot event per user, then their expiries are claimed and sent. */
  async expireDue(now: Date): Promise<void> {
    let afterId = 0;
    while (!this.stopped()) {
      const due = await this.deps.lots.dueLots(now, this.page, afterId);
      if (due.length === 0) return;
      afterId = due[due.length - 1]!.id;
      const byUser = groupBy(due, (lot) => lot.userId);
      const events = await this.events([...byUser.keys()], () => [], byUser);
      const expiring = [...events.values()].flatMap((e) => e.expiring);
      if (!(await this.write(events, []))) continue;
      await this.claim(expiring.map((e) => ({ lot: e.lot, takeBack: e.takeBackCents / 100 })));
    }
  }

  /** Reads the users and computes each one's event; users not read are left out. */
  private async events(
    userIds: string[],
    fresh: (userId: string) => Lot[],
    due?: Map<string, Lot[]>,
  ): Promise<Map<string, UserLotEvent>> {
    const { gateway, logger, delivery, lots } = this.deps;
    const readings = await readUsers(userIds, gateway, delivery.balance, logger);
    const read = userIds.filter((id) => readings.has(id));
    const [active, seen] = await Promise.all([lots.activeLots(read), lots.usedSeen(read)]);
    const activeByUser = groupBy(active, (lot) => lot.userId);
    const events = new Map<string, UserLotEvent>();
    for (const userId of read) {
      const mine = activeByUser.get(userId) ?? [];
      const dueIds = new Set((due?.get(userId) ?? []).map((l) => l.id));
      const dueLots = mine.filter((l) => dueIds.has(l.id));
      const event = userLotEvent(
        readings.get(userId)!,
        mine,
        dueLots,
        seen.get(userId),
        fresh(userId),
      );
      events.set(userId, event);
    }
    return events;
  }

  private async write(events: Map<string, UserLotEvent>, newLots: NewLot[]): Promise<boolean> {
    if (events.size === 0) return false;
    const all = [...events.values()];
    const written = await this.deps.lots.writeLotEvent({
      consumed: all.flatMap((e) =>
        [...e.consumed].filter(([id]) => id > 0).map(([id, c]) => ({ id, consumed: c / 100 })),
      ),
      usage: all.flatMap((e) => (e.usage ? [e.usage] : [])),
      newLots: [...newLots, ...all.flatMap((e) => e.rollovers)],
      expiring: all.flatMap((e) =>
        e.expiring.map(({ lot, takeBackCents, carryCents }) => ({
          id: lot.id,
          expiredAmount: takeBackCents / 100,
          carried: lot.carryExpiresAt !== null && lot.source === 'grant' ? carryCents / 100 : null,
        })),
      ),
    });
    if (!written)
      this.deps.logger.warn(
        'lot event not written: lots changed meanwhile; the next pass retries',
        {
          users: events.size,
        },
      );
    return written;
  }

  /**
   * Claims the expiries' ledger rows (the claim fixes the amount sent), then marks the lots
   * whose row now exists `expired`: a row claimed by an earlier pass is settled by the settle
   * passes, never claimed twice (the UNIQUE key).
   */
  private async claim(expiries: { lot: Lot; takeBack: number }[]): Promise<void> {
    if (expiries.length === 0 || this.lease.lost()) return;
    const entries = expiries.map((e) => expiryEntry(e.lot, e.takeBack));
    const claimed = await this.deps.store.claimEntries(entries, this.lease.fence);
    this.claimed += claimed.length;
    await this.deps.lots.markExpired(expiries.map((e) => e.lot));
    await this.submit(claimed);
  }
}
