// Generates the Prisma clients (PostgreSQL, SQLite, MySQL) into src/db/generated/. Runs from
// `postinstall`, so a fresh clone is ready after `npm ci`. Placeholder URLs only pick the
// schema in prisma.config.ts; generate never connects.
import { execFileSync } from 'node:child_process';

const targets = {
  postgresql: 'postgresql://unused@localhost/unused',
  sqlite: 'file:./data/unused.db',
  mysql: 'mysql://unused@localhost/unused',
};
for (const [kind, url] of Object.entries(targets)) {
  execFileSync('npx', ['prisma', 'generate'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DATABASE_URL: url, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
  });
  console.log(`prisma client generated (${kind})`);
}
