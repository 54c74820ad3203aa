// When a single strategy's scan must read every user although its position would allow an
// incremental one: every SCAN_FULL_EVERY_MS per strategy, counted from the first sight in this
// process, and at once for every strategy after forceAll() (`quota-manager scan --full`).
import { describe, expect, it } from 'vitest';
import { FullScanSchedule } from '../../src/core/scan/full-scan-schedule.ts';

const HOUR = 3_600_000;

describe('FullScanSchedule', () => {
  it('first sight schedules a full scan one interval later rather than forcing one', () => {
    const schedule = new FullScanSchedule(HOUR);
    expect(schedule.isDue(1, 0)).toBe(false);
    expect(schedule.isDue(1, HOUR - 1)).toBe(false);
    expect(schedule.isDue(1, HOUR)).toBe(true);
    schedule.completed(1, HOUR + 5);
    expect(schedule.isDue(1, 2 * HOUR)).toBe(false);
    expect(schedule.isDue(1, 2 * HOUR + 5)).toBe(true);
  });

  it('an interval of 0 never forces one', () => {
    const schedule = new FullScanSchedule(0);
    expect(schedule.isDue(1, 0)).toBe(false);
    expect(schedule.isDue(1, 100 * HOUR)).toBe(false);
  });

  it('forceAll makes every strategy due until its full scan completes, even with an interval of 0', () => {
    for (const everyMs of [0, HOUR]) {
      const schedule = new FullScanSchedule(everyMs);
      schedule.forceAll();
      expect([schedule.isDue(1, 0), schedule.isDue(2, 0)]).toEqual([true, true]);
      // Asked again before completing (a scan stopped early): still due.
      expect(schedule.isDue(1, 10)).toBe(true);
      schedule.completed(1, 10);
      expect([schedule.isDue(1, 20), schedule.isDue(2, 20)]).toEqual([false, true]);
    }
  });
});
