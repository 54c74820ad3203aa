import { defineConfig } from 'vitest/config';

/**
 * Pure tests: no database, no child process, no global setup; they run in seconds
 * (`npx vitest run --project unit`). Everything else is `integration`, which starts a
 * throwaway PostgreSQL cluster once (test/support/global-setup.ts).
 */
const UNIT = [
  'test/unit/**/*.test.ts',
  'test/core/**/*.test.ts',
  'test/condition/{evaluate,format,fuzz,parse,timestamp}.test.ts',
  'test/config/**/*.test.ts',
  'test/gateway/{limiter,retry}.test.ts',
  'test/cli/csv-and-progress.test.ts',
  'test/deploy/**/*.test.ts',
  'test/events/**/*.test.ts',
  'test/outbound/address-policy.test.ts',
  'test/logger.test.ts',
  'test/nemesis/checker.test.ts',
];

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
          include: ['test/**/*.test.ts'],
          exclude: UNIT,
          globalSetup: ['test/support/global-setup.ts'],
        },
      },
    ],
  },
});
