// A short nemesis on every database: two seeded histories each (SQLite with one daemon,
// PostgreSQL and MariaDB with two or three replicas, one of them on a skewed clock), with
// kills, stalls past the lease, late, held, dropped and reordered deltas, database restarts,
// strategy edits and user imports, judged by the checker. Four strategies: periodic and single
// `add` grants, a capped one, and a top-up every 3 s whose users no other strategy grants. The long run is `npm run nemesis`.
// Budget caps are judged too (NEMESIS_CHECK_CAPS=false turns that off, to look at exactly-once
// alone).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failures } from './checker.ts';
import { startDatabaseHost, type DatabaseHost } from './database-host.ts';
import { runHistory } from './nemesis.ts';
import { planHistory, type DbKind } from './schedule.ts';

const SEEDS = [1, 2];
const HISTORY_MS = 8000;
const CHECK_CAPS = process.env.NEMESIS_CHECK_CAPS !== 'false';

describe.each(['sqlite', 'postgresql', 'mysql'] as const)(
  'nemesis on %s',
  { timeout: 150_000 },
  (kind: DbKind) => {
    let host: DatabaseHost;
    beforeAll(async () => {
      host = await startDatabaseHost(kind);
    });
    afterAll(() => host?.close());

    it.each(SEEDS)('seed %i: no double grant, no silent loss', async (seed) => {
      const result = await runHistory(planHistory(seed, kind, HISTORY_MS), host, {
        caps: CHECK_CAPS,
      });
      const { report } = result;
      console.info(
        `nemesis ${kind} seed ${seed} (${result.wallMs} ms): deltas ${report.deltas}, ` +
          `ledger ${JSON.stringify(report.rows)}, injected ${JSON.stringify(result.injected)}, ` +
          `top-up deltas ${report.topUpDeltas}, ` +
          `cap overruns ${report.capOverruns.length}, unknown with/without delta ` +
          `${report.unknownWithDelta}/${report.unknownWithoutDelta}`,
      );
      expect(result.failures, result.evidence).toEqual([]);
      expect(failures(report, { caps: CHECK_CAPS })).toEqual([]);
      expect(result.quiet).toBe(true);
      // The history did something: grants were made and faults were injected.
      expect(report.deltas).toBeGreaterThan(0);
      expect(Object.values(result.injected).reduce((a, b) => a + b, 0)).toBeGreaterThan(3);
    });
  },
);
