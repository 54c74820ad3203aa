// When a single strategy's scan must read every user although its position would allow an
// incremental one: SCAN_FULL_EVERY_MS after the last full scan its stored position records
// (whichever process did it), and at once for every strategy after forceAll()
// (`quota-manager scan --full`).
import { describe, expect, it } from 'vitest';
import { FullScanSchedule } from '../../src/core/scan/full-scan-schedule.ts';

const HOUR = 3_600_000;

describe('FullScanSchedule', () => {
  it('is due one interval after the recorded full scan, whoever recorded it', () => {
    const schedule = new FullScanSchedule(HOUR);
    const lastFull = 5 * HOUR;
    expect(schedule.isDue(1, lastFull + HOUR - 1, lastFull)).toBe(false);
    expect(schedule.isDue(1, lastFull + HOUR, lastFull)).toBe(true);
    // A fresh schedule (a restarted process) reads the same recorded time: no new wait.
    expect(new FullScanSchedule(HOUR).isDue(1, lastFull + HOUR, lastFull)).toBe(true);
  });

  it('an interval of 0 never forces one', () => {
    const schedule = new FullScanSchedule(0);
    expect(schedule.isDue(1, 0, 0)).toBe(false);
    expect(schedule.isDue(1, 100 * HOUR, 0)).toBe(false);
  });

  it('forceAll makes every strategy due until its full scan completes, even with an interval of 0', () => {
    for (const everyMs of [0, HOUR]) {
      const schedule = new FullScanSchedule(everyMs);
      schedule.forceAll();
      expect([schedule.isDue(1, 0, 0), schedule.isDue(2, 0, 0)]).toEqual([true, true]);
      // Asked again before completing (a scan stopped early): still due.
      expect(schedule.isDue(1, 10, 0)).toBe(true);
      schedule.completed(1);
      expect([schedule.isDue(1, 20, 10), schedule.isDue(2, 20, 0)]).toEqual([false, true]);
    }
  });
});
