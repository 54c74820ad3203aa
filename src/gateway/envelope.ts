// The Higress ai-quota answer: `{ code, message, success, data }`. The plugin itself sends
// string codes ("ai-gateway.queryquota"), the spec and our mock numeric ones; both are accepted.
import { z } from 'zod';

const envelopeSchema = z.object({
  success: z.boolean(),
  code: z.union([z.number(), z.string()]).optional(),
  message: z.string().optional(),
  data: z.unknown().optional(),
});
export type Envelope = z.infer<typeof envelopeSchema>;

/** The envelope, or undefined when the body is not one (HTML error page, truncated JSON, …). */
export function parseEnvelope(body: string): Envelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  // The common answer checked by hand (this runs once per grant); anything unusual goes
  // through the schema, which stays the definition of what is accepted.
  if (typeof json === 'object' && json !== null && !Array.isArray(json)) {
    const { success, code, message, data } = json as Record<string, unknown>;
    if (typeof success === 'boolean' && typeof code === 'number' && typeof message === 'string') {
      return data === undefined ? { success, code, message } : { success, code, message, data };
    }
  }
  const parsed = envelopeSchema.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}

const quotaDataSchema = z.object({
  // The plugin's counters are integers in Redis; JSON may still carry them as strings.
  quota: z.union([
    z.number(),
    z
      .string()
      .regex(/^-?\d+(\.\d+)?$/)
      .transform(Number),
  ]),
});

/** `data.quota` of a query answer (the plugin uses `quota` for both total and used), or undefined. */
export function quotaFrom(envelope: Envelope): number | undefined {
  const parsed = quotaDataSchema.safeParse(envelope.data);
  return parsed.success && Number.isFinite(parsed.data.quota) ? parsed.data.quota : undefined;
}

/** A short, single-line excerpt for error messages: never a whole HTML page in a log line. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
