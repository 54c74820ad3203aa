// The console's strategy form in every grant mode (issue 24), in-process without a browser (the
// Chromium flows are in test/e2e/console-grant-modes.test.ts): the mode is chosen and saved, the
// amount's label says what it means in that mode, and emptying a budget cap removes it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { formFields, signInConsole, type ConsoleClient } from '../support/console-client.ts';
import { unique } from '../support/unique-name.ts';

const LABELS = { add: 'Amount per grant', top_up: 'Top up to', reset: 'Reset to' } as const;
const MODES = Object.keys(LABELS) as (keyof typeof LABELS)[];

/** The text of the label of the form's amount input. */
const amountLabel = (html: string) =>
  /<label for="amount">([^<]*)<\/label>/.exec(html)?.[1] ?? 'no amount label';

describe('the strategy form in every grant mode', () => {
  let h: Harness;
  let ui: ConsoleClient;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    ui = await signInConsole(h);
  });
  afterAll(async () => {
    await h.destroy();
  });

  const strategy = async (id: string) => (await h.call('GET', `/api/v1/strategies/${id}`)).body;

  it.each(MODES)('creates a %s strategy with its mode and amount', async (mode) => {
    const form = formFields((await ui.page('/strategies/new')).html, 'strategy-form');
    const saved = await ui.post('/strategies', {
      ...form,
      name: unique(`form-${mode}`),
      title: `a ${mode} strategy`,
      mode,
      amount: '200',
      condition: 'is-vip(1)',
    });
    expect(saved.status, saved.html).toBe(303);
    const id = /\/strategies\/(\d+)/.exec(saved.location ?? '')?.[1] ?? 'none';
    expect(await strategy(id)).toMatchObject({ mode, amount: 200 });
  });

  it.each(MODES)('edits a strategy into %s mode', async (mode) => {
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('edit-mode'),
      title: 'edited',
      type: 'single',
      mode: mode === 'add' ? 'reset' : 'add',
      amount: 10,
      condition: 'is-vip(1)',
    });
    const path = `/strategies/${created.body.id}/edit`;
    const form = formFields((await ui.page(path)).html, 'strategy-form');
    const saved = await ui.post(path, { ...form, mode, amount: '75.5' });
    expect(saved.status, saved.html).toBe(303);
    expect(await strategy(created.body.id)).toMatchObject({ mode, amount: 75.5 });
  });

  it('labels the amount by the mode shown, and names every mode without JavaScript', async () => {
    const fresh = (await ui.page('/strategies/new')).html;
    expect(amountLabel(fresh)).toBe(LABELS.add);
    for (const mode of MODES) {
      const created = await h.call('POST', '/api/v1/strategies', {
        name: unique(`label-${mode}`),
        title: 'labelled',
        type: 'single',
        mode,
        amount: 20,
        condition: 'is-vip(1)',
      });
      const edit = (await ui.page(`/strategies/${created.body.id}/edit`)).html;
      expect(amountLabel(edit), mode).toBe(LABELS[mode]);
      expect(edit).toMatch(/add: the amount each grant adds/);
      expect(edit).toMatch(/top up: the balance each user is raised to/);
      expect(edit).toMatch(/reset: the balance each user is set to/);
    }
    // A refused save shows the form again, labelled by the mode that was posted.
    const form = formFields(fresh, 'strategy-form');
    const refused = await ui.post('/strategies', {
      ...form,
      name: unique('refused'),
      title: 'refused',
      mode: 'reset',
      amount: '-1',
      condition: 'is-vip(1)',
    });
    expect(refused.status).toBe(400);
    expect(amountLabel(refused.html)).toBe(LABELS.reset);
  });

  it('removes a budget cap whose field is emptied', async () => {
    const created = await h.call('POST', '/api/v1/strategies', {
      name: unique('caps'),
      title: 'capped',
      type: 'single',
      amount: 5,
      condition: 'is-vip(1)',
      max_users_per_occurrence: 77,
      max_amount_per_occurrence: 950.5,
    });
    const path = `/strategies/${created.body.id}/edit`;
    const form = formFields((await ui.page(path)).html, 'strategy-form');
    expect(form).toMatchObject({
      max_users_per_occurrence: '77',
      max_amount_per_occurrence: '950.5',
    });
    const saved = await ui.post(path, {
      ...form,
      max_users_per_occurrence: '',
      max_amount_per_occurrence: '  ',
    });
    expect(saved.status, saved.html).toBe(303);
    expect(await strategy(created.body.id)).toMatchObject({
      max_users_per_occurrence: null,
      max_amount_per_occurrence: null,
    });
  });
});
