// Where a first scan's PostgreSQL time goes, statement by statement: the scan of scan.bench.ts
// (N users × 10 strategies, the mock gateway) on a cluster started with pg_stat_statements, and
// the statements that took the most execution and planning time, with calls and rows per call.
// A statement whose time per row grows with the users is a plan gone wrong (§29).
//
//   npx tsx bench/pg-statements.ts --sizes 100k,1m [--top 12]
//
// pg_stat_statements ships with Debian's postgresql package; the cluster loads it through
// PG_SERVER_OPTIONS (test/support/pg-cluster.ts). Timing every statement costs the server a
// little: the scan's own figures here are not comparable with scan.bench's.
import pg from 'pg';
import { round } from './support/machine.ts';
import { benchOptions, log } from './support/options.ts';
import { Recorder } from './support/report.ts';
import { runScanWorker } from './support/scan-run.ts';
import { benchWorkDir, startMockGateway, startPostgres } from './support/services.ts';

interface StatementFigures {
  query: string;
  calls: number;
  rows: number;
  execMs: number;
  planMs: number;
}

const topIndex = process.argv.indexOf('--top');
const top = topIndex === -1 ? 12 : Number(process.argv[topIndex + 1]);
if (!Number.isInteger(top) || top < 1) throw new Error('--top takes a whole number of statements');
const options = benchOptions({ sizes: [100_000] });
process.env.PG_SERVER_OPTIONS = [
  process.env.PG_SERVER_OPTIONS ?? '',
  '-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track_planning=on',
].join(' ');

const recorder = new Recorder('pg-statements', { sizes: options.sizes, top });
const work = benchWorkDir();
const mock = await startMockGateway();
const postgres = await startPostgres();
const figures: {
  users: number;
  wallMs: number;
  databaseCpuSeconds: number | null;
  statements: StatementFigures[];
}[] = [];
try {
  for (const users of options.sizes) {
    const seeded = await postgres.seeded(users, log);
    const copy = await seeded.clone();
    const client = new pg.Client({ connectionString: copy.url });
    await client.connect();
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await client.query('SELECT pg_stat_statements_reset()');
      await mock.reset();
      log(`postgresql ${users}: first scan`);
      const run = await runScanWorker({
        databaseUrl: copy.url,
        mock,
        postmasterPid: postgres.postmasterPid,
        timeoutMs: Math.max(180_000, users * 0.6),
      });
      const { rows } = await client.query<{
        query: string;
        calls: string;
        rows: string;
        exec_ms: number;
        plan_ms: number;
      }>(
        `SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls, rows,
                total_exec_time AS exec_ms, total_plan_time AS plan_ms
           FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
          ORDER BY total_exec_time + total_plan_time DESC LIMIT $1`,
        [top],
      );
      const statements = rows.map((r) => ({
        query: r.query,
        calls: Number(r.calls),
        rows: Number(r.rows),
        execMs: r.exec_ms,
        planMs: r.plan_ms,
      }));
      figures.push({
        users,
        wallMs: run.wallMs,
        databaseCpuSeconds: run.databaseCpuSeconds,
        statements,
      });
      recorder.table({
        title: `PostgreSQL, ${users} users: ${run.summary.granted} grants in ${round(run.wallMs / 1000, 1)} s, server CPU ${round(run.databaseCpuSeconds ?? 0, 1)} s; statements by execution + planning time`,
        columns: ['statement', 'calls', 'rows/call', 'exec ms', 'plan ms', 'ms/call', 'µs/row'],
        rows: statements.map((s) => [
          s.query.slice(0, 90).replaceAll('|', '\\|'),
          s.calls,
          round(s.rows / s.calls, 1),
          Math.round(s.execMs),
          Math.round(s.planMs),
          round((s.execMs + s.planMs) / s.calls, 2),
          s.rows > 0 ? round(((s.execMs + s.planMs) * 1000) / s.rows, 1) : null,
        ]),
      });
    } finally {
      await client.end();
      await copy.drop();
    }
  }
} finally {
  await mock.stop();
  postgres.stop();
  work.remove();
}
recorder.write(figures);
