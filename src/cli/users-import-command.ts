// `quota-manager users import <file>`: see import-users.ts for the two passes and what a
// failed batch means for the ones before it.
import { access, constants } from 'node:fs/promises';
import { basename } from 'node:path';
import {
  CliFailure,
  defineCommand,
  EXIT,
  integerOption,
  UsageError,
  VERBOSE_OPTION,
  write,
} from './command.ts';
import { openRuntime } from './open-runtime.ts';
import { createProgress } from './progress.ts';
import type { UserFileFormat } from './user-records.ts';

const DEFAULT_BATCH_SIZE = 1000;
const ERRORS_SHOWN = 20;
/** The API's user fields (UserBulkItemSchema), spelled out so --help loads no schema code. */
export const HELP_COLUMNS =
  'id, name, github_username, email, phone, vip, org, github_stars, register_time, access_time';

export const usersImportCommand = defineCommand({
  spec: {
    name: 'users import',
    summary:
      'Create or update users from a CSV or JSON Lines file, streamed, in all-or-nothing batches.',
    args: [
      {
        name: '<file>',
        required: true,
        description: 'a .csv file, or a .jsonl/.ndjson file (one user object per line)',
      },
    ],
    options: {
      format: {
        type: 'string',
        value: '<csv|jsonl>',
        description: 'the file format, when the extension does not say',
      },
      'batch-size': {
        type: 'string',
        value: '<n>',
        description: `users per transaction (default ${DEFAULT_BATCH_SIZE}, 1..10000)`,
      },
      'dry-run': {
        type: 'boolean',
        description: 'check every record and report; write nothing (needs no database)',
      },
      verbose: VERBOSE_OPTION,
    },
    details: `
Records are validated by the same schema as POST /api/v1/users/bulk. JSON Lines: one object per
line with the API's fields. CSV: a header line naming columns from
  ${HELP_COLUMNS}
(only id is required; a missing column leaves that field unchanged). An empty cell means null,
except vip (empty = unchanged, 0 for a new user) and github_stars (empty = no stars);
github_stars is a ;-separated list, e.g. zgsm-ai/zgsm;vscode. When an id appears more than once,
the last line wins.

The file is read twice, line by line (never whole): first every record is checked, and any
invalid record stops the import with nothing written (errors name their line); then users are
written in batches, each in one transaction. If a batch cannot be written, the batches before it
stay written, nothing from that batch on is written, and the exit code is 1; running the same
import again is safe (users are upserted).`,
    examples: [
      'quota-manager users import users.csv',
      'quota-manager users import users.jsonl --batch-size 5000',
      'quota-manager users import export.txt --format jsonl --dry-run',
    ],
  },
  async run({ values, positionals }, io) {
    const path = positionals[0]!;
    const format = chooseFormat(path, values.format);
    const batchSize = integerOption('batch-size', values['batch-size'], DEFAULT_BATCH_SIZE, {
      min: 1,
      max: 10_000,
    });
    try {
      await access(path, constants.R_OK);
    } catch (error) {
      throw new CliFailure(
        `cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
      );
    }
    const { importUsers } = await import('./import-users.ts');
    const name = basename(path);
    const dryRun = values['dry-run'] === true;
    const runtime = dryRun ? undefined : await openRuntime(io, { verbose: values.verbose });
    const checking = createProgress(io, { label: 'checking', unit: 'lines', every: 100_000 });
    let writing: ReturnType<typeof createProgress> | undefined;
    try {
      const result = await importUsers({
        path,
        format,
        batchSize,
        dryRun,
        maxErrors: ERRORS_SHOWN,
        users: runtime && { upsertMany: (users) => runtime.app.importUserBatch(users) },
        onCheckProgress: (line) => checking.update(line),
        onWriteProgress: (written, total) => {
          if (!writing) {
            checking.finish();
            writing = createProgress(io, { label: 'writing', unit: 'users', total });
          }
          writing.update(written);
        },
      });
      checking.finish();
      writing?.finish();
      switch (result.status) {
        case 'invalid': {
          for (const error of result.errors)
            write(io.stderr, `${name}:${error.line}: ${error.message}`);
          const count = result.errors.length + result.moreErrors;
          if (result.moreErrors > 0) write(io.stderr, `… and ${result.moreErrors} more`);
          write(
            io.stderr,
            `${count} invalid record${count === 1 ? '' : 's'} in ${name}; nothing was written`,
          );
          return EXIT.failure;
        }
        case 'checked':
          write(
            io.stdout,
            `checked ${result.records} users in ${name}: all valid; nothing written (dry run)`,
          );
          return EXIT.ok;
        case 'written':
          // One audit row for the whole file (its batches are one operator request).
          await runtime?.app.recordUsersImport({
            file: name,
            users: result.records,
            batches: result.batches,
          });
          write(
            io.stdout,
            `imported ${result.records} users from ${name} in ${result.batches} batch${result.batches === 1 ? '' : 'es'}`,
          );
          return EXIT.ok;
        case 'write_failed': {
          const { failed } = result;
          if (result.written > 0)
            await runtime?.app.recordUsersImport({
              file: name,
              users: result.written,
              batches: result.batches,
              failed_at_line: failed.firstLine,
            });
          write(
            io.stderr,
            `${name}: the batch of lines ${failed.firstLine}-${failed.lastLine} (${failed.size} users) was not written: ${result.reason}`,
          );
          write(
            io.stderr,
            result.written > 0
              ? `${result.written} users (lines before ${failed.firstLine}, ${result.batches} batches) were written and stay written; nothing from line ${failed.firstLine} on was written.`
              : 'nothing was written.',
          );
          write(
            io.stderr,
            'Fix the cause and run the same command again; users are upserted, so re-importing is safe.',
          );
          return EXIT.failure;
        }
      }
    } finally {
      checking.finish();
      writing?.finish();
      await runtime?.close();
    }
  },
});

function chooseFormat(path: string, requested: string | undefined): UserFileFormat {
  if (requested !== undefined) {
    if (requested !== 'csv' && requested !== 'jsonl')
      throw new UsageError(`--format must be csv or jsonl, got ${JSON.stringify(requested)}`);
    return requested;
  }
  const lower = path.toLowerCase();
  const format = lower.endsWith('.csv')
    ? 'csv'
    : lower.endsWith('.jsonl') || lower.endsWith('.ndjson')
      ? 'jsonl'
      : undefined;
  if (!format)
    throw new UsageError(
      `cannot tell the format of ${JSON.stringify(path)} from its extension; name it .csv or .jsonl, or pass --format`,
    );
  return format;
}
