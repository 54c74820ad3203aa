// `quota-manager preview <strategy>`: who would one strategy grant to now? A dry run through
// the scanner's own matching path (Scanner.preview): nothing is claimed, nothing is sent.
import { previewJson } from '../contract/serialize.ts';
import type { PreviewResult } from '../core/model/run-result.ts';
import type { Strategy } from '../core/model/strategy.ts';
import type { PreviewTarget } from '../core/use-cases/preview-strategy.ts';
import { defineCommand, EXIT, UsageError, VERBOSE_OPTION, write } from './command.ts';
import { findStrategy } from './find-strategy.ts';
import { openRuntime } from './open-runtime.ts';

export const previewCommand = defineCommand({
  spec: {
    name: 'preview',
    summary:
      'Dry run of one strategy: who it would grant to now, and how much. Nothing is written or sent.',
    args: [
      {
        name: '<strategy>',
        required: true,
        description: 'the strategy id, or its name (a number is tried as an id first)',
      },
    ],
    options: {
      occurrence: {
        type: 'string',
        value: '<ISO time | next>',
        description:
          'a past fire time of a periodic strategy (as for a backfill), or next (the coming one), instead of the due one',
      },
      json: {
        type: 'boolean',
        description: 'print the preview as JSON (the shape of POST /api/v1/strategies/:id/preview)',
      },
      verbose: VERBOSE_OPTION,
    },
    details: `
Disabled strategies can be previewed too. Conditions that use quota-le/quota-ge read quotas from
the gateway (read only).`,
    examples: [
      'quota-manager preview vip-reward',
      'quota-manager preview 3 --json',
      'quota-manager preview stargazer-daily-reward --occurrence 2026-01-14T08:00:00Z',
      'quota-manager preview stargazer-daily-reward --occurrence next',
    ],
  },
  async run({ values, positionals }, io) {
    const requested =
      values.occurrence === undefined ? undefined : parseOccurrence(values.occurrence);
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      const strategy = await findStrategy(runtime.app, positionals[0]!);
      const preview = await runtime.app.previewStrategy(strategy, requested);
      if (values.json) write(io.stdout, JSON.stringify(previewJson(preview)));
      else write(io.stdout, describePreview(strategy, preview));
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});

/** `--occurrence` of preview and explain: `next`, as the API's `occurrence` accepts, or a time. */
export function parseOccurrence(text: string): PreviewTarget {
  return text === 'next' ? 'next' : parseInstant(text);
}

function parseInstant(text: string): Date {
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(date.getTime())) {
    throw new UsageError(
      `--occurrence must be next or an ISO 8601 time such as 2026-01-14T08:00:00Z, got ${JSON.stringify(text)}`,
    );
  }
  return date;
}

function describePreview(strategy: Strategy, preview: PreviewResult): string {
  const rows: [string, string][] = [
    [
      'strategy',
      `${strategy.id} ${strategy.name} (${strategy.type}${strategy.enabled ? '' : ', disabled'}, amount ${strategy.amount})`,
    ],
  ];
  if (preview.occurrence === null) {
    rows.push([
      'occurrence',
      'none due now (outside its start/end window, or no fire time since it was created)',
    ]);
  } else {
    rows.push([
      'occurrence',
      `${preview.occurrence}${preview.occurrenceDone ? ' (done: scans no longer revisit it)' : ''}`,
    ]);
    rows.push(['matched', String(preview.matched)]);
    if (preview.alreadyGranted > 0) rows.push(['granted', String(preview.alreadyGranted)]);
    rows.push(['would grant', `${preview.wouldGrant} users, ${preview.totalAmount} in total`]);
    if (preview.capped > 0) rows.push(['capped', `${preview.capped} (max_exec_per_user reached)`]);
    if (preview.held)
      rows.push([
        'held',
        `${preview.heldByBudget} users held by a budget cap (needs ${preview.held.neededUsers} users, ${preview.held.neededAmount} in total)`,
      ]);
    if (preview.sampleUserIds.length > 0) {
      const more = preview.wouldGrant > preview.sampleUserIds.length ? ', …' : '';
      rows.push(['sample', `${preview.sampleUserIds.join(', ')}${more}`]);
    }
  }
  rows.push(['', 'dry run: nothing was written or sent']);
  return rows.map(([key, value]) => (key ? `${key.padEnd(12)}${value}` : value)).join('\n');
}
