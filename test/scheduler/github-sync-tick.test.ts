// The GITHUB_SYNC_CRON tick: it runs the sync on the cron expression, skips a tick while the
// previous sync is still running, logs a failed sync and goes on, and stop() waits for the sync
// in flight.
import { afterEach, describe, expect, it } from 'vitest';
import { GithubSyncTick } from '../../src/scheduler/github-sync-tick.ts';
import { CapturingLogger } from '../support/app-harness.ts';

const EVERY_SECOND = '* * * * * *';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('GithubSyncTick', () => {
  let tick: GithubSyncTick | undefined;
  afterEach(async () => {
    await tick?.stop();
  });

  it('skips ticks while a sync runs, and stop() waits for it', async () => {
    tick = new GithubSyncTick(new CapturingLogger());
    let started = 0;
    let finished = 0;
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    tick.start(EVERY_SECOND, 'UTC', async () => {
      started++;
      await released;
      finished++;
    });
    await sleep(2300);
    // At least two ticks fired; every one after the first found that sync running.
    expect(started).toBe(1);
    const stopped = tick.stop();
    release();
    await stopped;
    expect(finished).toBe(1);
  });

  it('logs a failed sync and runs the next one', async () => {
    const logger = new CapturingLogger();
    tick = new GithubSyncTick(logger);
    let runs = 0;
    tick.start(EVERY_SECOND, 'UTC', () => {
      runs++;
      return Promise.reject(new Error('GitHub is down'));
    });
    await sleep(2200);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({
        level: 'error',
        message: 'GitHub stargazer sync failed',
        fields: { error: 'GitHub is down' },
      }),
    );
  });
});
