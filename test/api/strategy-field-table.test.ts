// The strategy field table (src/core/model/strategy-fields.ts) is the one place a strategy field
// is declared. This test fails when a field of the table is missing anywhere it must appear: in
// the OpenAPI schemas of requests and answers, in the answer (the serializer), in the database
// round trip on every database (the row mapper and the columns), and in the console's form
// (rendered, and posted back unchanged without changing the strategy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGY_FIELDS, type FieldSpec } from '../../src/core/model/strategy-fields.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';
import { formFields, signInConsole } from '../support/console-client.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { unique } from '../support/unique-name.ts';

const specs = Object.values(STRATEGY_FIELDS);
const wires = specs.map((spec) => spec.wire).sort();

/** Fields that rules tie to others (a cron for periodic, a window in order, a valid condition). */
const RULED = {
  type: 'periodic',
  mode: 'top_up',
  periodic_expr: '0 8 * * 1',
  timezone: 'Asia/Shanghai',
  condition: 'is-vip(2)',
  missed_runs: 'catch_up',
  start_at: '2026-02-01T00:00:00.000Z',
  end_at: '2027-02-01T00:00:00.000Z',
  // Credit lots need mode add (strategy-rules.ts): the lot sets below set them.
  expires_after: null,
  expires_at: null,
  rollover_max: null,
};

/**
 * Rules keep some fields apart (lots only in mode add, an absolute expiry only for single
 * strategies, a rollover only for periodic ones), so no one body can set every field away from
 * its default: these bodies together do, each one the rules accept.
 */
const RULED_SETS: Record<string, unknown>[] = [
  RULED,
  { ...RULED, mode: 'add', expires_after: 'P30D', rollover_max: 12.35 },
  {
    ...RULED,
    type: 'single',
    mode: 'add',
    periodic_expr: null,
    max_exec_per_user: 0,
    expires_at: '2027-01-01T00:00:00.000Z',
  },
];

/** A value other than the field's default, by its kind, for fields no rule ties to others. */
function otherValue(spec: FieldSpec): unknown {
  switch (spec.kind) {
    case 'text':
      return `${spec.wire}-value`;
    case 'enum':
      return spec.values.find((v) => v !== spec.default);
    case 'int':
      return spec.min + 1 === spec.default ? spec.min + 2 : spec.min + 1;
    case 'amount':
      return Math.round((spec.min + 12.34) * 100) / 100;
    case 'date':
      return '2026-03-01T00:00:00.000Z';
    case 'boolean':
      return spec.default !== true;
  }
}

/**
 * A create body that sets every field of the table to a value other than its default unless a
 * rule ties it to others (`ruled`), so that, over RULED_SETS, the round trip proves each one is
 * stored and read (a default read back would prove nothing). A new field of the table gets one
 * by its kind; one that a rule ties to others goes in the ruled sets.
 */
const everyField = (ruled: Record<string, unknown>): Record<string, unknown> => ({
  ...Object.fromEntries(specs.map((spec) => [spec.wire, otherValue(spec)])),
  ...ruled,
  name: unique('field-table'),
});

describe('the strategy field table', () => {
  it('has a non-default value for every field in one of the bodies of this test', () => {
    const bodies = RULED_SETS.map(everyField);
    for (const body of bodies) expect(Object.keys(body).sort()).toEqual(wires);
    for (const spec of specs)
      if ('default' in spec)
        expect(
          bodies.some((body) => body[spec.wire] !== spec.default),
          spec.wire,
        ).toBe(true);
  });
});

describe.each(DATABASE_KINDS)('every strategy field, end to end on %s', (kind) => {
  let h: Harness;
  beforeAll(async () => {
    h = await createHarness(kind);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it('is in the OpenAPI schemas of the create, replace and patch bodies and of the answer', async () => {
    const doc = (await h.call('GET', '/openapi.json')).body;
    const schemas = doc.components.schemas;
    for (const name of ['StrategyInput', 'StrategyReplace', 'StrategyPatch', 'Strategy'])
      expect(Object.keys(schemas[name].properties), name).toEqual(expect.arrayContaining(wires));
    const required = specs.filter((spec) => spec.required).map((spec) => spec.wire);
    expect([...schemas.StrategyInput.required].sort()).toEqual(required.sort());
  });

  it.each(RULED_SETS.map((ruled, i) => [i, ruled]))(
    'is stored, read back and answered as sent (body %i)',
    async (_, ruled) => {
      const body = everyField(ruled);
      const created = await h.call('POST', '/api/v1/strategies', body);
      expect(created.status).toBe(201);
      const read = await h.call('GET', `/api/v1/strategies/${created.body.id}`);
      for (const wire of wires) expect(read.body[wire], wire).toEqual(body[wire]);
      expect(Object.keys(read.body).sort()).toEqual(
        [...wires, 'id', 'timezone_warning', 'version', 'created_at', 'updated_at'].sort(),
      );
    },
  );

  it.each(RULED_SETS.map((ruled, i) => [i, ruled]))(
    "is in the console's form, which saves it back unchanged (body %i)",
    async (_, ruled) => {
      const body = everyField(ruled);
      const created = await h.call('POST', '/api/v1/strategies', body);
      const console = await signInConsole(h);
      const edit = await console.page(`/strategies/${created.body.id}/edit`);
      expect(edit.status).toBe(200);
      const fields = formFields(edit.html, 'strategy-form');
      expect(Object.keys(fields)).toEqual(expect.arrayContaining(wires));
      const saved = await console.post(`/strategies/${created.body.id}/edit`, fields);
      expect(saved.status, saved.html).toBe(303);
      const read = await h.call('GET', `/api/v1/strategies/${created.body.id}`);
      for (const wire of wires) expect(read.body[wire], wire).toEqual(body[wire]);
      expect(read.body.version).toBe(created.body.version);
    },
  );
});
