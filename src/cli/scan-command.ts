// `quota-manager scan`: one scan of every enabled strategy now, the same as a scheduler tick
// (Scanner.scanNow: leases, ledger, gateway). With --dry-run, a preview of every enabled
// strategy instead: no ledger row, no lease, no gateway write.
import { previewJson, scanSummaryJson } from '../contract/serialize.ts';
import type { Runtime } from '../runtime.ts';
import {
  defineCommand,
  EXIT,
  VERBOSE_OPTION,
  write,
  type CliIo,
  type ExitCode,
} from './command.ts';
import { openRuntime } from './open-runtime.ts';

export const scanCommand = defineCommand({
  spec: {
    name: 'scan',
    summary:
      'Scan every enabled strategy now and grant what is due (or, with --dry-run, only show it).',
    args: [],
    options: {
      'dry-run': {
        type: 'boolean',
        description: 'preview every enabled strategy; write nothing, send nothing',
      },
      full: {
        type: 'boolean',
        description:
          'read every user for every single strategy, not only users changed since its last scan',
      },
      json: { type: 'boolean', description: 'print the result as JSON' },
      verbose: VERBOSE_OPTION,
    },
    details: `
A real scan does what a scheduler tick does, and can run while the daemon runs: a strategy being
scanned by another process is skipped (database lease). Exit code 1 when any grant failed or
ended "unknown" (they are in the ledger; failed ones are retried by later scans).

A single strategy's scan reads only users whose row changed since its last completed scan, and
all of them once SCAN_FULL_EVERY_MS has passed since its last full scan (the time is kept in the
database, so a scan run from cron counts it too). --full reads all of them now: after rows were
written into user_info by another program, which does not move the change sequence.`,
    examples: [
      'quota-manager scan --dry-run',
      'quota-manager scan --json',
      'quota-manager scan --full',
    ],
  },
  async run({ values }, io) {
    const runtime = await openRuntime(io, {
      verbose: values.verbose,
      fullScan: values.full === true,
    });
    try {
      return values['dry-run']
        ? await dryRun(runtime, io, values.json === true)
        : await realScan(runtime, io, values.json === true);
    } finally {
      await runtime.close();
    }
  },
});

async function realScan(runtime: Runtime, io: CliIo, json: boolean): Promise<ExitCode> {
  const summary = await runtime.app.scanNow();
  if (json) write(io.stdout, JSON.stringify(scanSummaryJson(summary)));
  else {
    write(
      io.stdout,
      `scanned ${summary.strategies} strategies in ${summary.durationMs} ms: matched ${summary.matched}, granted ${summary.granted}, skipped ${summary.skipped}, failed ${summary.failed}`,
    );
    if (summary.failed > 0)
      write(
        io.stderr,
        `${summary.failed} grants failed or are unknown; see the ledger (GET /api/v1/strategies/:id/executions?status=failed)`,
      );
  }
  return summary.failed > 0 ? EXIT.failure : EXIT.ok;
}

interface DryRunRow extends ReturnType<typeof previewJson> {
  id: number;
  name: string;
  /** A periodic occurrence already done: a real scan would not look for new users in it. */
  done: boolean;
}

async function dryRun(runtime: Runtime, io: CliIo, json: boolean): Promise<ExitCode> {
  const rows: DryRunRow[] = [];
  for await (const strategy of runtime.app.allStrategies({ enabled: true })) {
    // A real scan skips a done occurrence; the preview then grants nobody, as the scan would.
    const preview = previewJson(await runtime.app.previewStrategy(strategy));
    rows.push({ ...preview, id: strategy.id, name: strategy.name, done: preview.occurrence_done });
  }
  const totals = {
    strategies: rows.length,
    would_grant: rows.reduce((n, r) => n + r.would_grant, 0),
    total_amount: rows.reduce((n, r) => n + Math.round(r.total_amount * 100), 0) / 100,
  };
  if (json) {
    write(io.stdout, JSON.stringify({ dry_run: true, ...totals, items: rows }));
    return EXIT.ok;
  }
  const table = [
    ['id', 'name', 'occurrence', 'would grant', 'amount'],
    ...rows.map((r) => [
      String(r.id),
      r.name,
      r.occurrence === null ? '(none due)' : `${r.occurrence}${r.done ? ' (done)' : ''}`,
      r.held === null ? String(r.would_grant) : `held: ${heldReason(r.held)}`,
      String(r.total_amount),
    ]),
  ];
  const widths = table[0]!.map((_, col) => Math.max(...table.map((row) => row[col]!.length)));
  for (const row of table)
    write(
      io.stdout,
      row
        .map((cell, col) => cell.padEnd(widths[col]!))
        .join('  ')
        .trimEnd(),
    );
  write(
    io.stdout,
    `dry run: ${totals.strategies} enabled strategies would grant ${totals.would_grant} times, ${totals.total_amount} in total; nothing was written or sent`,
  );
  const held = rows.filter((r) => r.held !== null).length;
  if (held > 0)
    write(
      io.stdout,
      `${held} held by a budget cap: a scan grants them nothing until the cap is raised or the occurrence approved (POST /api/v1/strategies/:id/occurrences/:occurrence/approve)`,
    );
  return EXIT.ok;
}

/** Which cap a held occurrence exceeds, e.g. `needs 10 users, max_users_per_occurrence 5`. */
function heldReason(held: NonNullable<DryRunRow['held']>): string {
  const reasons: string[] = [];
  if (held.max_users_per_occurrence !== null && held.needed_users > held.max_users_per_occurrence)
    reasons.push(
      `needs ${held.needed_users} users, max_users_per_occurrence ${held.max_users_per_occurrence}`,
    );
  if (
    held.max_amount_per_occurrence !== null &&
    held.needed_amount > held.max_amount_per_occurrence
  )
    reasons.push(
      `needs ${held.needed_amount}, max_amount_per_occurrence ${held.max_amount_per_occurrence}`,
    );
  return reasons.length > 0
    ? reasons.join('; ')
    : `needs ${held.needed_users} users, ${held.needed_amount} in total`;
}
