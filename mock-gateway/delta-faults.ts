// When one grant delta takes effect, under the timing faults (Faults.hold_delta_*, late_apply_*,
// reorder_window_ms). Pure: the dice are a parameter, so a test can pick the outcome.
import { roll, type Faults } from './faults.ts';

export interface DeltaTiming {
  /**
   * Destroy the connection before applying, so the client cannot know whether the delta will
   * take effect (late_apply). Otherwise the answer follows the apply.
   */
  dropFirst: boolean;
  /** Wait this long before applying (0: at once). */
  delayMs: number;
}

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
