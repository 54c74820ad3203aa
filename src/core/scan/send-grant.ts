// Sends one grant in its mode: reads the balance when the mode needs it (top_up, reset), plans
// what to send (core/grant-mode.ts) and sends it. A retry of the same ledger row goes through
// here again, so a top-up is always computed from a balance read just before its send: a
// first attempt that did arrive leaves nothing (or only what was consumed in between) to add.
import {
  balanceChange,
  balanceFrom,
  planGrant,
  readsBalance,
  type BalanceProtocol,
  type BalanceReading,
  type GrantMode,
} from '../grant-mode.ts';
import type { Deadline } from '../clock.ts';
import type { ClaimedEntry } from '../model/ledger-entry.ts';
import type { GrantGateway } from '../ports/gateway.ts';

/** What a delivery observed and sent, filled in as it goes (kept when a later step fails). */
export interface GrantTrace {
  balanceBefore: number | null;
  deltaSent: number | null;
}

/** Reads the user's balance the way the gateway keeps it. */
export async function readBalance(
  gateway: GrantGateway,
  userId: string,
  protocol: BalanceProtocol,
): Promise<BalanceReading> {
  if (protocol === 'quota') return balanceFrom(protocol, await gateway.getQuota(userId), 0);
  const [quota, used] = await Promise.all([gateway.getQuota(userId), gateway.getUsed(userId)]);
  return balanceFrom(protocol, quota, used);
}

/** Sends the grant; rejects with the gateway's failure. `trace` says what was read and sent. */
export async function sendGrant(
  entry: ClaimedEntry,
  gateway: GrantGateway,
  protocol: BalanceProtocol,
  trace: GrantTrace,
  sendBefore?: Deadline,
): Promise<void> {
  const mode = entry.mode ?? 'add';
  const reading = readsBalance(mode) ? await readBalance(gateway, entry.userId, protocol) : null;
  trace.balanceBefore = reading?.balance ?? null;
  const plan = planGrant(mode, entry.amount, reading);
  // Recorded before the call: if its outcome is uncertain, the row still says what was sent.
  trace.deltaSent = balanceChange(plan, entry.amount, reading);
  if (plan.kind === 'delta') {
    await gateway.deltaQuota(entry.userId, plan.value, {
      idempotencyKey: entry.idempotencyKey,
      sendBefore,
    });
  } else if (plan.kind === 'refresh') {
    await gateway.refreshQuota(entry.userId, plan.value, { sendBefore });
  }
}

/** The balance change a grant would make now (preview): a live read for top_up and reset. */
export async function previewChange(
  mode: GrantMode,
  amount: number,
  userId: string,
  gateway: GrantGateway,
  protocol: BalanceProtocol,
): Promise<{ balance: number | null; change: number }> {
  const reading = readsBalance(mode) ? await readBalance(gateway, userId, protocol) : null;
  return {
    balance: reading?.balance ?? null,
    change: balanceChange(planGrant(mode, amount, reading), amount, reading),
  };
}
