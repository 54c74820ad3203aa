// The console's sources page in Chromium, against a real daemon process with a SQLite user
// source and the mock GitHub: an admin sees the user source's status, starts a sync and a full
// sync from the page and reads the run's counts and refused rows; the GitHub repositories' last
// syncs are listed. A viewer reads the same page with no button, and a sync posted anyway is
// refused by the API.
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockGithub, type MockGithub } from '../support/mock-github.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  NO_SCHEDULED_SCANS,
  screenshot,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const VIEWER_TOKEN = 'e2e-viewer-token-sources-0123456789';
const REPO = 'acme/widget';

async function until<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (let attempt = 0; attempt < 150; attempt++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The user source: a SQLite file of three people, one of whom the sync refuses. */
function writeUserSource(dir: string): Record<string, string> {
  const sourceFile = join(dir, 'people.db');
  const source = new Sqlite(sourceFile);
  source.exec(`CREATE TABLE people (id TEXT, vip TEXT, github_username TEXT)`);
  source.exec(`INSERT INTO people VALUES ('ann', '1', 'Ann-Dev'), ('bob', 'gold', NULL),
      ('cy', '2', NULL)`);
  source.close();
  return { USER_SOURCE_URL: `file:${sourceFile}` };
}

describe('the console sources page', () => {
  let github: MockGithub | undefined;
  let stack: ConsoleStack | undefined;
  let base: string;

  beforeAll(async () => {
    github = await startMockGithub();
    github.setStargazers(REPO, ['ann-dev', 'someone-else']);
    stack = await startConsoleStack(
      'console-sources',
      {
        ...NO_SCHEDULED_SCANS,
        USER_SOURCE_QUERY: 'SELECT id, vip, github_username FROM people',
        USER_SOURCE_CRON: '0 0 1 1 *',
        GITHUB_API_URL: github.url,
        GITHUB_REPOSITORIES: REPO,
        GITHUB_SYNC_CRON: '*/2 * * * * *',
      },
      { viewerToken: VIEWER_TOKEN, prepare: writeUserSource },
    );
    base = stack.base;
  });

  afterAll(async () => {
    await stack?.stop();
    await github?.close();
  });

  const statusText = async (page: Page) => page.getByTestId('source-status').innerText();

  it('lets an admin start a sync and a full sync and read what they did', async () => {
    const page = await (await stack!.browser.newContext()).newPage();
    page.on('dialog', (dialog) => void dialog.accept());
    await signIn(page, base, E2E_ADMIN_TOKEN);
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.waitForURL(`${base}/ui/sources`);
    expect(await statusText(page)).toContain('Never run');
    expect(await statusText(page)).toContain('sqlite');

    await page.getByRole('button', { name: 'Sync now' }).click();
    await page.waitForURL(/\/ui\/sources\?done=/);
    expect(await page.locator('.notice.ok').innerText()).toContain('Sync started');
    await until('the run to finish', async () => {
      await page.reload();
      return (await statusText(page)).includes('Idle') ? true : undefined;
    });
    const run = await page.getByTestId('last-run').innerText();
    expect(run).toMatch(/Rows read\s+3/);
    expect(run).toMatch(/Upserted\s+2/);
    const rejected = await page.getByTestId('rejected').innerText();
    expect(rejected).toContain('invalid_vip');
    expect(rejected).toContain('bob');

    await page.getByRole('button', { name: 'Full sync' }).click();
    await page.waitForURL(/\/ui\/sources\?done=sync-started&done.full=yes/);
    await until('the full run to finish', async () => {
      await page.reload();
      const text = await page.getByTestId('last-run').innerText();
      return /Kind\s+full/.test(text) && (await statusText(page)).includes('Idle')
        ? true
        : undefined;
    });

    // The poller (every 2 s) has synced the repository since the user sync: one matched user of
    // two stargazers (a poll that began before the sync matched nobody; the next one does).
    const repos = await until('a GitHub poll after the user sync', async () => {
      await page.reload();
      if ((await page.getByTestId('github-repos').count()) === 0) return undefined;
      const text = await page.getByTestId('github-repos').innerText();
      return /\b2\s+1\b/.test(text) ? text : undefined;
    });
    expect(repos).toContain(REPO);
    expect(repos).toContain('ok');
    await screenshot(page, 'admin-sources');
  });

  it('shows a viewer the same page with no button, and the API refuses a sync posted anyway', async () => {
    const page = await (await stack!.browser.newContext()).newPage();
    await signIn(page, base, VIEWER_TOKEN);
    await page.goto(`${base}/ui/sources`);
    expect(await page.getByTestId('user-source').count()).toBe(1);
    expect(await page.getByTestId('source-actions').count()).toBe(0);
    expect(await page.locator('main form[method="post"]').count()).toBe(0);
    const before = await api<{ items: { last_run: { started_at: string } }[] }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      '/api/v1/sources',
    );
    const csrf = await page.locator('input[name="_csrf"]').first().inputValue();
    const posted = await page.request.post(`${base}/ui/sources/users/sync`, {
      form: { confirmed: 'yes', full: 'yes', _csrf: csrf },
      headers: { origin: base },
    });
    expect(await posted.text()).toContain('Sync refused');
    const after = await api<{ items: { last_run: { started_at: string } }[] }>(
      base,
      E2E_ADMIN_TOKEN,
      'GET',
      '/api/v1/sources',
    );
    expect(after.body.items[0]!.last_run.started_at).toBe(
      before.body.items[0]!.last_run.started_at,
    );
    await screenshot(page, 'viewer-sources');
  });
});
