// Scanner.wake(): a tick now, outside the cron expression (a star webhook wakes it so a single
// strategy grants in well under a second instead of at the next SCAN_CRON tick). Wakes are
// coalesced: one during a tick runs one more tick after it (that tick may have read past the
// change), any number more add nothing; none before start() or after stop().
import { afterEach, describe, expect, it } from 'vitest';
import { Scanner } from '../../src/scheduler/scanner.ts';
import { CapturingLogger } from '../support/app-harness.ts';

const NEVER = '0 0 1 1 *';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Scanner.wake', () => {
  let scanner: Scanner | undefined;
  afterEach(async () => {
    await scanner?.stop();
  });

  it('does nothing before start()', async () => {
    scanner = new Scanner(new CapturingLogger());
    scanner.wake();
    await sleep(50);
    let ticks = 0;
    scanner.start(NEVER, 'UTC', async () => {
      ticks++;
    });
    await sleep(50);
    expect(ticks).toBe(0);
  });

  it('runs a tick at once, and one more after a tick that wakes found running', async () => {
    scanner = new Scanner(new CapturingLogger());
    let ticks = 0;
    let release = () => {};
    scanner.start(NEVER, 'UTC', async () => {
      ticks++;
      if (ticks === 1) await new Promise<void>((resolve) => (release = resolve));
    });
    scanner.wake();
    await sleep(20);
    expect(ticks).toBe(1);
    for (let i = 0; i < 5; i++) scanner.wake();
    await sleep(20);
    expect(ticks).toBe(1);
    release();
    await sleep(50);
    expect(ticks).toBe(2);
    await sleep(50);
    expect(ticks).toBe(2);
  });

  it('logs a failed woken tick and wakes again afterwards', async () => {
    const logger = new CapturingLogger();
    scanner = new Scanner(logger);
    let ticks = 0;
    scanner.start(NEVER, 'UTC', async () => {
      ticks++;
      if (ticks === 1) throw new Error('database away');
    });
    scanner.wake();
    await sleep(30);
    expect(logger.lines.some((l) => l.message === 'scan tick failed')).toBe(true);
    scanner.wake();
    await sleep(30);
    expect(ticks).toBe(2);
  });

  it('does nothing once stopping', async () => {
    scanner = new Scanner(new CapturingLogger());
    let ticks = 0;
    scanner.start(NEVER, 'UTC', async () => {
      ticks++;
    });
    await scanner.stop();
    scanner.wake();
    await sleep(30);
    expect(ticks).toBe(0);
  });
});
