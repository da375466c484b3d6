import { quoteIdent, quoteLiteral } from './quote';

/** A column or STRUCT field: `"client"` or `struct_extract("client", 'ip')`. */
export function columnSql(path: readonly string[]): string {
  let sql = quoteIdent(path[0]!);
  for (const field of path.slice(1)) sql = `struct_extract(${sql}, ${quoteLiteral(field)})`;
  return sql;
}

/** An integer this code computed, written into SQL; anything else is refused. */
export function integerLiteral(n: number): string {
  if (!Number.isSafeInteger(n)) throw new RangeError(`not a safe integer: ${n}`);
  return String(n);
}
