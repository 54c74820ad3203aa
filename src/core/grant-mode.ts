// Grant modes: what one grant sends to the gateway, given the strategy's mode and (for the modes
// that need it) the user's balance as the gateway reports it. Pure arithmetic on integer
// hundredths, no I/O: the delivery step reads the balance and executes the plan.
//
// - add:    a delta of `amount` (the balance grows by amount, whatever it was);
// - top_up: `amount` is a target balance: a delta of max(0, target − balance);
// - reset:  the balance becomes `amount`, with the gateway's refresh call (an absolute value).
//
// "Balance" is what the user can still spend. The total-and-used protocol keeps two counters
// (balance = total − used, and refresh sets the total, so a reset sets total = used + amount);
// a single-counter gateway keeps the balance itself (used is 0 and refresh sets the balance).

export const GRANT_MODES = ['add', 'top_up', 'reset'] as const;
export type GrantMode = (typeof GRANT_MODES)[number];

/** How the gateway keeps a user's spendable balance (setting AIGATEWAY_BALANCE). */
export const BALANCE_PROTOCOLS = ['total_minus_used', 'quota'] as const;
export type BalanceProtocol = (typeof BALANCE_PROTOCOLS)[number];

/** A user's balance as read from the gateway. */
export interface BalanceReading {
  /** What the user can still spend. */
  balance: number;
  /** The used counter a refresh must add to; 0 on a single-counter gateway. */
  used: number;
}

/** What to send for one grant. */
export type GrantPlan =
  | { kind: 'delta'; value: number }
  /** Set the gateway's counter (the total, or the single balance) to `value`. */
  | { kind: 'refresh'; value: number }
  /** A top-up that found the balance at or above its target: nothing to send. */
  | { kind: 'nothing' };

/** Whether a mode reads the balance before sending. */
export function readsBalance(mode: GrantMode): boolean {
  return mode !== 'add';
}

/**
 * Whether a grant of this mode may be re-sent after an uncertain outcome against a gateway
 * that ignores Idempotency-Key. A reset sends an absolute value (re-sending it is harmless), and
 * a top-up re-reads the balance before every send, so a delivered first attempt leaves nothing
 * (or only what was consumed in between) to send again. An add would add twice.
 */
export function resendableWhenUncertain(mode: GrantMode): boolean {
  return mode !== 'add';
}

/** The balance a mode reads, from the gateway's counters (quota = the total, or the balance). */
export function balanceFrom(
  protocol: BalanceProtocol,
  quota: number,
  used: number,
): BalanceReading {
  if (protocol === 'quota') return { balance: quota, used: 0 };
  return { balance: fromCents(toCents(quota) - toCents(used)), used };
}

/** What to send; `reading` is required for top_up and reset. */
export function planGrant(
  mode: GrantMode,
  amount: number,
  reading: BalanceReading | null,
): GrantPlan {
  if (mode === 'add') return { kind: 'delta', value: amount };
  if (reading === null) throw new Error(`grant mode ${mode} needs the user's balance`);
  if (mode === 'reset')
    return { kind: 'refresh', value: fromCents(toCents(reading.used) + toCents(amount)) };
  const missing = toCents(amount) - toCents(reading.balance);
  return missing > 0 ? { kind: 'delta', value: fromCents(missing) } : { kind: 'nothing' };
}

/**
 * How much the plan changes the user's balance (what the ledger records as `delta_sent` and
 * statistics sum): the delta itself, 0 for nothing, and for a reset the difference between the
 * new balance and the one read (negative when a reset drains).
 */
export function balanceChange(
  plan: GrantPlan,
  amount: number,
  reading: BalanceReading | null,
): number {
  if (plan.kind === 'delta') return plan.value;
  if (plan.kind === 'nothing') return 0;
  return fromCents(toCents(amount) - toCents(reading?.balance ?? 0));
}

// Amounts have at most two decimals; adding them as integer hundredths keeps the sums exact.
const toCents = (amount: number) => Math.round(amount * 100);
const fromCents = (cents: number) => cents / 100;
