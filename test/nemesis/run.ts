// The long nemesis: `npm run nemesis -- --seeds 200 [--db sqlite,postgresql,mysql] [--seed N]
// [--history-ms 20000] [--no-caps] [--out dir]`. Runs one history per (database, seed), prints a
// line per history and a summary; a failing history's evidence is written to --out, and
// `--seed N --db X` replays it (the plan is a pure function of the seed).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { silentLosses } from './checker.ts';
import { startDatabaseHost } from './database-host.ts';
import { runHistory } from './nemesis.ts';
import { SETTLE_AFTER_MS } from './replicas.ts';
import { MAX_DELAY_FAULT_MS, planHistory, type DbKind } from './schedule.ts';
import { summarise, type Totals } from './summary.ts';

const { values } = parseArgs({
  options: {
    seeds: { type: 'string', default: '200' },
    seed: { type: 'string' },
    db: { type: 'string', default: 'sqlite,postgresql,mysql' },
    'history-ms': { type: 'string', default: '20000' },
    'no-caps': { type: 'boolean', default: false },
    out: { type: 'string', default: '/tmp/qm-nemesis' },
  },
});

const kinds = values.db.split(',') as DbKind[];
const seeds =
  values.seed !== undefined
    ? [Number(values.seed)]
    : Array.from({ length: Number(values.seeds) }, (_, i) => i + 1);
const historyMs = Number(values['history-ms']);
const caps = !values['no-caps'];
mkdirSync(values.out, { recursive: true });

console.log(
  `nemesis: ${seeds.length} seed(s) × ${kinds.join(', ')}, ${historyMs} ms histories; ` +
    `assumes no delta lands later than ${SETTLE_AFTER_MS} ms (AIGATEWAY_SETTLE_AFTER_MS) after ` +
    `it left the daemon (the longest injected delay is ${MAX_DELAY_FAULT_MS} ms)`,
);
const totals: Totals = {
  histories: 0,
  injected: {},
  failed: [],
  capOverruns: 0,
  doubleGrants: 0,
  topUpOvershoots: 0,
  topUpDeltas: 0,
  losses: 0,
  unknown: 0,
  notQuiet: 0,
};
const started = Date.now();
for (const kind of kinds) {
  const host = await startDatabaseHost(kind);
  try {
    for (const seed of seeds) {
      const result = await runHistory(planHistory(seed, kind, historyMs), host, { caps });
      const { report } = result;
      totals.histories += 1;
      for (const [k, n] of Object.entries(result.injected))
        totals.injected[k] = (totals.injected[k] ?? 0) + n;
      totals.doubleGrants += report.doubleGrants.length;
      totals.topUpOvershoots += report.topUpOvershoots.length;
      totals.topUpDeltas += report.topUpDeltas;
      totals.losses += silentLosses(report);
      totals.capOverruns += report.capOverruns.length;
      totals.unknown += report.rows.unknown ?? 0;
      if (!result.quiet) totals.notQuiet += 1;
      const verdict = result.failures.length === 0 ? 'ok' : 'FAIL';
      console.log(
        `${kind} seed ${seed}: ${verdict} in ${result.wallMs} ms; replicas ${result.plan.replicas}, ` +
          `skew ${result.plan.skew ?? 'none'}; deltas ${report.deltas} (top-up ${report.topUpDeltas}); ` +
          `ledger ${JSON.stringify(report.rows)}; ` +
          `unknown with/without delta ${report.unknownWithDelta}/${report.unknownWithoutDelta}; ` +
          `injected ${JSON.stringify(result.injected)}` +
          (report.capOverruns.length > 0 ? `; cap overruns: ${report.capOverruns.join('; ')}` : ''),
      );
      if (result.failures.length > 0 || report.capOverruns.length > 0) {
        const file = join(values.out, `${kind}-seed-${seed}.txt`);
        writeFileSync(file, result.evidence);
        if (result.failures.length > 0) {
          totals.failed.push({ kind, seed, why: result.failures, file });
          for (const why of result.failures) console.log(`  ${why}`);
        }
        console.log(`  evidence: ${file}`);
      }
    }
  } finally {
    host.close();
  }
}
console.log(summarise(totals, Date.now() - started));
process.exit(totals.failed.length === 0 ? 0 : 1);
