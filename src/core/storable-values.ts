// Values every supported database stores faithfully, and the checks that keep the rest out.
// Validation accepts exactly these, so an input can never pass the API and then fail (or be
// changed) when one of the databases writes it or a condition compares with it.

/**
 * Instants from 1000-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z. MySQL/MariaDB's DATETIME
 * range starts at year 1000 (the MariaDB driver wrote 0001-01-01 back as 2001-01-01),
 * PostgreSQL's driver cannot write year 0 (1 BC), and JavaScript writes years past 9999 as
 * `+010000-…`, which no database reads back as the same instant; inside the range every
 * database round-trips every millisecond.
 */
export const STORABLE_INSTANTS = {
  // Date.UTC would read year 1 as 1901.
  minMs: Date.parse('1000-01-01T00:00:00.000Z'),
  maxMs: Date.parse('9999-12-31T23:59:59.999Z'),
} as const;

export function isStorableInstant(epochMs: number): boolean {
  return epochMs >= STORABLE_INSTANTS.minMs && epochMs <= STORABLE_INSTANTS.maxMs;
}

export type TextProblem = { code: 'nul_character' | 'lone_surrogate'; index: number };

/**
 * The first character of `text` no database can store: NUL (PostgreSQL refuses it in text) or
 * half of a UTF-16 surrogate pair (it has no UTF-8 encoding: drivers replace it with U+FFFD,
 * so the stored text would differ from what validated). Null when there is none.
 */
export function textProblem(text: string): TextProblem | null {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0) return { code: 'nul_character', index: i };
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
      else return { code: 'lone_surrogate', index: i };
    } else if (unit >= 0xdc00 && unit <= 0xdfff) return { code: 'lone_surrogate', index: i };
  }
  return null;
}

/**
 * True when `amount` is a whole number of cents, decided on its decimal form (the shortest
 * one that reads back as the same double, as JSON writes it), not with a float tolerance:
 * 0.3 is, 0.30000000000000004 (0.1 + 0.2) is not, though the two differ by 5.6e-17. Storing
 * the latter would round it on PostgreSQL (numeric(14,2)) and keep it on SQLite, and a gateway
 * refuses it; refusing it here keeps every database and the gateway on the same amount.
 */
export function isWholeCents(amount: number): boolean {
  if (!Number.isFinite(amount)) return false;
  const decimal = /^-?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(amount));
  if (!decimal) return false;
  const fraction = decimal[2] ?? '';
  const exponent = Number(decimal[3] ?? 0);
  // Digits after the point once the exponent is applied (1.5e-7 → 8 digits).
  return Math.max(0, fraction.length - exponent) <= 2;
}
