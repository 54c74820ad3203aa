// Strategy requests and responses, built from the field table (core/model/strategy-fields.ts
// via strategy-fields.ts here), and the conversion of a validated body to the core's input.
import { z } from '@hono/zod-openapi';
import type { StrategyInput, StrategyReplacement } from '../../core/model/strategy.ts';
import { strategyFieldEntries, STRATEGY_FIELDS } from '../../core/model/strategy-fields.ts';
import {
  strategyPatchFromBody,
  type StrategyAnswer,
  type StrategyCreateBody,
  type StrategyPatchBody,
  type StrategyReplaceBody,
} from '../strategy-wire.ts';
import { booleanQuery } from './common.ts';
import { formerlyOffsetPaging } from './cursor.ts';
import { answerField, requestField } from './strategy-fields.ts';
import { TimezoneWarningSchema } from './zone-warning.ts';

export { strategyPatchFromBody };

const StrategyFieldsShape = Object.fromEntries(
  strategyFieldEntries().map(([, spec]) => [spec.wire, requestField(spec)]),
);

// The shapes are built in a loop, so zod cannot infer them; their types are the wire types,
// which the same table defines (contract/strategy-wire.ts).
export const StrategyCreateSchema = z
  .strictObject(StrategyFieldsShape)
  .openapi('StrategyInput') as unknown as z.ZodType<StrategyCreateBody, StrategyCreateBody>;

/**
 * PUT replaces the whole strategy, and the create default of `enabled` is false: a PUT of an
 * edited body without it would stop a running strategy without a word. So a replacement must
 * say it (a missing `enabled` is a 400 like any missing required field); PATCH keeps it as is.
 */
// A whole object, not `StrategyCreateSchema.extend(...)`: the generator writes an extension
// as allOf [StrategyInput, {enabled} with additionalProperties false], which no body passes.
export const StrategyReplaceSchema = z
  .strictObject({
    ...StrategyFieldsShape,
    enabled: z
      .boolean({
        error: (issue) =>
          issue.input === undefined
            ? 'required in a PUT, which replaces the whole strategy: send the current value (true keeps it running), or change fields with PATCH'
            : 'must be true or false',
      })
      .openapi({
        description: `${STRATEGY_FIELDS.enabled.description}. Required in a PUT: a replacement states whether the strategy runs`,
        example: true,
      }),
  })
  .openapi('StrategyReplace') as unknown as z.ZodType<StrategyReplaceBody, StrategyReplaceBody>;

export const StrategyPatchSchema = z
  .strictObject(StrategyFieldsShape)
  .partial()
  .openapi('StrategyPatch') as unknown as z.ZodType<StrategyPatchBody, StrategyPatchBody>;

/** A validated create body → the core's input. */
export function strategyInputFromBody(body: StrategyCreateBody): StrategyInput {
  const { name, title, type, amount, condition } = body;
  return { ...strategyPatchFromBody(body), name, title, type, amount, condition };
}

/** A validated replace (PUT) body → the core's replacement (`enabled` always present). */
export function strategyReplacementFromBody(body: StrategyReplaceBody): StrategyReplacement {
  return { ...strategyInputFromBody(body), enabled: body.enabled };
}

export const StrategySchema = z
  .object({
    id: z.number().int().openapi({
      description: "The strategy's id; never reused (ledger rows keep it)",
      example: 1,
    }),
    ...Object.fromEntries(strategyFieldEntries().map(([, spec]) => [spec.wire, answerField(spec)])),
    timezone_warning: TimezoneWarningSchema,
    version: z
      .number()
      .int()
      .openapi({
        description: `1 on create, +1 on every change of what decides who is granted what, when or how (${versionedWireNames()}); a change of only ${unversionedWireNames()} keeps it. Each ledger row records the version that granted it; a new version makes a single strategy scan every user again`,
        example: 1,
      }),
    created_at: z.string().openapi({
      description: 'When it was created (UTC ISO 8601); periodic schedules start from here',
      example: '2026-01-15T10:00:00.000Z',
    }),
    updated_at: z.string().openapi({
      description: 'When it last changed (UTC ISO 8601)',
      example: '2026-01-15T10:00:00.000Z',
    }),
  })
  .openapi('Strategy') as unknown as z.ZodType<StrategyAnswer, StrategyAnswer>;

function versionedWireNames(): string {
  return strategyFieldEntries()
    .filter(([, spec]) => spec.newVersion)
    .map(([, spec]) => spec.wire)
    .join(', ');
}

function unversionedWireNames(): string {
  const names = strategyFieldEntries()
    .filter(([, spec]) => !spec.newVersion)
    .map(([, spec]) => spec.wire);
  return `${names.slice(0, -1).join(', ')} or ${names.at(-1)}`;
}

export const StrategyListQuerySchema = z.strictObject({
  type: z
    .enum(['single', 'periodic'])
    .optional()
    .openapi({ description: 'Only strategies of this type', example: 'periodic' }),
  enabled: booleanQuery.optional().openapi({
    description: 'Only enabled (true) or disabled (false) strategies',
    example: 'true',
  }),
  ...formerlyOffsetPaging('strategies'),
});
