// `quota-manager sync users [--full] [--dry-run]`: one user sync now, as the USER_SOURCE_CRON
// tick runs it (the same lease: exit 1 while another run holds it). --dry-run reads the source
// and says what would change; it writes nothing (no user, no status, no cursor).
import type { UserSyncRun } from '../core/model/user-sync.ts';
import { userSyncRunJson } from '../contract/schemas/sources.ts';
import { defineCommand, EXIT, VERBOSE_OPTION, write, type CliIo } from './command.ts';
import { openRuntime } from './open-runtime.ts';

export const syncUsersCommand = defineCommand({
  spec: {
    name: 'sync users',
    summary: 'Read the user source (USER_SOURCE_URL) now and upsert its users.',
    args: [],
    options: {
      full: {
        type: 'boolean',
        description: 'read every row and look for vanished users (USER_SOURCE_ON_DELETE)',
      },
      'dry-run': {
        type: 'boolean',
        description: 'say what would change; write nothing',
      },
      json: { type: 'boolean', description: 'print the run as JSON' },
      verbose: VERBOSE_OPTION,
    },
    details: `
Runs what a USER_SOURCE_CRON tick runs, and may run while the daemon runs: one run at a time
across processes (a database lease), so it fails with exit code 1 while another holds it.
Without --full, a run reads the rows past the stored cursor (USER_SOURCE_CURSOR), unless the
last full run is older than USER_SOURCE_FULL_EVERY. Exit code 1 when the run failed; rows it
refused are listed but do not fail it.`,
    examples: [
      'quota-manager sync users --dry-run --full',
      'quota-manager sync users',
      'quota-manager sync users --full --json',
    ],
  },
  async run({ values }, io) {
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      const started = await runtime.app.startUserSync({
        full: values.full === true,
        dryRun: values['dry-run'] === true,
      });
      const run = await started.done;
      if (values.json === true) write(io.stdout, JSON.stringify(userSyncRunJson(run)));
      else report(run, io);
      return run.error === null ? EXIT.ok : EXIT.failure;
    } finally {
      await runtime.close();
    }
  },
});

function report(run: UserSyncRun, io: CliIo): void {
  const would = run.dryRun ? 'would ' : '';
  write(
    io.stdout,
    `${run.full ? 'full' : 'incremental'} sync${run.dryRun ? ' (dry run: nothing written)' : ''}: read ${run.rowsRead} rows, ${would}upsert ${run.upserted}, ${would}delete ${run.deleted}`,
  );
  for (const [reason, count] of Object.entries(run.rejected))
    write(
      io.stdout,
      `skipped ${count} rows: ${reason} (${run.rejectedExamples[reason]}); e.g. ${run.rejectedIds[reason]!.join(', ')}`,
    );
  if (run.vanished > 0)
    write(
      io.stdout,
      `${run.vanished} users are no longer in the source (e.g. ${run.vanishedIds.join(', ')})${run.deletesRefused === null ? '' : `; nobody deleted: ${run.deletesRefused}`}`,
    );
  if (run.error !== null) write(io.stderr, `sync failed: ${run.error}`);
}
