// Derives prisma/sqlite/schema.prisma from prisma/schema.prisma (the one source of truth).
// Usage: tsx scripts/gen-sqlite-schema.ts [--check]   (--check exits 1 if the twin is stale)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { sqliteSchemaFrom } from '../src/db/sqlite-schema.ts';

const source = readFileSync('prisma/schema.prisma', 'utf8');
const target = 'prisma/sqlite/schema.prisma';
const wanted = sqliteSchemaFrom(source);
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    /* missing counts as stale */
  }
  if (current !== wanted) {
    console.error(`${target} is stale: run npm run db:sqlite-schema`);
    process.exit(1);
  }
} else {
  mkdirSync('prisma/sqlite', { recursive: true });
  writeFileSync(target, wanted);
  console.log(`wrote ${target}`);
}
