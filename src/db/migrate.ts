// Applies committed migrations with the Prisma CLI (`migrate deploy`), run as a child process
// because the CLI is the supported entry point to Prisma's WASM schema engine. The CLI picks
// the provider's schema and migrations folder from DATABASE_URL (see prisma.config.ts).
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const prismaCli = createRequire(import.meta.url).resolve('prisma/build/index.js');

export class MigrationError extends Error {
  readonly code = 'migration_failed';
}

export async function applyMigrations(databaseUrl: string): Promise<void> {
  await new Promise<void>((done, fail) => {
    execFile(
      process.execPath,
      [prismaCli, 'migrate', 'deploy'],
      {
        cwd: projectRoot,
        env: { ...process.env, DATABASE_URL: databaseUrl, PRISMA_HIDE_UPDATE_MESSAGE: '1' },
        timeout: 120_000,
      },
      (error, _stdout, stderr) => {
        if (!error) return done();
        // Keep the CLI's own explanation but drop anything that could echo the URL's password.
        const reason = String(stderr || error.message).replaceAll(databaseUrl, '<DATABASE_URL>');
        fail(new MigrationError(`prisma migrate deploy failed: ${reason.trim()}`));
      },
    );
  });
}
