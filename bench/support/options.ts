// Command-line and environment selection shared by every benchmark:
//   --sizes 10k,100k,1m   (BENCH_SIZES)   user counts
//   --db sqlite,postgresql,mysql (BENCH_DB) databases (default sqlite,postgresql; mysql = MariaDB)
//   --only scan,pushdown,api (BENCH_ONLY) benchmarks, for run-all.ts
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatabaseKind } from '../../src/config/database-url.ts';

export interface BenchOptions {
  sizes: number[];
  databases: DatabaseKind[];
  only: string[] | undefined;
}

export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)([km]?)$/i.exec(text.trim());
  if (!match) throw new Error(`not a count: "${text}" (e.g. 10k, 100000, 1m)`);
  const factor = { '': 1, k: 1e3, m: 1e6 }[match[2]!.toLowerCase()]!;
  return Math.round(Number(match[1]) * factor);
}

function argument(argv: string[], name: string): string | undefined {
  const index = argv.findIndex((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`));
  if (index === -1) return undefined;
  const arg = argv[index]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
}

const list = (text: string | undefined) =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);

const DATABASE_NAMES: readonly DatabaseKind[] = ['sqlite', 'postgresql', 'mysql'];

export function benchOptions(
  defaults: { sizes: number[] },
  argv = process.argv.slice(2),
): BenchOptions {
  const sizes =
    list(argument(argv, 'sizes') ?? process.env.BENCH_SIZES)?.map(parseCount) ?? defaults.sizes;
  const names = list(argument(argv, 'db') ?? process.env.BENCH_DB) ?? ['sqlite', 'postgresql'];
  const databases = names.map((name) => {
    if (!(DATABASE_NAMES as readonly string[]).includes(name))
      throw new Error(`unknown database "${name}" (${DATABASE_NAMES.join(', ')})`);
    return name as DatabaseKind;
  });
  return { sizes, databases, only: list(argument(argv, 'only') ?? process.env.BENCH_ONLY) };
}

/** True when this module is the script node was started with (not imported by run-all.ts). */
export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && pathToFileURL(resolve(process.argv[1])).href === url;
}

export const log = (line: string) =>
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
