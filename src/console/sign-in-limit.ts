// Sign-in attempts per client address: a fixed one-minute window in this process's memory, so
// a script guessing tokens through the console meets a wall as it would at the API. Per replica
// on purpose (as the API's own limit): it is a brake on guessing, not an account lock-out, and
// a lock-out shared through the database would let anyone lock the operator out.

export const SIGN_IN_ATTEMPTS_PER_MINUTE = 10;
const WINDOW_MS = 60_000;
/** Beyond this many addresses in one window, memory is bounded by starting the window afresh. */
const MAX_CLIENTS = 10_000;

export class SignInLimit {
  private windowStart = 0;
  private counts = new Map<string, number>();

  constructor(
    private readonly now: () => number,
    private readonly perMinute = SIGN_IN_ATTEMPTS_PER_MINUTE,
  ) {}

  /** Counts one attempt; answers the seconds to wait when it is over the limit. */
  attempt(client: string): number | undefined {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS || this.counts.size >= MAX_CLIENTS) {
      this.windowStart = now - (now % WINDOW_MS);
      this.counts = new Map();
    }
    const used = (this.counts.get(client) ?? 0) + 1;
    this.counts.set(client, used);
    if (used <= this.perMinute) return undefined;
    return Math.max(1, Math.ceil((this.windowStart + WINDOW_MS - now) / 1000));
  }
}
