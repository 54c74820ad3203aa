// Small shapes shared by route declarations, and the reading of an optional JSON body.
import type { z } from '@hono/zod-openapi';
import type { BodyExamples } from '../contract/schemas/request-examples.ts';

/** A JSON response with its description. */
export const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
});

/** A JSON request body with its documented examples (every one is sent by a test). */
export const body = <T extends z.ZodType>(
  schema: T,
  examples: BodyExamples<T>,
  required = true,
) => ({
  body: { content: { 'application/json': { schema, examples } }, required },
});

/** The run/preview body is optional; when present it has already been validated. */
export function readOptionalBody(c: {
  req: { valid(target: 'json'): unknown };
}): Promise<{ occurrence?: string }> {
  try {
    return Promise.resolve((c.req.valid('json') as { occurrence?: string } | undefined) ?? {});
  } catch {
    return Promise.resolve({});
  }
}
