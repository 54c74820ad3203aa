// `npx tsx scripts/console-screenshots.ts`: a PNG of every console page (scripts/console-pages.ts)
// on the demo data, in English to docs/console/ and in Simplified Chinese to docs/console/zh-CN/
// (a browser that asks for zh-CN, as an operator's would). It starts its own mock gateway and
// daemon on a throwaway SQLite database, seeds the demo, runs one scan, photographs each page in
// headless Chromium as the admin, and stops them again; nothing of a real installation is touched.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  api,
  launchChromium,
  NO_SCHEDULED_SCANS,
  seedAndScan,
  signIn,
} from '../test/e2e/console/console-harness.ts';
import {
  E2E_ADMIN_TOKEN,
  startDaemon,
  startMockGatewayProcess,
} from '../test/support/processes.ts';
import { CONSOLE_PAGES, demoIds } from './console-pages.ts';

const DOCS = resolve(dirname(fileURLToPath(import.meta.url)), '../docs/console');
/** Each language's browser locale (its Accept-Language) and where its pictures go. */
const LANGUAGES = [
  { locale: 'en-US', out: DOCS },
  { locale: 'zh-CN', out: join(DOCS, 'zh-CN') },
];
const TOKEN = E2E_ADMIN_TOKEN;

const dir = mkdtempSync(join(tmpdir(), 'qm-console-screenshots-'));
const mock = await startMockGatewayProcess();
const daemon = await startDaemon(`file:${join(dir, 'daemon.db')}`, mock.url, NO_SCHEDULED_SCANS);
const browser = await launchChromium();
try {
  await seedAndScan(daemon.url, TOKEN);
  const list = await api<{ items: { id: number; name: string }[] }>(
    daemon.url,
    TOKEN,
    'GET',
    '/api/v1/strategies?limit=100',
  );
  const ids = demoIds(list.body.items);
  for (const { locale, out } of LANGUAGES) {
    mkdirSync(out, { recursive: true });
    const options = { viewport: { width: 1280, height: 900 }, locale };
    const signedOut = await (await browser.newContext(options)).newPage();
    const signedIn = await (await browser.newContext(options)).newPage();
    await signIn(signedIn, daemon.url, TOKEN);
    for (const consolePage of CONSOLE_PAGES) {
      const page = consolePage.signedOut ? signedOut : signedIn;
      const response = await page.goto(`${daemon.url}${consolePage.path(ids)}`, {
        waitUntil: 'networkidle',
      });
      if (response?.status() !== 200)
        throw new Error(`${consolePage.name}: HTTP ${response?.status() ?? 'no answer'}`);
      const path = join(out, `${consolePage.name}.png`);
      await page.screenshot({ path, fullPage: true });
      console.log(`wrote ${path}`);
    }
  }
} finally {
  await browser.close();
  await daemon.stop();
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
}
