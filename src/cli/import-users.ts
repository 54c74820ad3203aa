// `users import`: a file of users into user_info, in two streaming passes.
//   1. Check: every record is read and validated; nothing is written. Any invalid record stops
//      the import here, so invalid input never changes the database.
//   2. Write: the file is read again and written in batches, each one transaction (the user
//      repository's upsertMany): a batch is written completely or not at all.
// If a batch fails to write (the database refused it or went away), the batches before it stay
// written, nothing from that batch on is written, and the import stops. Re-running the same
// import is safe: users are upserted, so written ones are simply written again.
import { stat } from 'node:fs/promises';
import { userUpsertFromInput } from '../contract/schemas.ts';
import type { UserUpsert } from '../core/model/user.ts';
import type { UserStore } from '../core/ports/stores.ts';
import { CliFailure } from './command.ts';
import { readUserRecords, type UserFileFormat } from './user-records.ts';

export interface ImportUsersOptions {
  path: string;
  format: UserFileFormat;
  batchSize: number;
  /** Check only (pass 1). */
  dryRun: boolean;
  /** Errors listed in full; the rest are only counted. */
  maxErrors: number;
  /** Needed unless dryRun. */
  users?: Pick<UserStore, 'upsertMany'>;
  onCheckProgress?(lines: number): void;
  onWriteProgress?(written: number, total: number): void;
}

export interface LineError {
  line: number;
  message: string;
}

export type ImportUsersResult =
  | { status: 'invalid'; records: number; errors: LineError[]; moreErrors: number }
  | { status: 'checked'; records: number }
  | { status: 'written'; records: number; batches: number }
  | {
      status: 'write_failed';
      records: number;
      written: number;
      batches: number;
      failed: { firstLine: number; lastLine: number; size: number };
      reason: string;
    };

export class FileChangedError extends CliFailure {}

export async function importUsers(options: ImportUsersOptions): Promise<ImportUsersResult> {
  const before = await fingerprint(options.path);

  // Pass 1: check everything, write nothing.
  let records = 0;
  const errors: LineError[] = [];
  let moreErrors = 0;
  for await (const record of readUserRecords(options.path, options.format)) {
    options.onCheckProgress?.(record.line);
    if (record.ok) {
      records++;
      continue;
    }
    if (errors.length < options.maxErrors)
      errors.push({ line: record.line, message: record.message });
    else moreErrors++;
    if (record.fatal) break;
  }
  if (errors.length > 0) return { status: 'invalid', records, errors, moreErrors };
  if (options.dryRun) return { status: 'checked', records };

  // Pass 2: the same file, written batch by batch.
  const users = options.users;
  if (!users) throw new Error('importUsers: a user repository is required to write');
  if ((await fingerprint(options.path)) !== before) {
    throw new FileChangedError('the file changed while it was being checked; nothing was written');
  }
  let written = 0;
  let batches = 0;
  let batch: { line: number; upsert: UserUpsert }[] = [];
  /** The batch in hand (up to `lastLine`) was not written; the ones before it were. */
  const writeFailed = (lastLine: number, reason: string): ImportUsersResult => ({
    status: 'write_failed',
    records,
    written,
    batches,
    failed: { firstLine: batch[0]?.line ?? lastLine, lastLine, size: batch.length },
    reason,
  });
  const flush = async (): Promise<ImportUsersResult | undefined> => {
    if (batch.length === 0) return undefined;
    try {
      await users.upsertMany(batch.map((b) => b.upsert));
    } catch (error) {
      return writeFailed(batch[batch.length - 1]!.line, essence((error as Error).message));
    }
    written += batch.length;
    batches++;
    batch = [];
    options.onWriteProgress?.(written, records);
    return undefined;
  };
  for await (const record of readUserRecords(options.path, options.format)) {
    // Pass 1 accepted every record; a failure now means the file changed under us.
    if (!record.ok) {
      return writeFailed(
        record.line,
        `line ${record.line} no longer validates (${record.message}): the file changed during the import`,
      );
    }
    batch.push({ line: record.line, upsert: userUpsertFromInput(record.user.id, record.user) });
    if (batch.length >= options.batchSize) {
      const failure = await flush();
      if (failure) return failure;
    }
  }
  const failure = await flush();
  if (failure) return failure;
  return { status: 'written', records: written, batches };
}

async function fingerprint(path: string): Promise<string> {
  const info = await stat(path);
  return `${info.size}:${info.mtimeMs}`;
}

/** Prisma's messages run to many lines (the call, then the cause); the last one is the cause. */
function essence(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines[lines.length - 1] ?? message;
}
