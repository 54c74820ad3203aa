// `quota-manager explain <strategy> <user>`: why one user gets (or does not get) a strategy's
// grant — the same use case and JSON as GET /api/v1/strategies/:id/explain/:user_id.
import { explanationJson, type ExplainNodeJson } from '../contract/serialize-explain.ts';
import { defineCommand, EXIT, VERBOSE_OPTION, write } from './command.ts';
import { findStrategy } from './find-strategy.ts';
import { openRuntime } from './open-runtime.ts';
import { parseOccurrence } from './preview-command.ts';

export const explainCommand = defineCommand({
  spec: {
    name: 'explain',
    summary: 'Why one user gets, or does not get, a strategy’s grant (read only).',
    args: [
      {
        name: '<strategy>',
        required: true,
        description: 'the strategy id, or its name (a number is tried as an id first)',
      },
      { name: '<user>', required: true, description: 'the user id' },
    ],
    options: {
      occurrence: {
        type: 'string',
        value: '<ISO time|next>',
        description: 'the occurrence to explain (default: the one due now)',
      },
      json: {
        type: 'boolean',
        description:
          'print the explanation as JSON (the shape of GET /api/v1/strategies/:id/explain/:user_id)',
      },
      verbose: VERBOSE_OPTION,
    },
    details: `
The verdict is the first that applies: no_such_user, disabled, outside_window, occurrence_done,
granted, pending, unknown_outcome, failed, condition_false, condition_unknown, capped,
held_by_budget, would_grant. The condition tree shows each node's value and the attributes it read.`,
    examples: [
      'quota-manager explain vip-reward demo-user-03',
      'quota-manager explain stargazer-daily-reward demo-user-01 --occurrence next --json',
    ],
  },
  async run({ values, positionals }, io) {
    const target = values.occurrence === undefined ? undefined : parseOccurrence(values.occurrence);
    const runtime = await openRuntime(io, { verbose: values.verbose });
    try {
      const strategy = await findStrategy(runtime.app, positionals[0]!);
      const json = explanationJson(
        await runtime.app.explainUser(strategy, positionals[1]!, target),
      );
      if (values.json) write(io.stdout, JSON.stringify(json));
      else {
        const lines = [
          json.summary,
          `verdict     ${json.verdict}${json.amount === null ? '' : ` (amount ${json.amount})`}`,
          `occurrence  ${json.occurrence ?? 'none due'}`,
          ...json.reasons.map((reason) => `reason      ${reason}`),
        ];
        if (json.ledger)
          lines.push(`ledger      #${json.ledger.id} ${json.ledger.status} ${json.ledger.amount}`);
        if (json.condition) lines.push('condition', ...treeLines(json.condition, '  '));
        write(io.stdout, lines.join('\n'));
      }
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
});

function treeLines(node: ExplainNodeJson, indent: string): string[] {
  const observed = Object.entries(node.observed)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join(', ');
  const head = `${indent}${String(node.result).padEnd(7)} ${node.text}${observed ? `   [${observed}]` : ''}`;
  return [head, ...node.children.flatMap((child) => treeLines(child, `${indent}  `))];
}
