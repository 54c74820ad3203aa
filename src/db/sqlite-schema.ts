// Pure transformations PostgreSQL schema → SQLite and MySQL twins. Kept tiny on purpose: the
// data model uses only features every provider shares; native type attributes (@db.*) are the
// one difference, plus the provider, the placeholder URL and the generated client's folder.
const SOURCE_NOTE = /^\/\/ The single source of truth[\s\S]*?by hand[^\n]*\n/m;

function twin(
  postgresSchema: string,
  provider: string,
  url: string,
  folder: string,
  keepNativeTypes: boolean,
): string {
  const body = postgresSchema
    .replace(/provider = "postgresql"/, `provider = "${provider}"`)
    .replace(/url\s+= "postgresql:\/\/[^"]*"/, `url      = "${url}"`)
    .replace(
      /output\s+= "\.\.\/src\/db\/generated\/postgresql"/,
      `output       = "../../src/db/generated/${folder}"`,
    )
    .replace(keepNativeTypes ? /(?!)/ : /[ \t]+@db\.\w+(\([^)]*\))?/g, '')
    .replace(SOURCE_NOTE, '');
  return `// GENERATED from prisma/schema.prisma by scripts/gen-sqlite-schema.ts — do not edit.\n${body}`;
}

export function sqliteSchemaFrom(postgresSchema: string): string {
  return twin(postgresSchema, 'sqlite', 'file:./unused.db', 'sqlite', false);
}

/**
 * The MySQL twin keeps @db.Decimal(14, 2), which means the same on both servers. It only
 * generates the MySQL client: its tables come from prisma/mysql/migrations (hand-written SQL,
 * because Prisma's WASM schema engine has no MySQL connector), checked against the PostgreSQL
 * database by test/db/schema-drift.test.ts.
 */
export function mysqlSchemaFrom(postgresSchema: string): string {
  return twin(postgresSchema, 'mysql', 'mysql://unused@localhost/unused', 'mysql', true);
}
