import { quoteLiteral } from '../sql/quote';

/**
 * Endpoint folding: a concrete request path becomes the endpoint it was made to, so
 * `/api/v1/orders/48213?page=2` counts as `/api/v1/orders/{id}`. The same steps are
 * written twice, as SQL (RE2, DuckDB's `regexp_replace`) and as TypeScript, with patterns
 * in the subset both read the same way; a test checks that the two agree.
 *
 * Regular expressions cost: on 5 M rows each `regexp_replace` pass takes about a second on
 * two cores, so ids of every kind are folded by one alternation and the cheap steps (query
 * string, a request line) avoid regular expressions where they can.
 */

/** `GET /x HTTP/1.1` (nginx's `$request`) → `/x`. */
export const requestLinePattern = '^[A-Z]{3,9} ([^ ]+)( HTTP/[0-9.]+)?$';
/** `https://shop.example/x` → `/x`. */
export const schemeHostPattern = '^[a-zA-Z][a-zA-Z0-9+.-]*://[^/]*';
/** Calendar dates in a path: `/reports/daily/2024-03-04` → `/reports/daily/{date}`. */
export const datePattern = '\\b[0-9]{4}-[0-9]{2}-[0-9]{2}\\b';
/**
 * Ids: UUIDs, hexadecimal runs of 8 or more, upper-case codes with a digit (`SKU`s,
 * coupon codes) and plain numbers, each a whole word (so `v1` in `/api/v1` stays).
 */
export const idPattern =
  '\\b([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[0-9a-fA-F]{8,}|([A-Z]+[0-9]|[0-9]+[A-Z])[A-Z0-9]{4,}|[0-9]+)\\b';

const requestLine = new RegExp(requestLinePattern);
const schemeHost = new RegExp(schemeHostPattern);
const dates = new RegExp(datePattern, 'g');
const ids = new RegExp(idPattern, 'g');

/** The endpoint a path was made to. */
export function foldEndpoint(path: string): string {
  let out = path;
  if (!out.startsWith('/')) out = out.replace(requestLine, '$1').replace(schemeHost, '');
  const cut = out.search(/[?#]/);
  if (cut >= 0) out = out.slice(0, cut);
  return out.replace(dates, '{date}').replace(ids, '{id}');
}

/** The same steps in DuckDB SQL over a text expression. */
export function foldEndpointSql(expression: string): string {
  const whole = `CASE WHEN starts_with(${expression}, '/') THEN ${expression} ELSE regexp_replace(regexp_replace(${expression}, ${quoteLiteral(
    requestLinePattern,
  )}, '\\1'), ${quoteLiteral(schemeHostPattern)}, '') END`;
  const path = `split_part(split_part(${whole}, '?', 1), '#', 1)`;
  return `regexp_replace(regexp_replace(${path}, ${quoteLiteral(datePattern)}, '{date}', 'g'), ${quoteLiteral(idPattern)}, '{id}', 'g')`;
}
