// Prisma CLI configuration (migrate, generate). Rust-free: migrations run through the WASM
// schema engine and the driver adapter below, so nothing is downloaded after `npm ci`.
// The provider follows DATABASE_URL: file:… → SQLite twin schema, postgres(ql):// → main schema.
import { defineConfig } from 'prisma/config';
import { databaseKind, createDriverAdapter } from './src/db/driver.ts';

const url = process.env.DATABASE_URL ?? 'file:./data/quota-manager.db';
const kind = databaseKind(url);

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: kind === 'sqlite' ? 'prisma/sqlite/schema.prisma' : 'prisma/schema.prisma',
  migrations: { path: kind === 'sqlite' ? 'prisma/sqlite/migrations' : 'prisma/migrations' },
  adapter: async () => createDriverAdapter(url),
});
