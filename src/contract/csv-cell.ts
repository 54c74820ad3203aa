// One CSV cell, the one way every CSV writer of ours writes it: the API's CSV answers (the
// grants export, which the console's ledger download passes through, and the preview's user
// list) and `quota-manager grants export`.

/** What a cell can hold: text from users and gateways, and values of our own. */
export type CsvValue = string | number | boolean | Date | null | undefined;

/**
 * Text starting like a formula: Excel, LibreOffice and Google Sheets run a cell that starts
 * with = + - or @ (a tab or carriage return first can still lead into one), so an exported user
 * id such as `=HYPERLINK(…)` would act in the spreadsheet of whoever opens the file.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

const quoted = (text: string) => `"${text.replaceAll('"', '""')}"`;

/**
 * RFC 4180 quoting (fields holding a comma, a quote or a line break are quoted, inner quotes
 * doubled), and text starting like a formula written as text: prefixed with a single quote and
 * quoted (OWASP "CSV Injection"). Numbers are never text here: they are our own values (amounts,
 * ids, counts), and a negative amount must stay a number, so `-5` is written as is.
 */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const text = value instanceof Date ? value.toISOString() : value;
  if (FORMULA_START.test(text)) return quoted(`'${text}`);
  return /[",\r\n]/.test(text) ? quoted(text) : text;
}

/** One record: the cells joined by commas, ended by CRLF. */
export const csvLine = (fields: readonly CsvValue[]) => `${fields.map(csvField).join(',')}\r\n`;
