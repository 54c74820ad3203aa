// Every console page (scripts/console-pages.ts) checked by tools nobody here wrote (issue 24):
// axe-core in headless Chromium (no serious or critical violation) and html-validate on the
// HTML as served (the repo's .htmlvalidate.json: html-validate:recommended with every rule on;
// only its two style rules, void-style and attribute-boolean-style, are set to the one style
// Hono's JSX serializer writes, `<meta/>` and `defer=""`, which no page can choose, and
// form-dup-name lets a group of checkboxes for one list field share its name), each page
// starting with <!DOCTYPE html>. Run on the demo data after a scan, as an admin, in each
// language the console speaks (a browser asking for en-US, and one asking for zh-CN).
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { FileSystemConfigLoader, HtmlValidate } from 'html-validate';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_PAGES, demoIds, type DemoIds } from '../../scripts/console-pages.ts';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  seedAndScan,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const TOKEN = E2E_ADMIN_TOKEN;
/** Found from here up, as the html-validate CLI finds it: the repository's .htmlvalidate.json. */
const HTML_FILE = join(process.cwd(), 'console-page.html');
const htmlValidate = new HtmlValidate(new FileSystemConfigLoader());

const LANGUAGES = ['en-US', 'zh-CN'] as const;

describe('every console page, checked by axe-core and html-validate (headless Chromium)', () => {
  let stack: ConsoleStack | undefined;
  const signedIn = new Map<string, Page>();
  const signedOut = new Map<string, Page>();
  let base: string;
  let ids: DemoIds;

  beforeAll(async () => {
    stack = await startConsoleStack('console-tools');
    base = stack.base;
    await seedAndScan(base, TOKEN);
    const list = await api<{ items: { id: number; name: string }[] }>(
      base,
      TOKEN,
      'GET',
      '/api/v1/strategies?limit=100',
    );
    ids = demoIds(list.body.items);
    for (const locale of LANGUAGES) {
      signedOut.set(locale, await (await stack.browser.newContext({ locale })).newPage());
      const page = await (await stack.browser.newContext({ locale })).newPage();
      await signIn(page, base, TOKEN);
      signedIn.set(locale, page);
    }
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it.each(LANGUAGES.flatMap((locale) => CONSOLE_PAGES.map((p) => [p.name, locale, p] as const)))(
    '%s (%s)',
    async (_name, locale, consolePage) => {
      const page = (consolePage.signedOut ? signedOut : signedIn).get(locale)!;
      const path = consolePage.path(ids);
      const response = await page.goto(`${base}${path}`);
      expect(response?.status(), path).toBe(200);
      expect(new URL(page.url()).pathname).toBe(path.split('?')[0]);
      const html = await response!.text();
      expect(html.slice(0, 15)).toBe('<!DOCTYPE html>');
      expect(await page.locator('html').getAttribute('lang')).toBe(
        locale === 'en-US' ? 'en' : 'zh-CN',
      );

      const report = await htmlValidate.validateString(html, HTML_FILE);
      const htmlProblems = report.results.flatMap((r) =>
        r.messages.map((m) => `${m.ruleId} at ${m.line}:${m.column}: ${m.message} (${m.selector})`),
      );
      expect(htmlProblems, `html-validate on ${path}`).toEqual([]);

      const axe = await new AxeBuilder({ page }).analyze();
      expect(axe.passes.length, 'axe-core checked something').toBeGreaterThan(10);
      const serious = axe.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
        );
      expect(serious, `axe-core on ${path}`).toEqual([]);
    },
  );

  it('the audit page shows each change field by field, before → after, in the API names', async () => {
    const english = signedIn.get('en-US')!;
    await english.goto(`${base}/ui/audit`);
    const audit = english.getByTestId('audit');
    // A creation's fields are folded; open them all to read them.
    for (const summary of await audit.locator('summary').all()) await summary.click();
    const text = await audit.innerText();
    expect(text).toContain('periodic_expr: 0 8 * * *');
    expect(text).toContain('max_exec_per_user: 0');
    expect(text).not.toMatch(/periodicExpr|maxExecPerUser|[{}]/);
    // The demo's strategies are created enabled, then enabled again by the scan's set-up: the
    // second enable changes nothing, so it writes no audit row.
    expect(await audit.locator('.changes li', { hasText: 'enabled: true → true' }).count()).toBe(0);
  });
});
