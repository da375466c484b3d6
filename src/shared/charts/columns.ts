import type { ColumnPath, RoleColumn } from './spec';

/**
 * Columns as roles see them: top-level columns plus the fields of STRUCT columns
 * (`client.ip`), parsed from DuckDB's type text. A type this parser does not understand
 * is kept as an opaque column, never an error.
 */

/** Columns Logscope adds to every dataset; never a role. */
const logscopeColumns = new Set(['_ls_source', '_ls_line']);

/** Fields of nested STRUCTs are followed this deep. */
const maxDepth = 3;

export function flattenColumns(columns: readonly { name: string; type: string }[]): RoleColumn[] {
  const out: RoleColumn[] = [];
  for (const column of columns) {
    if (logscopeColumns.has(column.name)) continue;
    visit([column.name], column.type, out);
  }
  return out;
}

function visit(path: ColumnPath, type: string, out: RoleColumn[]) {
  const fields = path.length <= maxDepth ? structFields(type) : null;
  if (!fields) {
    out.push({ path, type });
    return;
  }
  for (const field of fields) visit([...path, field.name], field.type, out);
}

/** `STRUCT(ip VARCHAR, "user agent" VARCHAR)` → its fields; null for any other type. */
export function structFields(type: string): { name: string; type: string }[] | null {
  const text = type.trim();
  if (!/^STRUCT\s*\(/i.test(text) || !text.endsWith(')')) return null;
  const body = text.slice(text.indexOf('(') + 1, -1);
  const fields: { name: string; type: string }[] = [];
  let i = 0;
  while (i < body.length) {
    while (body[i] === ' ' || body[i] === ',') i++;
    if (i >= body.length) break;
    let name = '';
    if (body[i] === '"') {
      i++;
      while (i < body.length) {
        if (body[i] === '"' && body[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (body[i] === '"') {
          i++;
          break;
        } else name += body[i++];
      }
    } else {
      while (i < body.length && body[i] !== ' ') name += body[i++];
    }
    while (body[i] === ' ') i++;
    // The field's type runs to the next comma outside parentheses and quotes.
    let depth = 0;
    let quoted = false;
    const start = i;
    while (i < body.length) {
      const ch = body[i];
      if (ch === '"') quoted = !quoted;
      else if (!quoted && ch === '(') depth++;
      else if (!quoted && ch === ')') depth--;
      else if (!quoted && depth === 0 && ch === ',') break;
      i++;
    }
    const fieldType = body.slice(start, i).trim();
    if (!name || !fieldType || depth !== 0) return null;
    fields.push({ name, type: fieldType });
  }
  return fields.length ? fields : null;
}

/** `client.ip`; a name holding a dot is quoted so the path stays readable and unambiguous. */
export function columnLabel(path: readonly string[]): string {
  return path.map((part) => (/[."\s]/.test(part) ? `"${part.replaceAll('"', '""')}"` : part)).join('.');
}

export const samePath = (a: readonly string[] | null | undefined, b: readonly string[] | null | undefined): boolean =>
  !!a && !!b && a.length === b.length && a.every((part, i) => part === b[i]);

export const pathKey = (path: readonly string[]): string => JSON.stringify(path);

const baseType = (type: string) => type.trim().toUpperCase();

export function isTimestampType(type: string): boolean {
  return /^(TIMESTAMP(_S|_MS|_NS)?|TIMESTAMP WITH TIME ZONE|TIMESTAMPTZ|DATETIME|DATE)$/.test(baseType(type));
}

export function isIntegerType(type: string): boolean {
  return /^(U?(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT)|INT\d*|UBIGINT)$/.test(baseType(type));
}

export function isNumericType(type: string): boolean {
  const t = baseType(type);
  return isIntegerType(t) || /^(FLOAT|DOUBLE|REAL|DECIMAL(\(.*\))?|NUMERIC(\(.*\))?)$/.test(t);
}

export function isIntervalType(type: string): boolean {
  return baseType(type) === 'INTERVAL';
}

export function isTextType(type: string): boolean {
  return /^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)(\(\d+\))?$/.test(baseType(type));
}

/** Types a text role (level, path, client, user, message) may use: scalars shown as text. */
export function isScalarType(type: string): boolean {
  const t = baseType(type);
  return !/^(STRUCT|MAP|UNION)\b/.test(t) && !t.endsWith('[]') && !/\[\d+\]$/.test(t);
}
