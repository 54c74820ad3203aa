// `quota-manager retention --older-than <days>`: deletes old applied ledger rows that no live
// strategy needs (the rule is in prune-ledger.ts and docs/operations.md).
import {
  defineCommand,
  EXIT,
  integerOption,
  UsageError,
  VERBOSE_OPTION,
  write,
} from './command.ts';
import { openRuntime } from './open-runtime.ts';
import { createProgress } from './progress.ts';
import type { DeleteReason, KeepReason } from '../core/use-cases/prune-ledger.ts';

const DAY_MS = 86_400_000;

const DELETE_LABELS: Record<DeleteReason, string> = {
  strategy_deleted: 'of deleted strategies',
  occurrence_done: 'of done (or closed) periodic occurrences',
};
const KEEP_LABELS: Record<KeepReason, string> = {
  single_strategy: 'of single strategies that still exist',
  per_user_cap: 'of periodic strategies with a max_exec_per_user cap',
  due_occurrence: 'of the occurrence due now',
  occurrence_not_done: 'of periodic occurrences not done yet',
  unknown_strategy: 'of strategies created during this run',
};

export const retentionCommand = defineCommand({
  spec: {
    name: 'retention',
    summary:
      'Delete applied ledger rows older than an age, except those live strategies still need.',
    args: [],
    options: {
      'older-than': {
        type: 'string',
        value: '<days>',
        description: 'age in whole days (required): rows last changed longer ago are candidates',
      },
      'dry-run': { type: 'boolean', description: 'count what would be deleted; delete nothing' },
      json: { type: 'boolean', description: 'print the counts as JSON' },
      verbose: VERBOSE_OPTION,
    },
    details: `
Only rows with status "applied" last changed (updated_at) more than <days> days ago are
candidates. Of those, a row is deleted when its strategy no longer exists, or when its strategy
is periodic without a max_exec_per_user cap and the row's occurrence is done and is not the
occurrence due now. All other rows are kept: every row of a single strategy that still exists
(enabled or not), rows of occurrences not done, rows counted by a per-user cap. Rows that are
pending, failed or unknown are never deleted. Safe to run while the daemon runs.`,
    examples: [
      'quota-manager retention --older-than 180 --dry-run',
      'quota-manager retention --older-than 180',
    ],
  },
  async run({ values }, io) {
    if (values['older-than'] === undefined) throw new UsageError('--older-than <days> is required');
    const days = integerOption('older-than', values['older-than'], 0, { min: 1, max: 36_500 });
    const dryRun = values['dry-run'] === true;
    const runtime = await openRuntime(io, { verbose: values.verbose });
    let progress: ReturnType<typeof createProgress> | undefined;
    try {
      const before = new Date(runtime.clock.now().getTime() - days * DAY_MS);
      const result = await runtime.app.pruneLedger({
        before,
        dryRun,
        onStart: (total) => {
          progress = createProgress(io, {
            label: dryRun ? 'examining' : 'pruning',
            unit: 'rows',
            total,
          });
        },
        onProgress: (examined) => progress?.update(examined),
      });
      progress?.finish();
      const deleted = sum(result.deleted) - result.changed;
      const kept = sum(result.kept) + result.changed;
      if (values.json) {
        write(
          io.stdout,
          JSON.stringify({
            dry_run: dryRun,
            before: before.toISOString(),
            examined: result.examined,
            deleted,
            kept,
            deleted_by_reason: result.deleted,
            kept_by_reason: result.kept,
            changed_meanwhile: result.changed,
          }),
        );
        return EXIT.ok;
      }
      write(
        io.stdout,
        `applied ledger rows last changed before ${before.toISOString()} (older than ${days} day${days === 1 ? '' : 's'}): ${result.examined}`,
      );
      write(
        io.stdout,
        `${dryRun ? 'would delete' : 'deleted'} ${deleted}${breakdown(result.deleted, DELETE_LABELS)}`,
      );
      write(
        io.stdout,
        `kept ${kept}${breakdown(result.kept, KEEP_LABELS)}${result.changed ? `, ${result.changed} changed during the run` : ''}`,
      );
      write(
        io.stdout,
        `pending, failed and unknown rows are never deleted${dryRun ? '; dry run: nothing was deleted' : ''}`,
      );
      return EXIT.ok;
    } finally {
      progress?.finish();
      await runtime.close();
    }
  },
});

function sum(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

function breakdown<K extends string>(counts: Record<K, number>, labels: Record<K, string>): string {
  const parts = (Object.keys(labels) as K[])
    .filter((k) => counts[k] > 0)
    .map((k) => `${counts[k]} ${labels[k]}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}
