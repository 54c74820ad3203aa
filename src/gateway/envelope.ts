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
    json = JSON.parse(quoteQuotaNumbers(body));
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

/**
 * `"quota": 9007199254740993` → `"quota": "9007199254740993"`, so JSON.parse keeps the number's
 * exact text (a double would silently become 9007199254740992, and a top-up computed from it
 * would be wrong). Written for Node 20, whose JSON.parse revivers cannot see the source text.
 * Inside a JSON string every `"` is escaped, so `"quota"` followed by `:` can only be a key.
 */
const QUOTA_NUMBER = /("quota"\s*:\s*)(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)(?=\s*[,}])/g;
export function quoteQuotaNumbers(body: string): string {
  return body.includes('"quota"') ? body.replace(QUOTA_NUMBER, '$1"$2"') : body;
}

/**
 * The largest gateway counter quota-manager computes with and records exactly: the ledger keeps
 * balances and totals as DECIMAL(14,2) (balance_before, total_before), and the grant arithmetic
 * works in integer hundredths, exact up to here. docs/gateway.md, "Large counters".
 */
export const MAX_GATEWAY_AMOUNT = 999_999_999_999.99;

const quotaDataSchema = z.object({
  // The plugin's counters are integers in Redis; JSON may still carry them as strings (and
  // parseEnvelope turns numbers into their text, to keep them exact).
  quota: z.union([
    z.number().transform(String),
    z.string().regex(/^-?\d+(\.\d+)?(?:[eE][+-]?\d+)?$/),
  ]),
});

/** `data.quota` of a query answer (the plugin uses `quota` for both total and used). */
export type QuotaReading =
  | { kind: 'amount'; value: number }
  /** A number quota-manager cannot compute with exactly; `text` is what the gateway sent. */
  | { kind: 'out_of_range'; text: string }
  | { kind: 'missing' };

export function quotaFrom(envelope: Envelope): QuotaReading {
  const parsed = quotaDataSchema.safeParse(envelope.data);
  if (!parsed.success) return { kind: 'missing' };
  const text = parsed.data.quota;
  const value = Number(text);
  if (!Number.isFinite(value)) return { kind: 'missing' };
  return Math.abs(value) > MAX_GATEWAY_AMOUNT
    ? { kind: 'out_of_range', text }
    : { kind: 'amount', value };
}

/** A short, single-line excerpt for error messages: never a whole HTML page in a log line. */
export function excerpt(text: string, max = 200): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
