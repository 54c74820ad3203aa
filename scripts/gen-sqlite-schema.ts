// Derives the SQLite and MySQL twins of prisma/schema.prisma (the one source of truth):
// prisma/sqlite/schema.prisma and prisma/mysql/schema.prisma.
// Usage: tsx scripts/gen-sqlite-schema.ts [--check]   (--check exits 1 if a twin is stale)
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { mysqlSchemaFrom, sqliteSchemaFrom } from '../src/db/sqlite-schema.ts';

const source = readFileSync('prisma/schema.prisma', 'utf8');
const twins = [
  { folder: 'prisma/sqlite', wanted: sqliteSchemaFrom(source) },
  { folder: 'prisma/mysql', wanted: mysqlSchemaFrom(source) },
];
let stale = false;
for (const { folder, wanted } of twins) {
  const target = `${folder}/schema.prisma`;
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== wanted) {
      console.error(`${target} is stale: run npm run db:sqlite-schema`);
      stale = true;
    }
  } else {
    mkdirSync(folder, { recursive: true });
    writeFileSync(target, wanted);
    console.log(`wrote ${target}`);
  }
}
if (stale) process.exit(1);
