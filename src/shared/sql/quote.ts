/** The one way an identifier from a user's file or input enters SQL text. */
export const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** `schema.table`, each part quoted. */
export const qualified = (schema: string, name: string): string => `${quoteIdent(schema)}.${quoteIdent(name)}`;

/**
 * A string literal, for the rare places DuckDB accepts no parameter (option values of
 * table functions such as `read_csv(..., delim = '…')` in some versions, `SET` values).
 * Values in WHERE clauses are always bound instead.
 */
export const quoteLiteral = (value: string): string => `'${value.replaceAll("'", "''")}'`;

export interface SqlQuery {
  sql: string;
  params: Record<string, string | number | boolean | null>;
}
