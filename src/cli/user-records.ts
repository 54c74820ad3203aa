// Reads users from a CSV or JSON Lines file, one record at a time, each validated by the same
// zod schema as POST /api/v1/users/bulk (UserBulkItemSchema). Yields either a valid user or an
// error naming the line, so callers decide whether to stop or keep collecting errors.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { z } from '@hono/zod-openapi';
import { UserBulkItemSchema } from '../contract/schemas.ts';
import { CsvRecordAssembler } from './csv.ts';

export type UserItem = z.infer<typeof UserBulkItemSchema>;
export type UserFileFormat = 'csv' | 'jsonl';

export type UserRecordResult =
  | { ok: true; line: number; user: UserItem }
  | { ok: false; line: number; message: string; fatal?: boolean };

/** The CSV columns: exactly the API's field names. */
export const USER_COLUMNS = Object.keys(UserBulkItemSchema.shape) as (keyof UserItem)[];

const NULLABLE_TEXT = new Set<string>([
  'name',
  'github_username',
  'email',
  'phone',
  'org',
  'register_time',
  'access_time',
]);

/** Lines of a file with their 1-based numbers; a UTF-8 byte order mark is dropped. */
async function* numberedLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line++;
      yield { text: line === 1 ? text.replace(/^\uFEFF/, '') : text, line };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

export function readUserRecords(
  path: string,
  format: UserFileFormat,
): AsyncGenerator<UserRecordResult> {
  return format === 'csv' ? readCsv(path) : readJsonLines(path);
}

async function* readJsonLines(path: string): AsyncGenerator<UserRecordResult> {
  for await (const { text, line } of numberedLines(path)) {
    if (text.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      yield { ok: false, line, message: `not valid JSON (${(error as Error).message})` };
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      yield { ok: false, line, message: 'expected one JSON object per line' };
      continue;
    }
    yield validate(value, line);
  }
}

async function* readCsv(path: string): AsyncGenerator<UserRecordResult> {
  const assembler = new CsvRecordAssembler();
  let columns: string[] | undefined;
  for await (const { text, line } of numberedLines(path)) {
    if (columns === undefined && text.trim() === '') continue;
    const step = assembler.push(text, line);
    if (step.kind === 'more') continue;
    if (step.kind === 'error') {
      yield { ok: false, line: step.line, message: step.message, fatal: columns === undefined };
      if (columns === undefined) return;
      continue;
    }
    if (columns === undefined) {
      const problem = headerProblem(step.fields);
      if (problem) {
        // Every record would fail the same way; one error says it all.
        yield { ok: false, line: step.line, message: problem, fatal: true };
        return;
      }
      columns = step.fields.map((c) => c.trim());
      continue;
    }
    // A blank line between records is not a user (a one-column file would say `id` is empty).
    if (step.fields.length === 1 && step.fields[0] === '') continue;
    if (step.fields.length !== columns.length) {
      yield {
        ok: false,
        line: step.line,
        message: `expected ${columns.length} fields (${columns.join(',')}), found ${step.fields.length}`,
      };
      continue;
    }
    yield validate(csvObject(columns, step.fields), step.line);
  }
  const tail = assembler.end();
  if (tail?.kind === 'error') yield { ok: false, line: tail.line, message: tail.message };
  if (columns === undefined)
    yield {
      ok: false,
      line: 1,
      message: `the file has no header line (expected columns such as ${USER_COLUMNS.join(',')})`,
      fatal: true,
    };
}

function headerProblem(fields: string[]): string | undefined {
  const names = fields.map((f) => f.trim());
  const unknown = names.filter((n) => !(USER_COLUMNS as string[]).includes(n));
  if (unknown.length > 0) {
    return `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => JSON.stringify(u)).join(', ')} in the header (known: ${USER_COLUMNS.join(', ')})`;
  }
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) return `column "${duplicate}" appears twice in the header`;
  if (!names.includes('id')) return 'the header has no "id" column';
  return undefined;
}

/**
 * A CSV row as the API's JSON object. Cells are text, so: an empty cell is null (cleared),
 * except `vip` (not nullable: empty means "not given") and `github_stars` (empty = no stars);
 * `github_stars` is a `;`-separated list; a number-looking `vip` becomes a number. Anything
 * else is left for the schema to judge, so its messages are the API's.
 */
function csvObject(columns: string[], fields: string[]): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  columns.forEach((column, index) => {
    const cell = fields[index]!;
    if (column === 'id') object.id = cell;
    else if (column === 'vip') {
      if (cell.trim() === '') return;
      object.vip = /^\s*[-+]?\d+(\.\d+)?\s*$/.test(cell) ? Number(cell) : cell;
    } else if (column === 'github_stars') {
      object.github_stars = cell
        .split(';')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    } else if (NULLABLE_TEXT.has(column)) {
      object[column] = cell === '' ? null : cell;
    }
  });
  return object;
}

function validate(value: unknown, line: number): UserRecordResult {
  const result = UserBulkItemSchema.safeParse(value);
  if (result.success) return { ok: true, line, user: result.data };
  const message = result.error.issues
    .map((issue) =>
      issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message,
    )
    .join('; ');
  return { ok: false, line, message };
}
