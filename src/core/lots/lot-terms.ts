// The terms a grant's lot gets, from the strategy as it is when the occurrence is first granted:
// when it expires, its priority, and its rollover. A periodic lot's expiry is counted from its
// occurrence; a single strategy's (relative) one from when each user's grant was applied, so the
// terms of `once` keep the rule and the lot computes its instant (expiryFor).
import { nextOccurrences, SINGLE_OCCURRENCE } from '../schedule.ts';
import { expiryInstant, parseExpiryRule } from './expiry-rule.ts';

/** The strategy fields that make a grant a lot. */
export interface LotSettings {
  type: 'single' | 'periodic';
  periodicExpr: string | null;
  timezone: string;
  expiresAfter: string | null;
  expiresAt: Date | null;
  rolloverMax: number | null;
  priority: number;
}

export interface OccurrenceTerms {
  /** Absolute expiry, or null when it depends on when each grant is applied (single + rule). */
  expiresAt: Date | null;
  /** The rule counted from the grant's application (single strategies), else null. */
  expiresAfter: string | null;
  timezone: string;
  priority: number;
  rolloverMax: number | null;
  carryExpiresAt: Date | null;
}

/** The lot settings of a strategy (its `lotPriority` is the lots' `priority`). */
export const lotSettings = (
  s: Omit<LotSettings, 'priority'> & { lotPriority: number },
): LotSettings => ({
  type: s.type,
  periodicExpr: s.periodicExpr,
  timezone: s.timezone,
  expiresAfter: s.expiresAfter,
  expiresAt: s.expiresAt,
  rolloverMax: s.rolloverMax,
  priority: s.lotPriority,
});

export const makesLots = (s: LotSettings): boolean =>
  s.expiresAfter !== null || s.expiresAt !== null || s.rolloverMax !== null;

/** The terms of the occurrence's lots, or null when the strategy's grants are not lots. */
export function occurrenceTerms(s: LotSettings, occurrence: string): OccurrenceTerms | null {
  if (!makesLots(s)) return null;
  const base = { timezone: s.timezone, priority: s.priority, rolloverMax: s.rolloverMax };
  if (occurrence === SINGLE_OCCURRENCE || s.type === 'single' || s.periodicExpr === null) {
    return {
      ...base,
      expiresAt: s.expiresAt,
      expiresAfter: s.expiresAt ? null : s.expiresAfter,
      rolloverMax: null,
      carryExpiresAt: null,
    };
  }
  const at = new Date(occurrence);
  const [next, afterNext] = nextOccurrences(s.periodicExpr, s.timezone, at, 2);
  const expiresAt = periodExpiry(s, at, next);
  const carryExpiresAt =
    s.rolloverMax !== null && next !== undefined ? periodExpiry(s, next, afterNext) : null;
  return { ...base, expiresAt, expiresAfter: null, carryExpiresAt };
}

/**
 * A periodic lot expires by its rule, and with rollover at the next occurrence at the latest
 * (that is when its remainder is carried); a far-future fallback only if neither exists.
 */
function periodExpiry(s: LotSettings, from: Date, next: Date | undefined): Date {
  const parsed = s.expiresAfter === null ? null : parseExpiryRule(s.expiresAfter);
  const byRule = parsed?.ok ? expiryInstant(parsed.rule, from, s.timezone) : null;
  const candidates = [byRule, s.rolloverMax !== null ? (next ?? null) : null].filter(
    (d): d is Date => d !== null,
  );
  if (candidates.length === 0) return s.expiresAt ?? new Date(from.getTime() + 36_600 * 86_400_000);
  return new Date(Math.min(...candidates.map((d) => d.getTime())));
}

/** A lot's expiry: the occurrence's absolute one, or its rule counted from `appliedAt`. */
export function expiryFor(
  terms: Pick<OccurrenceTerms, 'expiresAt' | 'expiresAfter' | 'timezone'>,
  appliedAt: Date,
): Date {
  if (terms.expiresAt !== null) return terms.expiresAt;
  const parsed = terms.expiresAfter === null ? null : parseExpiryRule(terms.expiresAfter);
  return parsed?.ok ? expiryInstant(parsed.rule, appliedAt, terms.timezone) : appliedAt;
}
