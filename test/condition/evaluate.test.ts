import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  conditionFunctions,
  evaluate,
  explain,
  format,
  FUNCTION_REGISTRY,
  InvalidTimeZoneError,
  parse,
  type ConditionAst,
  type ConditionUser,
  type EvaluationContext,
  type Truth,
} from '../../src/condition/index.ts';
import { conditionArbitrary, databaseVocabulary, userArbitrary, ZONES } from './arbitraries.ts';

function astOf(text: string): ConditionAst {
  const result = parse(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ast;
}

function user(overrides: Partial<ConditionUser> = {}): ConditionUser {
  return {
    id: 'u1',
    vip: 0,
    org: 'org001',
    registerTime: null,
    accessTime: null,
    githubStars: [],
    ...overrides,
  };
}

/** A quota lookup that records its calls. */
function quotas(table: Record<string, number | null>) {
  const calls: string[] = [];
  const lookup = async (userId: string) => {
    calls.push(userId);
    return table[userId] ?? null;
  };
  return { calls, lookup };
}

const UTC: EvaluationContext = { timeZone: 'UTC' };
const run = (text: string, u: ConditionUser, ctx: EvaluationContext = UTC) =>
  evaluate(astOf(text), u, ctx);

describe("evaluate: the original system's scenarios", () => {
  it.each<[string, Partial<ConditionUser>, Truth]>([
    // or(and(is-vip(2), github-star("zgsm")), belong-to("org001")), as quoted in the issue.
    [
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
      { vip: 2, githubStars: ['zgsm', 'openai/gpt-4'], org: 'org002' },
      'TRUE',
    ],
    [
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
      { vip: 0, org: 'org001' },
      'TRUE',
    ],
    [
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
      { vip: 1, githubStars: ['microsoft/vscode'], org: 'org002' },
      'FALSE',
    ],
    [
      'or(and(is-vip(2), github-star("zgsm")), belong-to("org001"))',
      { vip: 1, githubStars: ['microsoft/vscode'], org: null },
      'UNKNOWN',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 3, org: 'org001', githubStars: ['zgsm'] },
      'TRUE',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 3, org: 'org002', githubStars: ['zgsm'] },
      'FALSE',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 3, org: 'org002', githubStars: ['vscode'] },
      'TRUE',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 2, org: 'org001' },
      'FALSE',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 3, org: null, githubStars: ['zgsm'] },
      'UNKNOWN',
    ],
    [
      'and(is-vip(3), or(belong-to("org001"), not(github-star("zgsm"))))',
      { vip: 3, org: null, githubStars: [] },
      'TRUE',
    ],
    // condition_1/2 of the Go test suite.
    ['match-user("user_match_1")', { id: 'user_match_1' }, 'TRUE'],
    ['match-user("user_match_1")', { id: 'user_match_2' }, 'FALSE'],
    [
      'register-before("2025-01-01 12:00:00")',
      { registerTime: new Date('2025-01-01T10:00:00Z') },
      'TRUE',
    ],
    [
      'register-before("2025-01-01 12:00:00")',
      { registerTime: new Date('2025-01-01T14:00:00Z') },
      'FALSE',
    ],
    [
      'access-after("2025-01-01 12:00:00")',
      { accessTime: new Date('2025-01-01T14:00:00Z') },
      'TRUE',
    ],
    [
      'access-after("2025-01-01 12:00:00")',
      { accessTime: new Date('2025-01-01T10:00:00Z') },
      'FALSE',
    ],
    ['github-star("zgsm")', { githubStars: ['zgsm', 'openai/gpt-4', 'facebook/react'] }, 'TRUE'],
    ['github-star("zgsm")', { githubStars: ['microsoft/vscode', 'google/tensorflow'] }, 'FALSE'],
    ['github-star("zgsm")', { githubStars: [] }, 'FALSE'],
    ['is-vip(2)', { vip: 3 }, 'TRUE'],
    ['is-vip(2)', { vip: 2 }, 'TRUE'],
    ['is-vip(2)', { vip: 0 }, 'FALSE'],
    ['belong-to("org001")', { org: 'org001' }, 'TRUE'],
    ['belong-to("org001")', { org: 'org002' }, 'FALSE'],
    ['belong-to("org001")', { org: null }, 'UNKNOWN'],
    ['and(is-vip(2), github-star("zgsm"))', { vip: 2, githubStars: ['zgsm'] }, 'TRUE'],
    ['and(is-vip(2), github-star("zgsm"))', { vip: 3, githubStars: ['microsoft/vscode'] }, 'FALSE'],
    ['and(is-vip(2), github-star("zgsm"))', { vip: 0, githubStars: ['zgsm'] }, 'FALSE'],
    ['or(is-vip(2), belong-to("org001"))', { vip: 2, org: 'org002' }, 'TRUE'],
    ['or(is-vip(2), belong-to("org001"))', { vip: 0, org: 'org002' }, 'FALSE'],
    ['not(is-vip(2))', { vip: 3 }, 'FALSE'],
    ['not(is-vip(2))', { vip: 0 }, 'TRUE'],
    [
      'or(and(is-vip(3), github-star("zgsm")), and(register-before("2024-01-01 00:00:00"), belong-to("org002")))',
      { vip: 0, org: 'org002', registerTime: new Date('2023-01-01T00:00:00Z') },
      'TRUE',
    ],
    [
      'or(and(is-vip(3), github-star("zgsm")), and(register-before("2024-01-01 00:00:00"), belong-to("org002")))',
      {
        vip: 1,
        org: 'org003',
        githubStars: ['microsoft/vscode'],
        registerTime: new Date('2025-01-01T00:00:00Z'),
      },
      'FALSE',
    ],
  ])('%s on %j → %s', async (text, overrides, expected) => {
    expect(await run(text, user(overrides))).toBe(expected);
  });

  describe('not(and(or(quota-le("m",10),not(is-vip(2))),not(or(github-star("p"),belong-to("o")))))', () => {
    const text =
      'not(and(or(quota-le("m",10),not(is-vip(2))),not(or(github-star("p"),belong-to("o")))))';
    it.each<[string, Partial<ConditionUser>, number | null, Truth, number]>([
      ['low quota, vip 3: granted nothing', { vip: 3, org: 'x' }, 5, 'FALSE', 1],
      ['high quota, vip 3', { vip: 3, org: 'x' }, 50, 'TRUE', 1],
      ['unknown quota, vip 3', { vip: 3, org: 'x' }, null, 'UNKNOWN', 1],
      [
        'unknown quota but vip 1: decided without the gateway',
        { vip: 1, org: 'x' },
        null,
        'FALSE',
        0,
      ],
      [
        'starred p: decided without the gateway',
        { vip: 3, org: 'x', githubStars: ['p'] },
        5,
        'TRUE',
        0,
      ],
      ['unknown org, vip 3, high quota', { vip: 3, org: null }, 50, 'TRUE', 1],
      ['unknown org, vip 3, low quota', { vip: 3, org: null }, 5, 'UNKNOWN', 1],
    ])('%s', async (_label, overrides, quota, expected, lookups) => {
      const q = quotas({ u1: quota });
      expect(await run(text, user(overrides), { timeZone: 'UTC', quota: q.lookup })).toBe(expected);
      expect(q.calls).toHaveLength(lookups);
    });
  });
});

describe('evaluate: every function and its boundaries', () => {
  const at = new Date('2024-06-01T00:00:00Z');
  const just = (ms: number) => new Date(at.getTime() + ms);
  it.each<[string, Partial<ConditionUser>, Truth]>([
    ['true()', {}, 'TRUE'],
    ['false()', {}, 'FALSE'],
    ['match-user("a", "u1")', {}, 'TRUE'],
    ['match-user("U1")', {}, 'FALSE'],
    ['github-star("x", "zgsm")', { githubStars: ['zgsm'] }, 'TRUE'],
    ['github-star("ZGSM")', { githubStars: ['zgsm'] }, 'FALSE'],
    ['belong-to("a", "org001")', {}, 'TRUE'],
    ['belong-to("ORG001")', {}, 'FALSE'],
    ['belong-to("")', { org: '' }, 'TRUE'],
    ['is-vip(0)', { vip: 0 }, 'TRUE'],
    ['is-vip(1)', { vip: 0 }, 'FALSE'],
    ['register-before("2024-06-01")', { registerTime: at }, 'TRUE'],
    ['register-before("2024-06-01")', { registerTime: just(1) }, 'FALSE'],
    ['register-before("2024-06-01")', { registerTime: null }, 'UNKNOWN'],
    ['register-after("2024-06-01")', { registerTime: at }, 'FALSE'],
    ['register-after("2024-06-01")', { registerTime: just(1) }, 'TRUE'],
    ['register-after("2024-06-01")', { registerTime: null }, 'UNKNOWN'],
    ['access-after("2024-06-01")', { accessTime: at }, 'FALSE'],
    ['access-after("2024-06-01")', { accessTime: just(1) }, 'TRUE'],
    ['access-after("2024-06-01")', { accessTime: null }, 'UNKNOWN'],
    ['access-before("2024-06-01")', { accessTime: at }, 'FALSE'],
    ['access-before("2024-06-01")', { accessTime: just(-1) }, 'TRUE'],
    ['access-before("2024-06-01")', { accessTime: null }, 'UNKNOWN'],
    ['access-before("2024-06-01")', { accessTime: new Date(Number.NaN) }, 'UNKNOWN'],
  ])('%s on %j → %s', async (text, overrides, expected) => {
    expect(await run(text, user(overrides))).toBe(expected);
  });

  it.each<[string, number | null, Truth]>([
    ['quota-le("m", 10)', 10, 'TRUE'],
    ['quota-le("m", 10)', 10.5, 'FALSE'],
    ['quota-ge("m", 10)', 10, 'TRUE'],
    ['quota-ge("m", 10)', 9.99, 'FALSE'],
    ['quota-le("m", 10)', null, 'UNKNOWN'],
    ['quota-ge("other-model", 0)', 0, 'TRUE'],
  ])('%s with quota %s → %s', async (text, quota, expected) => {
    expect(await run(text, user(), { timeZone: 'UTC', quota: quotas({ u1: quota }).lookup })).toBe(
      expected,
    );
  });

  it("reads wall-time literals in the context's zone", async () => {
    const registered = user({ registerTime: new Date('2023-12-31T17:00:00Z') });
    // Midnight in Shanghai is 16:00 UTC the day before; midnight UTC is later.
    expect(
      await run('register-before("2024-01-01")', registered, { timeZone: 'Asia/Shanghai' }),
    ).toBe('FALSE');
    expect(await run('register-before("2024-01-01")', registered, { timeZone: 'UTC' })).toBe(
      'TRUE',
    );
    // A literal with an offset means the same instant in every zone.
    expect(
      await run('register-before("2024-01-01T00:00:00+08:00")', registered, { timeZone: 'UTC' }),
    ).toBe('FALSE');
  });
});

describe('evaluate: three-valued logic', () => {
  const unknownOrg = user({ org: null });
  it.each<[string, Truth]>([
    ['belong-to("x")', 'UNKNOWN'],
    ['not(belong-to("x"))', 'UNKNOWN'],
    ['and(true(), belong-to("x"))', 'UNKNOWN'],
    ['and(false(), belong-to("x"))', 'FALSE'],
    ['and(belong-to("x"), false())', 'FALSE'],
    ['or(true(), belong-to("x"))', 'TRUE'],
    ['or(belong-to("x"), true())', 'TRUE'],
    ['or(false(), belong-to("x"))', 'UNKNOWN'],
    ['or(belong-to("x"), belong-to("y"))', 'UNKNOWN'],
    ['not(not(belong-to("x")))', 'UNKNOWN'],
    ['or(belong-to("x"), not(belong-to("x")))', 'UNKNOWN'], // like SQL: not a tautology over NULLs
  ])('%s with an unknown org → %s', async (text, expected) => {
    expect(await run(text, unknownOrg)).toBe(expected);
  });

  it('never grants not(access-after(…)) to a user whose access time is unknown', async () => {
    expect(await run('not(access-after("2024-01-01"))', user({ accessTime: null }))).toBe(
      'UNKNOWN',
    );
  });

  it('treats a missing quota lookup as unknown', async () => {
    expect(await run('quota-le("m", 10)', user(), { timeZone: 'UTC' })).toBe('UNKNOWN');
    expect(await run('or(quota-le("m", 10), true())', user(), { timeZone: 'UTC' })).toBe('TRUE');
  });
});

describe('evaluate: gateway lookups', () => {
  it('asks the gateway only when the rest of the condition leaves the answer open', async () => {
    for (const text of [
      'and(false(), quota-le("m", 1))',
      'and(quota-le("m", 1), false())',
      'or(quota-ge("m", 1), is-vip(0))',
      'not(and(quota-le("m", 1), false()))',
    ]) {
      const q = quotas({ u1: 0 });
      await run(text, user(), { timeZone: 'UTC', quota: q.lookup });
      expect(q.calls, text).toEqual([]);
    }
  });

  it('asks at most once per evaluation, however many quota predicates there are', async () => {
    const q = quotas({ u1: 5 });
    expect(
      await run('and(quota-le("a", 10), quota-ge("b", 1), not(quota-le("c", 4)))', user(), {
        timeZone: 'UTC',
        quota: q.lookup,
      }),
    ).toBe('TRUE');
    expect(q.calls).toEqual(['u1']);
  });

  it('propagates a failed lookup', async () => {
    const ctx = { timeZone: 'UTC', quota: async () => Promise.reject(new Error('gateway down')) };
    await expect(run('quota-le("m", 1)', user(), ctx)).rejects.toThrow('gateway down');
  });

  it('rejects an unknown time zone with a typed error', async () => {
    await expect(run('true()', user(), { timeZone: 'Mars/Base' })).rejects.toBeInstanceOf(
      InvalidTimeZoneError,
    );
    await expect(run('true()', user(), { timeZone: 'Mars/Base' })).rejects.toMatchObject({
      code: 'invalid_time_zone',
    });
  });
});

describe('explain', () => {
  it('shows every node with its value and the attributes it read', async () => {
    const ast = astOf(
      'and(is-vip(2), or(belong-to("org001"), register-before("2024-01-01")), not(quota-le("m", 10)))',
    );
    const tree = await explain(
      ast,
      user({ vip: 3, org: null, registerTime: new Date('2023-06-01T00:00:00Z') }),
      {
        timeZone: 'Asia/Shanghai',
        quota: quotas({ u1: 20 }).lookup,
      },
    );
    expect(tree).toEqual({
      text: format(ast),
      function: 'and',
      value: 'TRUE',
      children: [
        { text: 'is-vip(2)', function: 'is-vip', value: 'TRUE', inputs: { vip: 3, level: 2 } },
        {
          text: 'or(belong-to("org001"), register-before("2024-01-01"))',
          function: 'or',
          value: 'TRUE',
          children: [
            {
              text: 'belong-to("org001")',
              function: 'belong-to',
              value: 'UNKNOWN',
              inputs: { org: null, orgs: ['org001'] },
            },
            {
              text: 'register-before("2024-01-01")',
              function: 'register-before',
              value: 'TRUE',
              inputs: {
                registerTime: '2023-06-01T00:00:00.000Z',
                time: '2024-01-01',
                timeZone: 'Asia/Shanghai',
                instant: '2023-12-31T16:00:00.000Z',
              },
            },
          ],
        },
        {
          text: 'not(quota-le("m", 10))',
          function: 'not',
          value: 'TRUE',
          children: [
            {
              text: 'quota-le("m", 10)',
              function: 'quota-le',
              value: 'FALSE',
              inputs: { quota: 20, model: 'm', n: 10 },
            },
          ],
        },
      ],
    });
  });

  it('describes the other predicates', async () => {
    const ast = astOf(
      'or(match-user("u2"), github-star("p"), access-after("2024-01-01T00:00:00Z"), true(), false())',
    );
    const tree = await explain(ast, user({ githubStars: ['p', 'q'] }), UTC);
    expect(tree.value).toBe('TRUE');
    expect(
      tree.children!.map(({ function: fn, value, inputs }) => ({ fn, value, inputs })),
    ).toEqual([
      { fn: 'match-user', value: 'FALSE', inputs: { id: 'u1', ids: ['u2'] } },
      { fn: 'github-star', value: 'TRUE', inputs: { githubStars: ['p', 'q'], repos: ['p'] } },
      {
        fn: 'access-after',
        value: 'UNKNOWN',
        inputs: {
          accessTime: null,
          time: '2024-01-01T00:00:00Z',
          timeZone: 'UTC',
          instant: '2024-01-01T00:00:00.000Z',
        },
      },
      { fn: 'true', value: 'TRUE', inputs: undefined },
      { fn: 'false', value: 'FALSE', inputs: undefined },
    ]);
  });

  it('always agrees with evaluate (random conditions and users)', async () => {
    const vocabulary = databaseVocabulary(5);
    await fc.assert(
      fc.asyncProperty(
        conditionArbitrary(vocabulary, { depth: 3, quota: true }),
        userArbitrary('u1'),
        fc.option(fc.integer({ min: -2, max: 12 })),
        fc.constantFrom(...ZONES),
        async (ast, u, quota, timeZone) => {
          const ctx = { timeZone, quota: quotas({ u1: quota }).lookup };
          expect((await explain(ast, u, ctx)).value).toBe(await evaluate(ast, u, ctx));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('conditionFunctions', () => {
  it.each([
    ['true()', ['true'], false],
    ['and(is-vip(2), belong-to("o"), is-vip(3))', ['and', 'belong-to', 'is-vip'], false],
    ['not(or(quota-ge("m", 1), github-star("p")))', ['github-star', 'not', 'or', 'quota-ge'], true],
  ])('%s', (text, functions, needsGateway) => {
    expect(conditionFunctions(astOf(text))).toEqual({ functions, needsGateway });
  });
});

describe('FUNCTION_REGISTRY', () => {
  it('lists every function once, with an example that parses to a call of it', () => {
    const names = FUNCTION_REGISTRY.map((spec) => spec.name);
    expect(names).toEqual([
      'and',
      'or',
      'not',
      'true',
      'false',
      'match-user',
      'register-before',
      'register-after',
      'access-after',
      'access-before',
      'github-star',
      'is-vip',
      'belong-to',
      'quota-le',
      'quota-ge',
    ]);
    for (const spec of FUNCTION_REGISTRY) {
      expect(astOf(spec.example).name, spec.example).toBe(spec.name);
      expect(spec.description.length).toBeGreaterThan(10);
      expect(spec.needsGateway).toBe(spec.name.startsWith('quota-'));
    }
  });

  it('is plain, frozen data that serialises for the API', () => {
    expect(Object.isFrozen(FUNCTION_REGISTRY)).toBe(true);
    expect(Object.isFrozen(FUNCTION_REGISTRY[0]!.params)).toBe(true);
    expect(JSON.parse(JSON.stringify(FUNCTION_REGISTRY))).toEqual(FUNCTION_REGISTRY);
    expect(FUNCTION_REGISTRY.find((spec) => spec.name === 'quota-le')).toEqual({
      name: 'quota-le',
      params: [
        { name: 'model', type: 'string' },
        { name: 'n', type: 'number' },
      ],
      variadic: false,
      description:
        "The user's current total quota at the gateway is at most n (the model is ignored).",
      example: 'quota-le("gpt-4o", 10)',
      needsGateway: true,
    });
  });
});
