// Micro-benchmark of the condition language (not a test): how many conditions per second the
// API can validate, and how many users per second the scanner can evaluate in memory (the
// residual path for gateway-dependent conditions). Run: npx tsx bench/condition-bench.ts
import {
  evaluate,
  explain,
  format,
  parse,
  toDatabaseFilter,
  type ConditionAst,
  type ConditionUser,
} from '../src/condition/index.ts';

/** A realistic condition with 10 predicates, as an operator might write it. */
const CONDITION = `or(
  and(is-vip(2), github-star("zgsm-ai.zgsm"), register-before("2024-06-01 00:00:00")),
  and(belong-to("org001", "org002"), access-after("2024-05-01"), not(match-user("blocked-1", "blocked-2"))),
  and(is-vip(4), not(access-before("2024-01-01T00:00:00Z"))),
  and(github-star("zgsm"), register-after("2023-01-01"))
)`;

/** The same condition in infix notation. */
const INFIX = `is-vip(2) and github-star("zgsm-ai.zgsm") and register-before("2024-06-01 00:00:00")
  or belong-to("org001", "org002") and access-after("2024-05-01") and not match-user("blocked-1", "blocked-2")
  or is-vip(4) and not access-before("2024-01-01T00:00:00Z")
  or github-star("zgsm") and register-after("2023-01-01")`;

const TIME_ZONE = 'Asia/Shanghai';
const USERS = 20_000;

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeUsers(count: number): ConditionUser[] {
  const next = random(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const time = () =>
    next() < 0.1
      ? null
      : new Date(Date.UTC(2022, 0, 1) + Math.floor(next() * 3 * 365 * 86_400_000));
  return Array.from({ length: count }, (_, i) => ({
    id: `user-${i}`,
    vip: Math.floor(next() * 6),
    org: pick(['org001', 'org002', 'org003', null]),
    registerTime: time(),
    accessTime: time(),
    githubStars: ['zgsm', 'zgsm-ai.zgsm', 'vscode', 'react'].filter(() => next() < 0.3),
  }));
}

function astOf(text: string): ConditionAst {
  const result = parse(text);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ast;
}

interface Row {
  measurement: string;
  operations: number;
  seconds: number;
}

/** Repeats `run` (which performs `batch` operations) for about `budgetMs` after a warm-up. */
async function measure(
  measurement: string,
  batch: number,
  run: () => unknown,
  budgetMs = 1500,
): Promise<Row> {
  for (let i = 0; i < 3; i++) await run();
  let operations = 0;
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    await run();
    operations += batch;
  }
  return { measurement, operations, seconds: (performance.now() - start) / 1000 };
}

async function main(): Promise<void> {
  const ast = astOf(CONDITION);
  const users = makeUsers(USERS);
  const ctx = { timeZone: TIME_ZONE };
  const granted = (await Promise.all(users.map((user) => evaluate(ast, user, ctx)))).filter(
    (value) => value === 'TRUE',
  ).length;

  const rows = [
    await measure('parse + check (prefix, 10 leaves)', 100, () => {
      for (let i = 0; i < 100; i++) parse(CONDITION);
    }),
    await measure('parse + check (infix, 10 leaves)', 100, () => {
      for (let i = 0; i < 100; i++) parse(INFIX);
    }),
    await measure('format', 1000, () => {
      for (let i = 0; i < 1000; i++) format(ast);
    }),
    await measure('toDatabaseFilter', 1000, () => {
      for (let i = 0; i < 1000; i++) toDatabaseFilter(ast, { timeZone: TIME_ZONE });
    }),
    await measure('evaluate (users, awaited one by one)', USERS, async () => {
      for (const user of users) await evaluate(ast, user, ctx);
    }),
    await measure('explain (users)', 1000, async () => {
      for (let i = 0; i < 1000; i++) await explain(ast, users[i]!, ctx);
    }),
  ];

  const perSecond = (row: Row) => Math.round(row.operations / row.seconds);
  const width = Math.max(...rows.map((row) => row.measurement.length));
  console.log(`condition: ${format(ast)}`);
  console.log(`node ${process.version}, ${USERS} users (${granted} granted), zone ${TIME_ZONE}\n`);
  console.log(`${'measurement'.padEnd(width)}  ${'ops/s'.padStart(12)}  ${'µs/op'.padStart(8)}`);
  console.log(`${'-'.repeat(width)}  ${'-'.repeat(12)}  ${'-'.repeat(8)}`);
  for (const row of rows) {
    const rate = perSecond(row);
    console.log(
      `${row.measurement.padEnd(width)}  ${rate.toLocaleString('en-US').padStart(12)}  ${(1e6 / rate).toFixed(2).padStart(8)}`,
    );
  }
}

await main();
