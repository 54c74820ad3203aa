// `quota-manager lots <user-id>`: a user's credit lots, active and past; `quota-manager lots
// expiring --within P7D`: every active lot expiring soon. The same use cases as
// GET /api/v1/users/{id}/lots and GET /api/v1/lots/expiring, read page by page (keyset on the
// lot id), printed as a table or, with --json, as the API's `{ items, total }` with the API's
// lot shape (contract/serialize.ts).
import { lotJson } from '../contract/serialize.ts';
import type { Lot } from '../core/lots/lot.ts';
import { defineCommand, EXIT, UsageError, VERBOSE_OPTION, write, type CliIo } from './command.ts';
import { openRuntime } from './open-runtime.ts';

const PAGE = 1000;

type LotPage = { items: Lot[]; total: number };
type ReadPage = (page: { afterId: number; limit: number }) => Promise<LotPage>;

const JSON_OPTION = {
  type: 'boolean',
  description: 'print { items, total } as the API answers (every page, one document)',
} as const;

type Column = readonly [heading: string, cell: (lot: ReturnType<typeof lotJson>) => string];

const USER_COLUMNS: readonly Column[] = [
  ['id', (l) => String(l.id)],
  ['strategy', (l) => String(l.strategy_id)],
  ['occurrence', (l) => (l.source === 'rollover' ? `${l.occurrence} (rollover)` : l.occurrence)],
  ['amount', (l) => String(l.amount)],
  ['remaining', (l) => String(l.remaining)],
  ['expires at', (l) => l.expires_at],
  ['state', (l) => l.state],
  ['taken back', (l) => (l.expired_amount === null ? '' : String(l.expired_amount))],
  ['expiry', (l) => l.expiry_status ?? ''],
];

const EXPIRING_COLUMNS: readonly Column[] = [
  ['id', (l) => String(l.id)],
  ['user', (l) => JSON.stringify(l.user_id).slice(1, -1)],
  ['strategy', (l) => String(l.strategy_id)],
  ['remaining', (l) => String(l.remaining)],
  ['expires at', (l) => l.expires_at],
];

/**
 * Writes every page as it is read, so a long list never sits in memory whole. Table columns
 * are as wide as the first page needs (later cells that are wider push their row out).
 */
async function printLots(
  io: CliIo,
  read: ReadPage,
  columns: readonly Column[],
  json: boolean,
  empty: string,
): Promise<void> {
  let afterId = 0;
  let widths: number[] | null = null;
  let printed = 0;
  let total: number;
  for (;;) {
    // Read before writing anything: a refused request prints only its error.
    const page = await read({ afterId, limit: PAGE });
    if (json && afterId === 0) io.stdout.write('{"items":[');
    total = page.total;
    if (page.items.length === 0) break;
    afterId = page.items[page.items.length - 1]!.id;
    const items = page.items.map(lotJson);
    if (json) {
      io.stdout.write((printed === 0 ? '' : ',') + items.map((i) => JSON.stringify(i)).join(','));
    } else {
      const rows = items.map((item) => columns.map(([, cell]) => cell(item)));
      if (widths === null) {
        const headings = columns.map(([heading]) => heading);
        widths = headings.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        write(io.stdout, line(headings, widths));
      }
      for (const row of rows) write(io.stdout, line(row, widths));
    }
    printed += items.length;
    if (page.items.length < PAGE) break;
  }
  if (json) write(io.stdout, `],"total":${total}}`);
  else if (printed === 0) write(io.stdout, empty);
}

const line = (cells: string[], widths: number[]) =>
  cells
    .map((cell, i) => cell.padEnd(widths[i]!))
    .join('  ')
    .trimEnd();

export const lotsCommand = defineCommand({
  spec: {
    name: 'lots',
    summary: "A user's credit lots, active and past: amount, remaining, expiry, expiry status.",
    args: [{ name: '<user-id>', required: true, description: 'the user id, exactly as stored' }],
    options: { json: JSON_OPTION, verbose: VERBOSE_OPTION },
    details: `The lots of GET /api/v1/users/{id}/lots, by id; a deleted user's lots are listed too
(docs/expiry.md). "remaining" is as of the user's last lot event. A user whose id is "expiring":
quota-manager lots -- expiring.`,
    examples: ['quota-manager lots alice', 'quota-manager lots alice --json'],
  },
  async run({ values, positionals }, io) {
    const userId = positionals[0];
    if (userId === undefined || userId === '') throw new UsageError('name the user id');
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      await printLots(
        io,
        (page) => runtime.app.userLots(userId, page),
        USER_COLUMNS,
        values.json === true,
        `user ${JSON.stringify(userId)} has no lots`,
      );
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});

export const expiringLotsCommand = defineCommand({
  spec: {
    name: 'lots expiring',
    summary: 'Active credit lots expiring soon (for "expiring soon" notices).',
    args: [],
    options: {
      within: {
        type: 'string',
        value: 'duration',
        description:
          'an ISO 8601 duration (P7D, PT12H) or end_of_day, end_of_week, end_of_month in QM_TIMEZONE (default P7D)',
      },
      json: JSON_OPTION,
      verbose: VERBOSE_OPTION,
    },
    details: `The lots of GET /api/v1/lots/expiring?within=…, by id.`,
    examples: [
      'quota-manager lots expiring',
      'quota-manager lots expiring --within end_of_month --json',
    ],
  },
  async run({ values }, io) {
    const within = values.within ?? 'P7D';
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      await printLots(
        io,
        (page) => runtime.app.expiringLots(within, page),
        EXPIRING_COLUMNS,
        values.json === true,
        `no active lot expires within ${within}`,
      );
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});
