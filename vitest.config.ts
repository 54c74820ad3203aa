import { defineConfig } from 'vitest/config';

/**
 * Tests are unit or integration by folder, never by a list of files: a test under one of
 * UNIT_FOLDERS is pure (no database, no child process, no server, no global setup;
 * `npx vitest run --project unit`); everything else is `integration`, which starts throwaway
 * database servers once (test/support/global-setup.ts). test/unit/test-folders.test.ts checks
 * that no unit test reaches for a database or a process.
 */
export const UNIT_FOLDERS = ['unit', 'core', 'condition', 'config', 'deploy', 'events'] as const;
// .tsx too: views are tested as JSX (test/unit/lot-table.test.tsx).
const UNIT = UNIT_FOLDERS.map((folder) => `test/${folder}/**/*.test.{ts,tsx}`);

export default defineConfig({
  test: {
    // Integration tests start servers and databases; two cores, so keep parallelism modest.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true, test: { name: 'unit', include: UNIT } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.{ts,tsx}'],
          exclude: UNIT,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
