// A harness answer's body read with the contract's own zod schema (src/contract/schemas/): the
// test gets the type the API declares AND a check that the body has that shape, so a drift
// between what the API sends and what it documents fails where the body is read.
import type { z } from '@hono/zod-openapi';

export interface Answer {
  status: number;
  body: unknown;
}

/**
 * The body of `answer`, parsed with `schema`; throws (failing the test) with the status, the
 * schema's complaint and the body when it does not match.
 */
export function bodyAs<S extends z.ZodType>(schema: S, answer: Answer): z.output<S> {
  const parsed = schema.safeParse(answer.body);
  if (parsed.success) return parsed.data;
  throw new Error(
    `HTTP ${answer.status} body does not match the contract: ${parsed.error.message}\n${JSON.stringify(answer.body)}`,
  );
}
