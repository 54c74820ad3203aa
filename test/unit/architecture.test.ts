// The layering rules of docs/architecture.md, checked on the source itself: which layer may
// import which, no import cycle, small files, and short functions in the core.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(entry.name) ? [path] : [];
  });
}

const files = sourceFiles(src);
const rel = (path: string) => relative(src, path).replaceAll('\\', '/');

/** Every module specifier a file imports (static, dynamic, type-only and re-exports). */
function importsOf(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  const found: string[] = [];
  const patterns = [
    /\bfrom\s+'([^']+)'/g,
    /\bimport\s*\(\s*'([^']+)'\s*\)/g,
    /^import\s+'([^']+)'/gm,
  ];
  for (const pattern of patterns) for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** src-relative paths of the files a file imports from src. */
function localImports(path: string): string[] {
  return importsOf(path)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => resolve(dirname(path), spec))
    .filter((target) => target.startsWith(src + '/'))
    .map(rel);
}

const graph = new Map(files.map((f) => [rel(f), localImports(f)]));

describe('architecture', () => {
  it('api/ imports nothing from db/, scheduler/ or the composition root', () => {
    const offending = [...graph]
      .filter(([file]) => file.startsWith('api/'))
      .flatMap(([file, deps]) =>
        deps
          .filter((d) => d.startsWith('db/') || d.startsWith('scheduler/') || d === 'runtime.ts')
          .map((d) => `${file} → ${d}`),
      );
    expect(offending).toEqual([]);
  });

  it('console/ uses only the public API: it imports only console/ and contract/', () => {
    const offending = [...graph]
      .filter(([file]) => file.startsWith('console/'))
      .flatMap(([file, deps]) =>
        deps
          .filter((d) => !d.startsWith('console/') && !d.startsWith('contract/'))
          .map((d) => `${file} → ${d}`),
      );
    expect(offending).toEqual([]);
  });

  it.each([
    ['cli', /^api\//],
    ['config', /^db\//],
    ['contract', /^(api|db|cli|console|gateway|scheduler|http|runtime\.ts)/],
  ])('%s/ imports nothing of the layers it must not know', (layer, forbidden) => {
    const offending = [...graph]
      .filter(([file]) => file.startsWith(`${layer}/`))
      .flatMap(([file, deps]) =>
        deps.filter((d) => forbidden.test(d)).map((d) => `${file} → ${d}`),
      );
    expect(offending).toEqual([]);
  });

  it('contract/ imports only the core (its model and values), zod and itself', () => {
    const offending = files
      .filter((f) => rel(f).startsWith('contract/'))
      .flatMap((f) => [
        ...importsOf(f)
          .filter((spec) => !spec.startsWith('.') && !/^(zod|@hono\/zod-openapi)$/.test(spec))
          .map((spec) => `${rel(f)} → ${spec}`),
        ...localImports(f)
          .filter((d) => !/^(contract|core|condition)\//.test(d))
          .map((d) => `${rel(f)} → ${d}`),
      ]);
    expect(offending).toEqual([]);
  });

  it('http/ is the only place that imports both api/ and console/', () => {
    const both = [...graph]
      .filter(
        ([, deps]) =>
          deps.some((d) => d.startsWith('api/')) && deps.some((d) => d.startsWith('console/')),
      )
      .map(([file]) => file)
      .filter((file) => !file.startsWith('http/'));
    expect(both).toEqual([]);
  });

  it('no adapter mounts another: api/ and console/ do not import each other', () => {
    const offending = [...graph]
      .filter(([file]) => file.startsWith('api/'))
      .flatMap(([file, deps]) =>
        deps.filter((d) => d.startsWith('console/')).map((d) => `${file} → ${d}`),
      );
    expect(offending).toEqual([]);
  });

  it('core/ and condition/ import no framework, and no adapter', () => {
    const frameworks =
      /^(hono|@hono\/|@prisma\/|prisma|winston|node-cron|prom-client|pg$|better-sqlite3)/;
    const adapters = /^(api|cli|db|gateway|github|scheduler|metrics|config)\//;
    const offending = files
      .filter((f) => rel(f).startsWith('core/') || rel(f).startsWith('condition/'))
      .flatMap((f) => [
        ...importsOf(f)
          .filter((spec) => frameworks.test(spec))
          .map((spec) => `${rel(f)} → ${spec}`),
        ...localImports(f)
          .filter((d) => adapters.test(d))
          .map((d) => `${rel(f)} → ${d}`),
      ]);
    expect(offending).toEqual([]);
  });

  it('events/ is pure: no framework, no network module, nothing of ours outside events/', () => {
    const forbidden =
      /^(hono|@hono\/|@prisma\/|prisma|winston|node-cron|prom-client|undici|(node:)?(http|https|net|dns|tls))$|^(hono|@hono|@prisma)\//;
    const offending = files
      .filter((f) => rel(f).startsWith('events/'))
      .flatMap((f) => [
        ...importsOf(f)
          .filter((spec) => forbidden.test(spec))
          .map((spec) => `${rel(f)} → ${spec}`),
        ...localImports(f)
          .filter((d) => !d.startsWith('events/'))
          .map((d) => `${rel(f)} → ${d}`),
      ]);
    expect(offending).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (file: string, path: string[]) => {
      if (state.get(file) === 'done') return;
      if (state.get(file) === 'visiting') {
        cycles.push([...path.slice(path.indexOf(file)), file].join(' → '));
        return;
      }
      state.set(file, 'visiting');
      for (const dep of graph.get(file) ?? []) visit(dep, [...path, file]);
      state.set(file, 'done');
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });

  it('no file in src/ is over 300 lines', () => {
    const long = files
      .map((f) => ({ file: rel(f), lines: readFileSync(f, 'utf8').split('\n').length }))
      .filter(({ lines }) => lines > 300);
    expect(long).toEqual([]);
  });

  it('no function in src/core is over 60 lines', () => {
    const long: string[] = [];
    for (const file of files.filter((f) => rel(f).startsWith('core/'))) {
      const source = ts.createSourceFile(
        file,
        readFileSync(file, 'utf8'),
        ts.ScriptTarget.ES2022,
        true,
      );
      const visit = (node: ts.Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
          const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (end - start + 1 > 60)
            long.push(`${rel(file)}:${start + 1} (${end - start + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    expect(long).toEqual([]);
  });
});
