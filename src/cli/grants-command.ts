// `quota-manager grants export`: the whole ledger (deleted strategies included) as CSV, page by
// page (keyset), so an export of any size runs in flat memory. `quota-manager resolve`: settle
// grants whose outcome is unknown — one, or every unknown grant of a strategy — after a
// confirmation (or --yes). Both go through the same use cases as the API; resolutions are
// audited under the actor "cli".
import { createInterface } from 'node:readline/promises';
import { GRANT_CSV_HEADER, grantCsvFields } from '../contract/grant-csv.ts';
import { csvLine } from '../contract/csv-cell.ts';
import { LEDGER_STATUSES, type LedgerStatus } from '../core/model/ledger-entry.ts';
import {
  CliFailure,
  defineCommand,
  EXIT,
  UsageError,
  VERBOSE_OPTION,
  write,
  type CliIo,
} from './command.ts';
import { findStrategy } from './find-strategy.ts';
import { openRuntime } from './open-runtime.ts';

const PAGE = 1000;

function dateOption(name: string, raw: string | undefined): Date | undefined {
  if (raw === undefined) return undefined;
  const date = new Date(raw);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${name} must be an ISO 8601 date, got ${JSON.stringify(raw)}`);
  return date;
}

/** Writes respecting back-pressure, so a slow pipe never makes the export buffer. */
async function writeAll(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((done) => stream.once('drain', () => done()));
}

export const grantsExportCommand = defineCommand({
  spec: {
    name: 'grants export',
    summary: 'Write the grant ledger (every strategy, deleted ones included) as CSV, newest first.',
    args: [],
    options: {
      strategy: { type: 'string', value: 'id', description: 'only this strategy id' },
      user: { type: 'string', value: 'id', description: 'only this user' },
      status: {
        type: 'string',
        value: 'status',
        description: `only rows in this status (${LEDGER_STATUSES.join(', ')})`,
      },
      from: { type: 'string', value: 'ISO', description: 'rows created at or after this instant' },
      to: { type: 'string', value: 'ISO', description: 'rows created before this instant' },
      verbose: VERBOSE_OPTION,
    },
    details: `The columns are those of GET /api/v1/grants with Accept: text/csv, header row first.`,
    examples: [
      'quota-manager grants export > grants.csv',
      'quota-manager grants export --status unknown',
    ],
  },
  async run({ values }, io) {
    const status = values.status as LedgerStatus | undefined;
    if (status !== undefined && !LEDGER_STATUSES.includes(status))
      throw new UsageError(`--status must be one of ${LEDGER_STATUSES.join(', ')}`);
    const strategyId = values.strategy === undefined ? undefined : Number(values.strategy);
    if (strategyId !== undefined && !Number.isSafeInteger(strategyId))
      throw new UsageError('--strategy must be a strategy id');
    const filter = {
      strategyId,
      userId: values.user,
      status,
      from: dateOption('from', values.from),
      to: dateOption('to', values.to),
    };
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      await writeAll(io.stdout, csvLine(GRANT_CSV_HEADER));
      let beforeId: number | undefined;
      for (;;) {
        const page = await runtime.app.listGrants({ ...filter, beforeId, limit: PAGE });
        const rows = page.items.map((entry) => csvLine(grantCsvFields(entry)));
        if (rows.length > 0) await writeAll(io.stdout, rows.join(''));
        if (page.next === null) return EXIT.ok;
        beforeId = page.next;
      }
    } finally {
      await runtime.close();
    }
  },
});

async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdin?.isTTY) return false;
  const rl = createInterface({ input: io.stdin, output: io.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
  } finally {
    rl.close();
  }
}

export const resolveGrantsCommand = defineCommand({
  spec: {
    name: 'resolve',
    summary: 'Settle grants whose outcome is unknown: mark them applied, or retry them.',
    args: [
      { name: '<strategy>', required: true, description: 'strategy id or name' },
      {
        name: '[execution-id]',
        required: false,
        description: 'one ledger row; without it, every unknown row of the strategy',
      },
    ],
    options: {
      as: {
        type: 'string',
        value: 'applied|retry',
        description:
          'applied: the grant arrived (checked at the gateway); retry: send it again on the next scan (same idempotency key)',
      },
      yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
      verbose: VERBOSE_OPTION,
    },
    details: `Without --yes the command asks before changing anything, and refuses when it cannot ask (standard input is not a terminal).`,
    examples: [
      'quota-manager resolve daily-reward --as retry',
      'quota-manager resolve 3 1042 --as applied --yes',
    ],
  },
  async run({ values, positionals }, io) {
    const [strategyArg, executionArg] = positionals;
    if (strategyArg === undefined) throw new UsageError('name the strategy (id or name)');
    const resolution = values.as;
    if (resolution !== 'applied' && resolution !== 'retry')
      throw new UsageError('--as must be applied or retry');
    const executionId = executionArg === undefined ? undefined : Number(executionArg);
    if (executionId !== undefined && !Number.isSafeInteger(executionId))
      throw new UsageError('the execution id must be a number');
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      const strategy = await findStrategy(runtime.app, strategyArg);
      const ids =
        executionId !== undefined ? [executionId] : await unknownRows(runtime.app, strategy.id);
      if (ids.length === 0) {
        write(io.stderr, `strategy ${strategy.id} has no unknown grants`);
        return EXIT.ok;
      }
      const question = `Resolve ${ids.length} grant${ids.length === 1 ? '' : 's'} of strategy ${strategy.id} (${strategy.name}) as ${resolution}?`;
      if (values.yes !== true && !(await confirm(io, question)))
        throw new CliFailure(
          `not confirmed; nothing changed (${question} — pass --yes to skip the question)`,
        );
      for (const id of ids) {
        const entry = await runtime.app.resolveLedgerEntry(strategy.id, id, resolution);
        write(io.stdout, `${entry.id} ${entry.userId} ${entry.status}`);
      }
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});

/** Every unknown row of the strategy, read before any is changed. */
async function unknownRows(
  app: Awaited<ReturnType<typeof openRuntime>>['app'],
  strategyId: number,
): Promise<number[]> {
  const ids: number[] = [];
  let beforeId: number | undefined;
  for (;;) {
    const page = await app.listGrants({ strategyId, status: 'unknown', beforeId, limit: PAGE });
    ids.push(...page.items.map((e) => e.id));
    if (page.next === null) return ids;
    beforeId = page.next;
  }
}
