// Quota amounts are money-like, so the mock never adds binary floats: every amount is held as
// an integer number of hundredths (0.1 + 0.2 is 10 + 20 = 30, which reads back as exactly 0.3).
// Parsing works on the decimal text itself, so no float ever stands between the wire and the
// integer.

/** Up to 13 integer digits keeps every sum of two amounts inside Number.MAX_SAFE_INTEGER hundredths. */
const DECIMAL = /^(-?)(\d{1,13})(?:\.(\d{1,2}))?$/;

/** `"12.5"` → 1250; `null` for anything that is not a plain decimal with at most 2 places. */
export function parseHundredths(text: string): number | null {
  const match = DECIMAL.exec(text);
  if (!match) return null;
  const [, sign, whole, fraction = ''] = match;
  const hundredths = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
  // `-0` would serialise as 0 anyway; normalising keeps equality checks in tests honest.
  return sign === '-' && hundredths !== 0 ? -hundredths : hundredths;
}

/** 30 → 0.3. Division of an integer by 100 is correctly rounded, so this is the nearest double to the decimal. */
export function fromHundredths(hundredths: number): number {
  return hundredths / 100;
}

/** Adds two amounts, or `null` when the result would leave the range the mock can hold exactly. */
export function addHundredths(a: number, b: number): number | null {
  const sum = a + b;
  return Number.isSafeInteger(sum) ? sum : null;
}

/** 1250 → `"12.50"`, -5 → `"-0.05"`: exact decimal text with two places, by integer arithmetic. */
export function formatHundredths(hundredths: number): string {
  const sign = hundredths < 0 ? '-' : '';
  const magnitude = Math.abs(hundredths);
  const cents = String(magnitude % 100).padStart(2, '0');
  return `${sign}${Math.trunc(magnitude / 100)}.${cents}`;
}
