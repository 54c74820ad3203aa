// fast-check generators shared by the condition property tests: random typed ASTs over a small
// vocabulary (so that conditions and users actually meet), random users with NULLs, and a span
// stripper for comparing ASTs that came from different texts.
import fc from 'fast-check';
import type { ConditionAst, ConditionUser, Span } from '../../src/condition/index.ts';
import { resolveTimestamp } from '../../src/condition/index.ts';
import type { Db } from '../../src/db/client.ts';

export const NO_SPAN: Span = { offset: 0, length: 0, line: 1, column: 1 };

export const ZONES = ['UTC', 'Asia/Shanghai', 'America/New_York', 'Europe/London'] as const;
export const ORGS = ['org001', 'org002', 'ORG001', '', 'o "q"'] as const;
export const REPOS = ['zgsm', 'ZGSM', 'zgsm-ai.zgsm', 'p', 'vscode', 'é\\x'] as const;
export const MODELS = ['m', 'gpt-4o', ''] as const;

/** Literals in every accepted form; users' times are placed on and around their instants. */
export const TIMESTAMP_LITERALS = [
  '2024-01-01',
  '2024-01-01 00:00:00',
  '2024-03-10 02:30:00', // a DST gap in New York
  '2024-11-03 01:30:00', // a DST overlap in New York
  '2024-06-15 12:00:00',
  '2023-12-31T16:00:00Z',
  '2024-06-15T12:00:00+08:00',
  '2024-06-15T12:00:00.5-05:00',
] as const;

const call = (name: string, args: readonly unknown[]): ConditionAst =>
  ({ kind: 'call', name, args, span: NO_SPAN }) as unknown as ConditionAst;
const str = (value: string) => ({ kind: 'string' as const, value, span: NO_SPAN });
const num = (value: number) => ({ kind: 'number' as const, value, span: NO_SPAN });
const ts = (value: string) => ({ kind: 'timestamp' as const, value, span: NO_SPAN });

export interface Vocabulary {
  ids: fc.Arbitrary<string>;
  repos: fc.Arbitrary<string>;
  orgs: fc.Arbitrary<string>;
  models: fc.Arbitrary<string>;
  levels: fc.Arbitrary<number>;
  quotas: fc.Arbitrary<number>;
  timestamps: fc.Arbitrary<string>;
}

/** The small vocabulary that the database tests use. */
export function databaseVocabulary(userCount: number): Vocabulary {
  return {
    ids: fc.integer({ min: 0, max: userCount + 2 }).map((i) => `u${i}`),
    repos: fc.constantFrom(...REPOS),
    orgs: fc.constantFrom(...ORGS),
    models: fc.constantFrom(...MODELS),
    levels: fc.integer({ min: 0, max: 6 }),
    quotas: fc.integer({ min: -2, max: 12 }),
    timestamps: fc.constantFrom(...TIMESTAMP_LITERALS),
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** Any literal the checker accepts, for round-trip tests (wide ranges, every form). */
const anyTimestamp: fc.Arbitrary<string> = fc
  .tuple(
    fc.date({
      min: new Date('0001-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
      noInvalidDate: true,
    }),
    fc.integer({ min: 0, max: 4 }),
    fc.integer({ min: -23 * 60 - 59, max: 23 * 60 + 59 }),
  )
  .map(([date, form, offset]) => {
    const d = `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
    const t = `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
    const sign = offset < 0 ? '-' : '+';
    const o = `${sign}${pad(Math.floor(Math.abs(offset) / 60))}:${pad(Math.abs(offset) % 60)}`;
    return [
      d,
      `${d} ${t}`,
      `${d}T${t}Z`,
      `${d}T${t}.${pad(date.getUTCMilliseconds(), 3)}${o}`,
      `${d} ${t}${o}`,
    ][form]!;
  });

/** Half of a surrogate pair: a condition's strings never hold one (parse refuses it). */
export const hasHalfPair = (text: string) => /\p{Cs}/u.test(text);
/** Nor a NUL, for the same reason: no database stores it. */
const storable = (text: string) => !hasHalfPair(text) && !text.includes('\u0000');

const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }).filter(storable),
  fc.string({ unit: 'grapheme', maxLength: 12 }).filter(storable),
  fc.constantFrom(
    '',
    '"',
    '\\',
    '\\"',
    '\n\r\t',
    '\u0001\u001f\u007f',
    '\ud83d\ude00',
    'a\u{10ffff}b',
    '\u2028',
    '😀',
  ),
);

/** Wide vocabulary for format/parse round trips. */
export const roundTripVocabulary: Vocabulary = {
  ids: anyString,
  repos: anyString,
  orgs: anyString,
  models: anyString,
  levels: fc.integer({ min: 0, max: 2_147_483_647 }),
  quotas: fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  ),
  timestamps: anyTimestamp,
};

function leaf(v: Vocabulary): fc.Arbitrary<ConditionAst> {
  const list = (name: string, values: fc.Arbitrary<string>) =>
    fc.array(values, { minLength: 1, maxLength: 3 }).map((items) => call(name, items.map(str)));
  return fc.oneof(
    fc.constantFrom('true', 'false').map((name) => call(name, [])),
    list('match-user', v.ids),
    list('github-star', v.repos),
    list('belong-to', v.orgs),
    v.levels.map((level) => call('is-vip', [num(level)])),
    fc
      .tuple(
        fc.constantFrom('register-before', 'register-after', 'access-after', 'access-before'),
        v.timestamps,
      )
      .map(([name, literal]) => call(name, [ts(literal)])),
  );
}

function quotaLeaf(v: Vocabulary): fc.Arbitrary<ConditionAst> {
  return fc
    .tuple(fc.constantFrom('quota-le', 'quota-ge'), v.models, v.quotas)
    .map(([name, model, n]) => call(name, [str(model), num(n)]));
}

/** Random conditions up to `depth` levels of and/or/not above the leaves. */
export function conditionArbitrary(
  v: Vocabulary,
  options: { depth: number; quota: boolean },
): fc.Arbitrary<ConditionAst> {
  const leaves = options.quota
    ? fc.oneof({ weight: 5, arbitrary: leaf(v) }, { weight: 1, arbitrary: quotaLeaf(v) })
    : leaf(v);
  let node: fc.Arbitrary<ConditionAst> = leaves;
  for (let level = 0; level < options.depth; level++) {
    const sub = node;
    node = fc.oneof(
      { weight: 2, arbitrary: leaves },
      {
        weight: 2,
        arbitrary: fc.array(sub, { minLength: 2, maxLength: 4 }).map((args) => call('and', args)),
      },
      {
        weight: 2,
        arbitrary: fc.array(sub, { minLength: 2, maxLength: 4 }).map((args) => call('or', args)),
      },
      { weight: 1, arbitrary: sub.map((arg) => call('not', [arg])) },
    );
  }
  return node;
}

/** Users on and around the literals' instants (in every test zone), NULLs allowed everywhere. */
export function userArbitrary(id: string): fc.Arbitrary<ConditionUser> {
  const instants = ZONES.flatMap((zone) =>
    TIMESTAMP_LITERALS.map((literal) => resolveTimestamp(literal, zone)!.getTime()),
  );
  const time = fc.option(
    fc
      .tuple(
        fc.constantFrom(...instants),
        fc.constantFrom(0, 0, 1, -1, 1000, -1000, 86_400_000, -86_400_000),
      )
      .map(([instant, jitter]) => new Date(instant + jitter)),
    { freq: 4 },
  );
  return fc.record({
    id: fc.constant(id),
    vip: fc.integer({ min: 0, max: 6 }),
    org: fc.option(fc.constantFrom(...ORGS), { freq: 4 }),
    registerTime: time,
    accessTime: time,
    githubStars: fc.uniqueArray(fc.constantFrom(...REPOS), { maxLength: 3 }),
  });
}

/** The AST without source positions, for comparing ASTs parsed from different texts. */
export function withoutSpans(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutSpans);
  if (node !== null && typeof node === 'object') {
    return Object.fromEntries(
      Object.entries(node)
        .filter(([key]) => key !== 'span')
        .map(([key, value]) => [key, withoutSpans(value)]),
    );
  }
  return node;
}

/** Writes generated users (and their stars) to user_info, one by one. */
export async function insertConditionUsers(db: Db, users: readonly ConditionUser[]): Promise<void> {
  for (const user of users) {
    await db.userInfo.create({
      data: {
        id: user.id,
        vip: user.vip,
        org: user.org,
        registerTime: user.registerTime,
        accessTime: user.accessTime,
        stars: { create: [...new Set(user.githubStars)].map((repo) => ({ repo })) },
      },
    });
  }
}
