// What a run may still claim for one occurrence under its budget caps: the caps (or the bounds
// of an approval) minus what the occurrence's ledger rows already count, spent page by page as
// users are claimed. The budget check counts the occurrence once, before the first claim;
// users who start to match after that (an import arriving mid-run) are read by the run's later
// pages, and this is what keeps them from being granted past the cap: a cap bounds what is
// claimed, not only what was counted.
import { readsBalance } from '../grant-mode.ts';
import type { Strategy } from '../model/strategy.ts';
import { grantChanges, NOT_READ, type AmountDeps } from './grant-amount.ts';

/** What may still be claimed; null: no cap on that measure. */
export interface Remaining {
  users: number | null;
  amountCents: number | null;
}

export class ClaimAllowance {
  private leftOut = 0;

  /** An occurrence with no cap: every user may be claimed. */
  static unlimited(): ClaimAllowance {
    return new ClaimAllowance(null, { users: null, amountCents: null }, null);
  }

  constructor(
    private readonly strategy: Strategy | null,
    private readonly left: Remaining,
    private readonly deps: AmountDeps | null,
  ) {}

  /** True once a cap has left a user out: the occurrence is not finished. */
  get cut(): boolean {
    return this.leftOut > 0;
  }

  /**
   * The users of `userIds` that still fit, in their order; the allowance is spent on them. The
   * others are left out: they wait for an approval or the next occurrence.
   */
  async take(userIds: readonly string[]): Promise<string[]> {
    const { left } = this;
    if (left.users === null && left.amountCents === null) return [...userIds];
    if (left.users !== null && left.users <= 0) {
      this.leftOut += userIds.length;
      return [];
    }
    const costs = await this.costs(userIds);
    const taken: string[] = [];
    for (const [i, userId] of userIds.entries()) {
      const cost = costs[i]!;
      const fits =
        (left.users === null || left.users > 0) &&
        (left.amountCents === null || cost <= left.amountCents);
      if (!fits) {
        this.leftOut++;
        continue;
      }
      taken.push(userId);
      if (left.users !== null) left.users--;
      if (left.amountCents !== null) left.amountCents -= cost;
    }
    return taken;
  }

  /**
   * What each claim counts against the amount cap, in cents: `add` its amount. `top_up` and
   * `reset` change a balance by what it is at send time, unknown when claiming: each counts the
   * raise its balance read now shows (max(0, change), a reset that drains counts 0), or its
   * target when the balance cannot be read. A user who spends between this read and the send
   * (a page or so later) is raised by that much more; docs/api.md, Budgets, says so.
   */
  private async costs(userIds: readonly string[]): Promise<number[]> {
    const { strategy, deps } = this;
    if (this.left.amountCents === null || strategy === null || deps === null)
      return userIds.map(() => 0);
    const target = Math.round(strategy.amount * 100);
    if (!readsBalance(strategy.mode)) return userIds.map(() => target);
    const changes = await grantChanges(strategy, userIds, deps);
    return changes.map((c) =>
      c === null || c === NOT_READ ? target : Math.max(0, Math.round(c.change * 100)),
    );
  }
}
