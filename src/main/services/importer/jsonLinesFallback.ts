import type { PlannedColumn } from '../../../shared/imports/plan';
import { lineColumn, lineLimitOptions, sourceColumn } from '../../../shared/imports/plan';
import { qualified, quoteIdent, quoteLiteral } from '../../../shared/sql/quote';
import { timeExpression } from '../../../shared/sql/time';

/**
 * JSON lines with malformed lines: read the file line by line (DuckDB's CSV reader with a
 * delimiter JSON text cannot contain unescaped, so each line is one value, and a blank
 * line is a NULL row that keeps the numbering exact), parse the valid ones, and keep the
 * others as rejected lines with their text. Slower than read_json, so only used when
 * read_json refuses the file.
 */
export function jsonLinesFallbackSql(spec: { dataset: string; columns: readonly PlannedColumn[]; zone: string }) {
  const lines = `(SELECT text, row_number() OVER () AS n FROM read_csv($path, columns = {'text': 'VARCHAR'}, header = false,
      delim = '\\x1F', quote = '', escape = '', auto_detect = false, strict_mode = false, compression = 'none', ${lineLimitOptions.join(', ')}))`;
  // CASE, not AND: DuckDB evaluates both sides of AND, and json_type() fails on broken text.
  const isObject = `CASE WHEN json_valid(text) THEN json_type(text) = 'OBJECT' ELSE false END`;
  const select = spec.columns.map((column) => {
    const jsonPath = quoteLiteral('$' + column.path.map((p) => `."${p.replaceAll('"', '\\"')}"`).join(''));
    let value: string;
    if (column.asJson) value = `json_extract(text, ${jsonPath})`;
    else if (column.time) value = timeExpression(column.time, `json_extract_string(text, ${jsonPath})`, spec.zone);
    else value = `TRY_CAST(json_extract_string(text, ${jsonPath}) AS ${column.type})`;
    return `${value} AS ${quoteIdent(column.name)}`;
  });
  return {
    insert: `INSERT INTO ${qualified('main', spec.dataset)} BY NAME
SELECT ${[...select, `$sourceId::INTEGER AS ${quoteIdent(sourceColumn)}`, `$firstLine::BIGINT + n - 1 AS ${quoteIdent(lineColumn)}`].join(',\n       ')}
FROM ${lines} WHERE text IS NOT NULL AND trim(text) <> '' AND ${isObject}`,
    rejects: `INSERT INTO logscope.rejected_lines
SELECT $sourceId, $datasetId, $firstLine::BIGINT + n - 1,
       CASE WHEN json_valid(text) THEN 'not a JSON object' ELSE 'malformed JSON' END, text
FROM ${lines} WHERE text IS NOT NULL AND trim(text) <> '' AND NOT (${isObject})`,
  };
}
