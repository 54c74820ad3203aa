// Prisma CLI configuration (migrate, generate). Rust-free: migrations run through the WASM
// schema engine and the driver adapter below, so nothing is downloaded after `npm ci`.
// The provider follows DATABASE_URL: file:… → SQLite twin schema, postgres(ql):// → main schema,
// mysql:// / mariadb:// → MySQL twin (generate only: MySQL migrations run through
// src/db/mysql-migrate.ts, the schema engine has no MySQL connector here).
import { PrismaMariaDb } from '@prisma/adapter-mariadb';
import { defineConfig } from 'prisma/config';
import { databaseKind } from './src/config/database-url.ts';
import { createDriverAdapter } from './src/db/driver.ts';

const url = process.env.DATABASE_URL ?? 'file:./data/quota-manager.db';
const kind = databaseKind(url);

export default defineConfig({
  engine: 'js',
  experimental: { adapter: true },
  schema: kind === 'postgresql' ? 'prisma/schema.prisma' : `prisma/${kind}/schema.prisma`,
  migrations: { path: kind === 'postgresql' ? 'prisma/migrations' : `prisma/${kind}/migrations` },
  adapter: () => {
    // Blocking busy wait: a migration script cannot be retried statement by statement.
    const adapter = createDriverAdapter(url, { sqliteBusyWait: 'blocking' });
    if (adapter instanceof PrismaMariaDb) {
      throw new Error(
        'Prisma CLI schema commands cannot reach MySQL here: run `quota-manager migrate`',
      );
    }
    return Promise.resolve(adapter);
  },
});
