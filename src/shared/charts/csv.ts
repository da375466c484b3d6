import type { Cell } from '../api/schemas';

/**
 * CSV for people who open it in a spreadsheet: RFC 4180 quoting, and cells that a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
 * get a leading apostrophe (OWASP, "CSV Injection"). Log text is attacker-controlled
 * (a user agent, a path), so every export and the e-mailed report go through this.
 */

const formulaStart = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text; numbers stay numbers (a negative number is not a formula). */
export function neutralizeCsvCell(value: Cell): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return formulaStart.test(value) ? `'${value}` : value;
}

function quoteField(text: string): string {
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(cells: readonly Cell[]): string {
  return cells.map((cell) => quoteField(neutralizeCsvCell(cell))).join(',') + '\r\n';
}

/** A whole table; a UTF-8 byte order mark first, so spreadsheet programs read Korean as UTF-8. */
export function toCsv(columns: readonly string[], rows: readonly (readonly Cell[])[], options: { bom?: boolean } = {}): string {
  return (options.bom === false ? '' : '\uFEFF') + csvRow(columns) + rows.map(csvRow).join('');
}

/** JSON lines, one object per row: values exact (no neutralising; nothing runs JSON as a formula). */
export function toJsonLines(columns: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return rows.map((row) => JSON.stringify(Object.fromEntries(columns.map((name, i) => [name, row[i] ?? null])))).join('\n') + (rows.length ? '\n' : '');
}
