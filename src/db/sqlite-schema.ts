// Pure transformation PostgreSQL schema → SQLite twin. Kept tiny on purpose: the data model
// uses only features both providers share; native type attributes (@db.*) are the one
// difference, plus the provider, the placeholder URL and the generated client's folder.
export function sqliteSchemaFrom(postgresSchema: string): string {
  const body = postgresSchema
    .replace(/provider = "postgresql"/, 'provider = "sqlite"')
    .replace(/url\s+= "postgresql:\/\/[^"]*"/, 'url      = "file:./unused.db"')
    .replace(
      /output\s+= "\.\.\/src\/db\/generated\/postgresql"/,
      'output       = "../../src/db/generated/sqlite"',
    )
    .replace(/[ \t]+@db\.\w+(\([^)]*\))?/g, '')
    .replace(/^\/\/ The single source of truth[\s\S]*?by hand[^\n]*\n/m, '');
  return `// GENERATED from prisma/schema.prisma by scripts/gen-sqlite-schema.ts — do not edit.\n${body}`;
}
