// Counters the mock answers with a literal number of any size (`POST /__mock/counters`), so a
// test can show what a client does with a balance above 2^53, which a double cannot hold. The
// mock's own arithmetic stays in safe integer hundredths (money.ts): a counter held here is
// answered as given, and the mock refuses to change it rather than round it.
import type { Balance } from './store.ts';

/** A JSON number of any size: what the counter is answered as, digit for digit. */
const NUMBER_TEXT = /^-?\d{1,40}(\.\d{1,2})?$/;

export const LARGE_COUNTER_REFUSAL =
  'this counter is held as a literal number (POST /__mock/counters): the mock does not change it';

export class LargeCounters {
  private readonly held = new Map<string, string>();

  /** Sets the user's counters from `{quota?, used?}` number text; false when one is not a number. */
  set(userId: string, counters: Partial<Record<Balance, unknown>>): boolean {
    const entries = Object.entries(counters).filter(([, text]) => text !== undefined);
    if (entries.some(([, text]) => typeof text !== 'string' || !NUMBER_TEXT.test(text)))
      return false;
    for (const [balance, text] of entries)
      this.held.set(`${balance}\u0000${userId}`, text as string);
    return true;
  }

  holds(balance: Balance, userId: unknown): boolean {
    return this.held.has(`${balance}\u0000${String(userId)}`);
  }

  /** The query answer for a held counter, with the number written as given. */
  answer(balance: Balance, type: string, userId: string): string {
    const text = this.held.get(`${balance}\u0000${userId}`)!;
    const head = JSON.stringify({ code: 200, message: `query ${type} successful`, success: true });
    return `${head.slice(0, -1)},"data":{"user_id":${JSON.stringify(userId)},"quota":${text},"type":${JSON.stringify(type)}}}`;
  }

  clear(): void {
    this.held.clear();
  }
}
