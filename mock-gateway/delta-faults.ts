// When one grant delta takes effect, under the timing faults (Faults.hold_delta_*, late_apply_*,
// reorder_window_ms): a plan from the dice (pure, so a test can pick the outcome), then the
// waiting. Nothing here watches the client: a delta applies when its wait ends, whether or not
// anyone is still there for the answer.
import { roll, type Faults } from './faults.ts';
import { sleep } from './sleep.ts';

export interface DeltaTiming {
  /**
   * Destroy the connection before applying, so the client cannot know whether the delta will
   * take effect (late_apply). Otherwise the answer follows the apply.
   */
  dropFirst: boolean;
  /** Wait this long before applying (0: at once). */
  delayMs: number;
}

/** A delta the timing faults leave alone. */
export const AT_ONCE: DeltaTiming = { dropFirst: false, delayMs: 0 };

/**
 * Dice are rolled in this order, each only when its setting can fire: late_apply_rate, then
 * hold_delta_rate, then one draw for the reorder delay. A late delta is neither held nor
 * reordered (its delay is late_apply_ms); a held delta may also be reordered (the delays add).
 */
export function planDelta(faults: Faults, random: () => number): DeltaTiming {
  if (roll(faults.late_apply_rate, random))
    return { dropFirst: true, delayMs: faults.late_apply_ms };
  let delayMs = 0;
  if (roll(faults.hold_delta_rate, random)) delayMs += faults.hold_delta_ms;
  if (faults.reorder_window_ms > 0) {
    // min(): injected dice may return 1, which Math.random never does.
    const window = faults.reorder_window_ms;
    delayMs += Math.min(window - 1, Math.floor(random() * window));
  }
  return { dropFirst: false, delayMs };
}

export type TimedApply<T> =
  | { kind: 'applied'; result: T }
  /** The connection was destroyed; the apply runs later, in the background. */
  | { kind: 'late' }
  /** A reset or shutdown (`signal`) came first: nothing was applied, nothing will be. */
  | { kind: 'dropped' };

/**
 * Runs `apply` as `timing` says. `dropConnection` answers false when there is no socket to
 * destroy (app.request); a late delta is then waited for like a held one and answered.
 */
export async function applyWithTiming<T>(
  timing: DeltaTiming,
  signal: AbortSignal,
  dropConnection: () => boolean,
  apply: () => T,
): Promise<TimedApply<T>> {
  if (timing.dropFirst && dropConnection()) {
    sleep(timing.delayMs, signal)
      .then(() => {
        if (!signal.aborted) apply();
      })
      .catch((error: unknown) => console.error('mock gateway: late delta failed', error));
    return { kind: 'late' };
  }
  if (timing.delayMs > 0) {
    await sleep(timing.delayMs, signal);
    if (signal.aborted) return { kind: 'dropped' };
  }
  return { kind: 'applied', result: apply() };
}
