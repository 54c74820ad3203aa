// Fault settings that tests steer through `POST /__mock/faults`. Each request rolls its own
// dice, so a rate between 0 and 1 gives a realistic mix of good and bad answers.
import { z } from 'zod';

export interface Faults {
  /** Share of gateway requests answered with `status` before anything is applied. */
  failure_rate: number;
  /**
   * Epoch milliseconds until which every gateway request is answered with `status`: an outage
   * that ends by itself (set through `down_for_s`), so a demo can show the daemon riding one out
   * without anyone stopping a process. null: no outage.
   */
  down_until_ms: number | null;
  status: number;
  /** Added before every gateway request is handled (so a slow gateway may still apply late). */
  latency_ms: number;
  /** Share of mutating requests that are applied and then have their connection destroyed. */
  drop_after_apply_rate: number;
  /**
   * After each answer dropped that way, this many following requests are answered with
   * `status`: a gateway that went down right after applying, as a crash does.
   */
  fail_after_drop: number;
  /** Sent as Retry-After (seconds) with injected 429 answers; omitted when undefined. */
  retry_after_s: number | undefined;
  /** false emulates the real Higress ai-quota plugin, which ignores Idempotency-Key. */
  honour_idempotency: boolean;
  // The timing faults below touch grant deltas only (`POST {admin_path}/delta`), never reads or
  // refreshes: they exist to make a delta take effect later than, or in another order than, the
  // client believes. delta-faults.ts turns them into a plan for one delta.
  /** Share of grant deltas held `hold_delta_ms` before they are applied (0: none are). */
  hold_delta_rate: number;
  /** How long a held delta waits; it is applied when the wait ends, even if the client left. */
  hold_delta_ms: number;
  /** Share of grant deltas whose connection is destroyed at once, unapplied and unanswered... */
  late_apply_rate: number;
  /** ...and which are applied this long afterwards. */
  late_apply_ms: number;
  /** > 0: each grant delta waits a random time in [0, window) before it applies, then answers. */
  reorder_window_ms: number;
}

export function defaultFaults(honourIdempotency: boolean): Faults {
  return {
    failure_rate: 0,
    down_until_ms: null,
    status: 503,
    latency_ms: 0,
    drop_after_apply_rate: 0,
    fail_after_drop: 0,
    retry_after_s: undefined,
    honour_idempotency: honourIdempotency,
    hold_delta_rate: 0,
    hold_delta_ms: 0,
    late_apply_rate: 0,
    late_apply_ms: 0,
    reorder_window_ms: 0,
  };
}

/** Body of `POST /__mock/faults`: every field optional, unknown fields rejected so typos fail loudly. */
export const faultsPatchSchema = z.strictObject({
  failure_rate: z.number().min(0).max(1).optional(),
  // The gateway is down for this many seconds from now; 0 ends an outage at once.
  down_for_s: z.number().int().min(0).max(86_400).optional(),
  status: z.number().int().min(400).max(599).optional(),
  latency_ms: z.number().int().min(0).max(600_000).optional(),
  drop_after_apply_rate: z.number().min(0).max(1).optional(),
  fail_after_drop: z.number().int().min(0).max(1_000_000).optional(),
  // null clears a previously set Retry-After.
  retry_after_s: z.number().int().min(0).max(86_400).nullable().optional(),
  honour_idempotency: z.boolean().optional(),
  hold_delta_rate: z.number().min(0).max(1).optional(),
  hold_delta_ms: z.number().int().min(0).max(600_000).optional(),
  late_apply_rate: z.number().min(0).max(1).optional(),
  late_apply_ms: z.number().int().min(0).max(600_000).optional(),
  reorder_window_ms: z.number().int().min(0).max(600_000).optional(),
});
export type FaultsPatch = z.input<typeof faultsPatchSchema>;

/**
 * Omitted fields keep their value, and an empty patch `{}` stops every fault (both rules are the
 * contract in ARCHITECTURE.md). `honour_idempotency` is gateway behaviour rather than a failure,
 * so `{}` leaves it as it is.
 */
export function applyFaultsPatch(
  current: Faults,
  patch: z.output<typeof faultsPatchSchema>,
  nowMs: number,
): Faults {
  if (Object.keys(patch).length === 0) return defaultFaults(current.honour_idempotency);
  const next: Faults = { ...current };
  if (patch.failure_rate !== undefined) next.failure_rate = patch.failure_rate;
  if (patch.down_for_s !== undefined)
    next.down_until_ms = patch.down_for_s === 0 ? null : nowMs + patch.down_for_s * 1000;
  if (patch.status !== undefined) next.status = patch.status;
  if (patch.latency_ms !== undefined) next.latency_ms = patch.latency_ms;
  if (patch.drop_after_apply_rate !== undefined)
    next.drop_after_apply_rate = patch.drop_after_apply_rate;
  if (patch.fail_after_drop !== undefined) next.fail_after_drop = patch.fail_after_drop;
  if (patch.retry_after_s !== undefined) next.retry_after_s = patch.retry_after_s ?? undefined;
  if (patch.honour_idempotency !== undefined) next.honour_idempotency = patch.honour_idempotency;
  if (patch.hold_delta_rate !== undefined) next.hold_delta_rate = patch.hold_delta_rate;
  if (patch.hold_delta_ms !== undefined) next.hold_delta_ms = patch.hold_delta_ms;
  if (patch.late_apply_rate !== undefined) next.late_apply_rate = patch.late_apply_rate;
  if (patch.late_apply_ms !== undefined) next.late_apply_ms = patch.late_apply_ms;
  if (patch.reorder_window_ms !== undefined) next.reorder_window_ms = patch.reorder_window_ms;
  return next;
}

/** True with probability `rate`; a rate of 1 always fires and 0 never does, whatever `random` returns. */
export function roll(rate: number, random: () => number): boolean {
  if (rate <= 0) return false;
  if (rate >= 1) return true;
  return random() < rate;
}
