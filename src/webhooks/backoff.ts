// When a failed delivery is tried again: exponential from `baseMs`, capped at `maxMs`, with
// "equal jitter" (half fixed, half random) so endpoints that failed together do not all come
// back in the same second. Past `retryForMs` after the event, the delivery is given up.

export interface BackoffSettings {
  baseMs: number;
  maxMs: number;
  retryForMs: number;
}

/** The delay before attempt `attempts + 1`, or null to give up. */
export function nextAttemptIn(
  settings: BackoffSettings,
  attempts: number,
  ageMs: number,
  random: () => number = Math.random,
): number | null {
  if (ageMs >= settings.retryForMs) return null;
  const exponent = Math.min(Math.max(attempts - 1, 0), 40);
  const ceiling = Math.min(settings.maxMs, settings.baseMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
