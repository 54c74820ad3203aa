// A readiness check that runs at most once per `ttlMs`: /readyz is unauthenticated, and each
// uncached call was one gateway admin request (7 879 in 10 s when probed in a loop). Calls
// while a check is running share it; its result, failure reason included, is reused until it
// is `ttlMs` old.
import type { Clock } from '../core/clock.ts';

export type CheckResult = { ok: true } | { ok: false; reason: string };

export function cachedCheck(
  check: () => Promise<void>,
  ttlMs: number,
  clock: Clock,
  timeoutMs: number,
): () => Promise<CheckResult> {
  let last: { at: number; result: Promise<CheckResult> } | undefined;
  return () => {
    const now = clock.now().getTime();
    if (last && now - last.at < ttlMs) return last.result;
    const result = withTimeout(check(), timeoutMs).then(
      (): CheckResult => ({ ok: true }),
      (error: unknown): CheckResult => ({
        ok: false,
        reason: error instanceof Error ? error.message : String(error),
      }),
    );
    last = { at: now, result };
    return result;
  };
}

export function withTimeout(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([work, expired]).finally(() => clearTimeout(timer));
}
