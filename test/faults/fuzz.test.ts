// Hostile input at volume: 100 000 parser cases and 10 000 invalid API requests. Every parser
// answer is a result (never a throw); every API answer is a 4xx problem document without
// internals, and the database is unchanged afterwards.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from '../../src/condition/index.ts';
import { createHarness, type Harness } from '../support/app-harness.ts';

const PARSER_CASES = 100_000;
const API_REQUESTS = 10_000;
// Fixed by default so CI is repeatable; set FUZZ_SEED to explore (a failure prints its seed).
const seed = Number(process.env.FUZZ_SEED ?? 20261122);

const conditionPieces = [
  'and(',
  'or(',
  'not(',
  ')',
  ',',
  ' ',
  '\n',
  'true()',
  'false()',
  'is-vip(',
  'belong-to(',
  'quota-le(',
  'github-star(',
  'register-before(',
  'access-after(',
  'match-user(',
  '"acme"',
  '"2024-01-01 08:00:00"',
  '"2024-13-45"',
  '3',
  '-1',
  '1e9',
  ' and ',
  ' or ',
  'not ',
  "'; DROP TABLE user_info; --",
  '"\\u0000"',
  '"\\uD800"',
  '𝔘𝔫𝔦',
  '\u202e',
  '((((',
  '))))',
];

describe('parser fuzz', () => {
  it(`answers ${PARSER_CASES} hostile inputs with a result, never a throw`, () => {
    const soup = fc
      .array(fc.constantFrom(...conditionPieces), { maxLength: 60 })
      .map((parts) => parts.join(''));
    const input = fc.oneof(
      soup,
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.string({ maxLength: 300 }),
      fc.string({ unit: 'grapheme', maxLength: 100 }),
    );
    let accepted = 0;
    fc.assert(
      fc.property(input, (text) => {
        const result = parse(text);
        if (result.ok) accepted++;
        else expect(result.errors[0]!.code).toMatch(/^[a-z_]+$/);
      }),
      { numRuns: PARSER_CASES, seed },
    );
    expect(accepted).toBeLessThan(PARSER_CASES);
  });
});

// Each generator yields a request that must be refused: wrong types, unknown fields, broken
// JSON, hostile strings in places that are validated, ids that do not exist.
const hostileString = fc.oneof(
  fc.constantFrom(
    "'; DROP TABLE quota_strategy; --",
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    '\u0000',
    '𝔘𝔫𝔦',
    '\ud800',
    '../../etc/passwd',
  ),
  fc.string({ unit: 'binary', maxLength: 50 }),
);
// Values as the server will see them: JSON turns NaN and Infinity into null, so the filters
// below judge the round-tripped value, not the generated one.
const wrongValue = fc
  .oneof(
    fc.constant(null),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.array(fc.integer(), { maxLength: 3 }),
    fc.object({ maxDepth: 2 }),
    hostileString,
  )
  .map((value) => JSON.parse(JSON.stringify([value]))[0] as unknown);
const deepJson = fc
  .integer({ min: 200, max: 5000 })
  .map((depth) => '['.repeat(depth) + ']'.repeat(depth));

const strategyBase = {
  name: 'fuzz',
  title: 'fuzz',
  type: 'single',
  amount: 1,
  condition: 'true()',
  // Required by PUT: without it every PUT would stop at that, never at the field under test.
  enabled: true,
};
const invalidStrategy = fc.oneof(
  fc
    .record({
      field: fc.constantFrom(
        'name',
        'title',
        'type',
        'amount',
        'condition',
        'enabled',
        'max_exec_per_user',
        'timezone',
        'periodic_expr',
      ),
      value: wrongValue,
    })
    .filter(
      ({ field, value }) =>
        !(
          typeof value === 'string' &&
          ['name', 'title', 'model'].includes(field) &&
          value.trim().length > 0 &&
          value.length <= 100
        ),
    )
    .filter(({ field, value }) => !(field === 'enabled' && typeof value === 'boolean'))
    .filter(
      ({ field, value }) =>
        !(
          field === 'amount' &&
          typeof value === 'number' &&
          value >= 0.01 &&
          value < 1e12 &&
          Number.isInteger(Math.round(value * 100)) &&
          Math.abs(Math.round(value * 100) - value * 100) < 1e-6
        ),
    )
    .filter(({ field, value }) => !(field === 'max_exec_per_user' && typeof value === 'number'))
    .filter(({ field, value }) => !(field === 'periodic_expr' && value === null))
    .filter(
      ({ field, value }) =>
        !(field === 'condition' && typeof value === 'string' && parse(value).ok),
    )
    .map(({ field, value }) => JSON.stringify({ ...strategyBase, [field]: value })),
  hostileString.map((key) => JSON.stringify({ ...strategyBase, [`x_${key}`]: 1 })),
  hostileString.map((text) => JSON.stringify({ ...strategyBase, condition: `${text} junk(` })),
  fc.string({ maxLength: 40 }).map((text) => `{"name": ${text}`),
  deepJson,
  fc.constant(JSON.stringify({ ...strategyBase, amount: -5 })),
  fc.constant(JSON.stringify({ ...strategyBase, amount: 1.001 })),
);
const invalidUser = fc.oneof(
  fc
    .record({
      field: fc.constantFrom('vip', 'github_stars', 'register_time', 'access_time'),
      value: wrongValue,
    })
    .filter(
      ({ field, value }) =>
        !(
          field === 'vip' &&
          Number.isInteger(value) &&
          (value as number) >= 0 &&
          (value as number) <= 1000
        ),
    )
    .filter(
      ({ field, value }) =>
        !(field !== 'vip' && (value === null || (Array.isArray(value) && value.length === 0))),
    )
    .map(({ field, value }) => JSON.stringify({ [field]: value })),
  hostileString.map((key) => JSON.stringify({ [`x_${key}`]: true })),
);

const request = fc.oneof(
  invalidStrategy.map((body) => ({ method: 'POST', path: '/api/v1/strategies', body })),
  invalidStrategy.map((body) => ({ method: 'PUT', path: '/api/v1/strategies/1', body })),
  invalidStrategy.map((body) => ({ method: 'PATCH', path: '/api/v1/strategies/1', body })),
  invalidUser.map((body) => ({ method: 'PUT', path: '/api/v1/users/fuzz-user', body })),
  invalidUser.map((body) => ({ method: 'POST', path: '/api/v1/users/bulk', body: `[${body}]` })),
  hostileString.map((id) => ({
    method: 'GET',
    path: `/api/v1/strategies/${encodeURIComponent(id.replace(/[\ud800-\udfff]/g, '?'))}x`,
    body: undefined,
  })),
  fc
    .integer({ min: 2, max: 2 ** 31 - 1 })
    .map((id) => ({ method: 'DELETE', path: `/api/v1/strategies/${id}`, body: undefined })),
  hostileString.map((condition) => ({
    method: 'POST',
    path: '/api/v1/strategies/1/run',
    body: JSON.stringify({ occurrence: condition }),
  })),
);

describe('API fuzz', () => {
  let h: Harness;
  let existingId: number;
  beforeAll(async () => {
    h = await createHarness('sqlite');
    // Strategy 1 exists and is periodic, so PUT/PATCH/run reach their deeper validation.
    const created = await h.call('POST', '/api/v1/strategies', {
      ...strategyBase,
      name: 'fuzz-target',
      type: 'periodic',
      enabled: true,
      periodic_expr: '0 8 * * *',
    });
    existingId = created.body.id;
    expect(existingId).toBe(1);
  });
  afterAll(async () => {
    await h.destroy();
  });

  it(`refuses ${API_REQUESTS} hostile requests with 4xx problem documents and changes nothing`, async () => {
    const snapshot = async () => ({
      strategies: await h.database.db.quotaStrategy.findMany({ orderBy: { id: 'asc' } }),
      users: await h.database.db.userInfo.count(),
      ledger: await h.database.db.quotaExecute.count(),
    });
    const before = await snapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async ({ method, path, body }) => {
        const response = await h.call(method, path, body);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        expect(response.status, `${method} ${path} ${body?.slice(0, 200)}`).toBeGreaterThanOrEqual(
          400,
        );
        expect(response.status).toBeLessThan(500);
        expect(response.headers.get('content-type')).toContain('application/problem+json');
        expect(response.body).toMatchObject({ status: response.status, code: expect.any(String) });
        const text = JSON.stringify(response.body);
        expect(text).not.toMatch(/\/work\/|node_modules|at .*\.ts:\d+|prisma\./i);
      }),
      { numRuns: API_REQUESTS, seed },
    );
    expect(await snapshot()).toEqual(before);
    console.info(`API fuzz statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(h.logger.lines.filter((l) => l.message === 'unhandled error')).toEqual([]);
    // 10 000 requests take ~20 s alone; a loaded two-core machine needs more than the default.
  }, 240_000);
});
