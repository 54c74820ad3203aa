// The strategy form in every grant mode (issue 24), in headless Chromium against a real daemon:
// create a strategy of each mode, edit it into another mode with a cleared budget cap, and check
// what the API stored; the amount's label follows the mode as it is chosen, and without
// JavaScript the form still saves the chosen mode and names what the amount means in each.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2E_ADMIN_TOKEN } from '../support/processes.ts';
import {
  api,
  screenshot,
  signIn,
  startConsoleStack,
  type ConsoleStack,
} from './console/console-harness.ts';

const TOKEN = E2E_ADMIN_TOKEN;
const LABELS = { add: 'Amount per grant', top_up: 'Top up to', reset: 'Reset to' } as const;
type Mode = keyof typeof LABELS;
/** Each mode, and the mode the edit turns it into. */
const EDITS: [Mode, Mode][] = [
  ['add', 'top_up'],
  ['top_up', 'reset'],
  ['reset', 'add'],
];

interface StrategyAnswer {
  id: number;
  mode: string;
  amount: number;
  max_users_per_occurrence: number | null;
  max_amount_per_occurrence: number | null;
}

describe('the strategy form in every grant mode (headless Chromium)', () => {
  let stack: ConsoleStack | undefined;
  let base: string;

  beforeAll(async () => {
    stack = await startConsoleStack('console-modes');
    base = stack.base;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const stored = async (id: string) =>
    (await api<StrategyAnswer>(base, TOKEN, 'GET', `/api/v1/strategies/${id}`)).body;

  async function newPage(javaScriptEnabled: boolean): Promise<Page> {
    const context = await stack!.browser.newContext({ javaScriptEnabled });
    const page = await context.newPage();
    await signIn(page, base, TOKEN);
    return page;
  }

  /** The id in the strategy page's URL after a save. */
  async function savedId(page: Page): Promise<string> {
    await page.waitForURL(/\/ui\/strategies\/\d+\?done=/);
    return /\/strategies\/(\d+)/.exec(page.url())![1]!;
  }

  it.each(EDITS)('creates a %s strategy, then edits it into %s mode', async (mode, next) => {
    const page = await newPage(true);
    await page.goto(`${base}/ui/strategies/new`);
    await page.getByLabel('Name (unique)').fill(`e2e-mode-${mode}`);
    await page.getByLabel('Title').fill(`A ${mode} strategy`);
    await page.getByLabel('Grant mode').selectOption(mode);
    // The label follows the choice at once (console.js).
    await page.getByLabel(LABELS[mode], { exact: true }).fill('200');
    await page.getByLabel('Condition').fill('is-vip(1)');
    await page.getByLabel('Budget: max users per occurrence (optional)').fill('50');
    await page.getByLabel('Budget: max amount per occurrence (optional)').fill('900');
    await page.getByRole('button', { name: 'Create' }).click();
    const id = await savedId(page);
    expect(await stored(id)).toMatchObject({
      mode,
      amount: 200,
      max_users_per_occurrence: 50,
      max_amount_per_occurrence: 900,
    });

    await page.goto(`${base}/ui/strategies/${id}/edit`);
    expect(await page.locator('label[for="amount"]').innerText()).toBe(LABELS[mode]);
    await page.getByLabel('Grant mode').selectOption(next);
    expect(await page.locator('label[for="amount"]').innerText()).toBe(LABELS[next]);
    await page.getByLabel(LABELS[next], { exact: true }).fill('75');
    await page.getByLabel('Budget: max users per occurrence (optional)').fill('');
    await page.getByLabel('Budget: max amount per occurrence (optional)').fill('');
    await screenshot(page, `strategy-form-${mode}-to-${next}`);
    await page.getByRole('button', { name: 'Save' }).click();
    await savedId(page);
    expect(await stored(id)).toMatchObject({
      mode: next,
      amount: 75,
      max_users_per_occurrence: null,
      max_amount_per_occurrence: null,
    });
    await page.context().close();
  });

  it('saves the chosen mode without JavaScript, and names what the amount means in each', async () => {
    const page = await newPage(false);
    await page.goto(`${base}/ui/strategies/new`);
    const meaning = await page.locator('#amount-meaning').innerText();
    for (const words of ['add: the amount', 'top up: the balance', 'reset: the balance'])
      expect(meaning).toContain(words);
    await page.getByLabel('Name (unique)').fill('e2e-mode-no-js');
    await page.getByLabel('Title').fill('Top-up without JavaScript');
    await page.getByLabel('Grant mode').selectOption('top_up');
    await page.locator('#amount').fill('120');
    await page.getByLabel('Condition').fill('is-vip(1)');
    await page.getByRole('button', { name: 'Create' }).click();
    const id = await savedId(page);
    expect(await stored(id)).toMatchObject({ mode: 'top_up', amount: 120 });
    await page.goto(`${base}/ui/strategies/${id}/edit`);
    expect(await page.locator('label[for="amount"]').innerText()).toBe(LABELS.top_up);
    await page.context().close();
  });
});
