import type { Cell, ColumnInfo } from '../../shared/api/contract';

/** One JSON object per line: the format scripts read. */
export const jsonLine = (value: unknown): string => JSON.stringify(value) + '\n';

/** RFC 4180: quote a field when it holds a delimiter, a quote or a line break. */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  const text = String(cell);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const csvLine = (cells: readonly Cell[]): string => cells.map(csvField).join(',') + '\r\n';

/** A plain text table for a terminal; long cells are cut so a row stays on one line. */
export function textTable(columns: readonly ColumnInfo[], rows: readonly (readonly Cell[])[], maxCellWidth = 40): string {
  const show = (cell: Cell) => {
    const text = cell === null ? 'NULL' : String(cell).replace(/[\r\n\t]+/g, ' ');
    return [...text].length > maxCellWidth ? [...text].slice(0, maxCellWidth - 1).join('') + '…' : text;
  };
  const cells = rows.map((row) => row.map(show));
  const widths = columns.map((column, i) => Math.max(displayWidth(column.name), ...cells.map((row) => displayWidth(row[i] ?? ''))));
  const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));
  const lines = [
    columns.map((c, i) => pad(c.name, widths[i] ?? 0)).join('  '),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.map((row) => row.map((text, i) => pad(text, widths[i] ?? 0)).join('  ')),
  ];
  return lines.map((line) => line.trimEnd()).join('\n') + '\n';
}

/** Korean and other wide characters take two terminal columns. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    width += (code >= 0x1100 && code <= 0x115f) || (code >= 0x2e80 && code <= 0xa4cf) || (code >= 0xac00 && code <= 0xd7a3) || (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe30 && code <= 0xfe4f) || (code >= 0xff00 && code <= 0xff60) || (code >= 0xffe0 && code <= 0xffe6) ? 2 : 1;
  }
  return width;
}
