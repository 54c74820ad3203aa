// The strategy field table (core/model/strategy-fields.ts) as zod: one request schema and one
// answer schema per field, with the table's description and example for the OpenAPI document.
import { z } from '@hono/zod-openapi';
import type { FieldSpec } from '../../core/model/strategy-fields.ts';
import { isWholeCents } from '../../core/storable-values.ts';
import { isoDateTime, text } from './common.ts';

/** Below the Decimal(14,2) column's limit. */
const AMOUNT_MAX = 999_999_999_999;

/**
 * An amount: a whole number of cents (decided on its decimal form, not with a float tolerance:
 * see isWholeCents), so `min(0)` alone cannot let 5e-324 through to be stored as 0.00.
 */
function amount(min: number, minMessage: string | undefined) {
  return z
    .number()
    .min(min, minMessage === undefined ? undefined : { error: minMessage })
    .max(AMOUNT_MAX)
    .refine(isWholeCents, {
      error: 'at most two decimals: a whole number of cents',
      params: { code: 'amount_precision' },
    });
}

/** What a request may send for the field (required or not is the caller's: create vs patch). */
function requestValue(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'text':
      if (spec.plain) return z.string().max(spec.maxLength);
      return spec.trimmed
        ? text().trim().min(1).max(spec.maxLength)
        : text().min(1).max(spec.maxLength);
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'int':
      return z.number().int().min(spec.min).max(spec.max);
    case 'amount':
      return amount(spec.min, spec.minMessage);
    case 'date':
      return isoDateTime;
    case 'boolean':
      return z.boolean();
  }
}

/** The field in a create or replace body: optional unless the table requires it. */
export function requestField(spec: FieldSpec) {
  const value = spec.nullable ? requestValue(spec).nullable() : requestValue(spec);
  const field = spec.required ? value : value.optional();
  return field.openapi({ description: spec.description, example: spec.example });
}

function answerValue(spec: FieldSpec): z.ZodType {
  switch (spec.kind) {
    case 'text':
    case 'date':
      return z.string();
    case 'enum':
      return z.enum(spec.values as [string, ...string[]]);
    case 'int':
      return z.number().int();
    case 'amount':
      return z.number();
    case 'boolean':
      return z.boolean();
  }
}

/** An example of the answer: dates as the server writes them (UTC ISO). */
function answerExample(spec: FieldSpec) {
  if (spec.kind === 'date' && typeof spec.example === 'string')
    return new Date(spec.example).toISOString();
  return spec.example;
}

/** The field in an answer: always present, null where the table allows it. */
export function answerField(spec: FieldSpec) {
  const value = spec.nullable ? answerValue(spec).nullable() : answerValue(spec);
  return value.openapi({
    description: spec.answerDescription ?? spec.description,
    example: answerExample(spec),
  });
}
