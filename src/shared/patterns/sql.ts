import { qualified, quoteIdent, type SqlQuery } from '../sql/quote';

/**
 * SQL of the pattern store. A dataset's rows carry their template id in the column
 * `_ls_pattern` (NULL until mined), so charts, filters and SQL use it like any column;
 * the templates live in `logscope.pattern_templates`, one row per surviving template.
 * Identifiers go through `quoteIdent`, values are bound.
 */

export const patternColumn = '_ls_pattern';
const source = quoteIdent('_ls_source');
const line = quoteIdent('_ls_line');
const pattern = quoteIdent(patternColumn);

/** Temp tables of the mining connection: one batch's assignments and templates. */
export const minedTable = '_ls_mined';
export const batchTemplatesTable = '_ls_batch_templates';
export const mergesTable = '_ls_merges';

const table = (name: string) => qualified('main', name);

/**
 * Average length and share of values with whitespace of each text column, over the
 * first rows: what `chooseMessageColumn` needs when no column is named like a message.
 */
export function buildMessageStatsQuery(dataset: string, columns: readonly string[], sampleRows = 2000): SqlQuery {
  const parts = columns.flatMap((column) => {
    const c = quoteIdent(column);
    return [`avg(length(${c}))`, `avg(CASE WHEN regexp_matches(${c}, '\\s') THEN 1 ELSE 0 END)`];
  });
  return {
    sql: `SELECT ${parts.join(', ')} FROM (SELECT ${columns.map(quoteIdent).join(', ')} FROM ${table(dataset)} LIMIT $sampleRows)`,
    params: { sampleRows },
  };
}

/** Each source's unmined rows: their line span, and how many have no line number. */
export function buildUnminedSpansQuery(dataset: string): SqlQuery {
  return {
    sql: `SELECT ${source}, min(${line}), max(${line}), count(*) FILTER (WHERE ${line} IS NULL) FROM ${table(dataset)}
          WHERE ${pattern} IS NULL GROUP BY 1 ORDER BY 1`,
    params: {},
  };
}

/** One source's rows of lines `[from, to]`, or its rows without a line number when `from` is null. */
export interface BatchWindow {
  sourceId: number;
  from: number | null;
  to: number | null;
}

function windowFilter(w: BatchWindow, alias = ''): { sql: string; params: Record<string, number> } {
  const a = alias ? `${alias}.` : '';
  if (w.from === null || w.to === null) return { sql: `${a}${source} = $sourceId AND ${a}${line} IS NULL`, params: { sourceId: w.sourceId } };
  return { sql: `${a}${source} = $sourceId AND ${a}${line} BETWEEN $from AND $to`, params: { sourceId: w.sourceId, from: w.from, to: w.to } };
}

/**
 * A batch of unmined rows as one row: the count, one string of `line SOH rowid SOH
 * message` records joined by NUL (NUL and SOH inside a message become spaces; NULL
 * becomes an empty message), and the sum of the row ids. Reading 50,000 values one by one into JavaScript costs
 * several times what the query does, and an ordered aggregate costs a sort per
 * aggregate: one unordered aggregate keeps each record whole, and `parseBatch` puts
 * the records in line order.
 */
export function buildBatchQuery(dataset: string, messageColumn: string, w: BatchWindow, limit: number): SqlQuery {
  const filter = windowFilter(w);
  // `translate` costs about as much as the rest of the read, so only messages holding a separator go through it.
  const message = `CASE WHEN contains(msg, chr(0)) OR contains(msg, chr(1)) THEN translate(msg, chr(0) || chr(1), '  ') ELSE msg END`;
  return {
    sql: `SELECT count(*), string_agg(coalesce(ord, -1)::VARCHAR || chr(1) || rid::VARCHAR || chr(1) || ${message}, chr(0)), coalesce(sum(rid), 0)
          FROM (SELECT ${line} AS ord, rowid AS rid, coalesce(CAST(${quoteIdent(messageColumn)} AS VARCHAR), '') AS msg FROM ${table(dataset)}
                WHERE ${pattern} IS NULL AND ${filter.sql} LIMIT $limit)`,
    params: { ...filter.params, limit },
  };
}

/**
 * Which unmined rows a window holds now, as `buildBatchQuery`'s count and row-id sum: a
 * batch read ahead of its transaction is used only while these still agree.
 */
export function buildUnminedCheckQuery(dataset: string, w: BatchWindow, limit: number): SqlQuery {
  const filter = windowFilter(w);
  return {
    sql: `SELECT count(*), coalesce(sum(rid), 0) FROM (SELECT rowid AS rid FROM ${table(dataset)} WHERE ${pattern} IS NULL AND ${filter.sql} LIMIT $limit)`,
    params: { ...filter.params, limit },
  };
}

export interface ParsedBatch {
  /** Row ids in line order, joined by `,` (for `buildMinedTableSql`). */
  rowIds: string;
  messages: string[];
}

/** The records of `buildBatchQuery` in line (then row id) order. */
export function parseBatch(records: string, count: number): ParsedBatch {
  const parts = records.split('\u0000');
  if (parts.length !== count) throw new RangeError(`a batch of ${count} rows gave ${parts.length} records`);
  const lines = new Float64Array(count);
  const rowIds = new Float64Array(count);
  const messages = new Array<string>(count);
  let isSorted = true;
  for (let index = 0; index < count; index++) {
    const record = parts[index]!;
    const first = record.indexOf('\u0001');
    const second = record.indexOf('\u0001', first + 1);
    lines[index] = integerAt(record, 0, first);
    rowIds[index] = integerAt(record, first + 1, second);
    messages[index] = record.slice(second + 1);
    if (index > 0 && (lines[index]! < lines[index - 1]! || (lines[index] === lines[index - 1] && rowIds[index]! < rowIds[index - 1]!))) isSorted = false;
  }
  // A scan usually returns rows in table order, which is line order: sort only when not.
  if (isSorted) return { rowIds: rowIds.join(','), messages };
  const order = Array.from({ length: count }, (_, index) => index).sort((a, b) => lines[a]! - lines[b]! || rowIds[a]! - rowIds[b]!);
  return { rowIds: order.map((index) => rowIds[index]).join(','), messages: order.map((index) => messages[index]!) };
}

/** A decimal integer (optionally negative) in `text[start, end)`: cheaper than slicing and `Number`. */
function integerAt(text: string, start: number, end: number): number {
  let index = start;
  const isNegative = text.charCodeAt(index) === 45;
  if (isNegative) index++;
  let value = 0;
  for (; index < end; index++) value = value * 10 + (text.charCodeAt(index) - 48);
  return isNegative ? -value : value;
}

/** The batch's assignments as a temp table: row ids and pattern ids, each joined by `,`. */
export function buildMinedTableSql(rowIds: string, patternIds: string): SqlQuery {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${quoteIdent(minedTable)} AS
          SELECT unnest(string_split($rowIds, ',')::BIGINT[]) AS rid, unnest(string_split($patternIds, ',')::INTEGER[]) AS pattern_id`,
    params: { rowIds, patternIds },
  };
}

/** Writes the batch's pattern ids; the window lets DuckDB skip every other row group. */
export function buildAssignSql(dataset: string, w: BatchWindow): SqlQuery {
  const filter = windowFilter(w, 't');
  return {
    sql: `UPDATE ${table(dataset)} AS t SET ${pattern} = m.pattern_id FROM temp.${quoteIdent(minedTable)} m
          WHERE ${filter.sql} AND t.rowid = m.rid`,
    params: filter.params,
  };
}

/** Merges as a temp table, from pattern ids and the ids they were merged into (each joined by `,`). */
export function buildMergesTableSql(fromIds: string, intoIds: string): SqlQuery {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${quoteIdent(mergesTable)} AS
          SELECT unnest(string_split($fromIds, ',')::INTEGER[]) AS from_id, unnest(string_split($intoIds, ',')::INTEGER[]) AS into_id`,
    params: { fromIds, intoIds },
  };
}

/** Rows of merged templates take the surviving id. */
export function buildMergeRowsSql(dataset: string): SqlQuery {
  return {
    sql: `UPDATE ${table(dataset)} AS t SET ${pattern} = m.into_id FROM temp.${quoteIdent(mergesTable)} m WHERE t.${pattern} = m.from_id`,
    params: {},
  };
}

/** The merged templates' counts and times go to the survivors, and their rows go. */
export function buildMergeTemplatesSql(datasetId: number): SqlQuery[] {
  const merges = `temp.${quoteIdent(mergesTable)}`;
  return [
    {
      sql: `UPDATE logscope.pattern_templates AS p
            SET count = p.count + f.count, first_seen = least(p.first_seen, f.first_seen), last_seen = greatest(p.last_seen, f.last_seen)
            FROM (SELECT m.into_id, sum(q.count) AS count, min(q.first_seen) AS first_seen, max(q.last_seen) AS last_seen
                  FROM logscope.pattern_templates q JOIN ${merges} m ON q.pattern_id = m.from_id
                  WHERE q.dataset_id = $datasetId GROUP BY 1) f
            WHERE p.dataset_id = $datasetId AND p.pattern_id = f.into_id`,
      params: { datasetId },
    },
    {
      sql: `DELETE FROM logscope.pattern_templates WHERE dataset_id = $datasetId AND pattern_id IN (SELECT from_id FROM ${merges})`,
      params: { datasetId },
    },
  ];
}

export interface BatchTemplate {
  id: number;
  template: string;
  /** Rows of this batch. */
  count: number;
  /** A message of this batch, for a template seen for the first time. */
  example: string | null;
}

/** A batch's templates (new, grown or widened) as a temp table, from JSON. */
export function buildBatchTemplatesTableSql(templates: readonly BatchTemplate[]): SqlQuery {
  return {
    sql: `CREATE OR REPLACE TEMP TABLE ${quoteIdent(batchTemplatesTable)} AS
          SELECT unnest(from_json($rows, '[{"id":"INTEGER","template":"VARCHAR","count":"BIGINT","example":"VARCHAR"}]'), recursive := true)`,
    params: { rows: JSON.stringify(templates) },
  };
}

/** Existing templates take the new text and add the batch's rows; new ones are inserted. */
export function buildUpsertTemplatesSql(datasetId: number, now: Date): SqlQuery[] {
  const batch = `temp.${quoteIdent(batchTemplatesTable)}`;
  return [
    {
      sql: `UPDATE logscope.pattern_templates AS p SET template = b.template, count = p.count + b.count
            FROM ${batch} b WHERE p.dataset_id = $datasetId AND p.pattern_id = b.id`,
      params: { datasetId },
    },
    {
      sql: `INSERT INTO logscope.pattern_templates (dataset_id, pattern_id, template, example, count, first_seen, last_seen, created_at)
            SELECT $datasetId, b.id, b.template, b.example, b.count, NULL, NULL, $now::TIMESTAMP FROM ${batch} b
            WHERE NOT EXISTS (SELECT 1 FROM logscope.pattern_templates p WHERE p.dataset_id = $datasetId AND p.pattern_id = b.id)`,
      params: { datasetId, now: now.toISOString() },
    },
  ];
}

/**
 * Counts, first and last seen recomputed from the rows themselves, so they hold after
 * rows were removed (a source taken out) as well as after mining.
 */
export function buildRecountSql(datasetId: number, dataset: string, timeColumn: string | null): SqlQuery[] {
  const time = timeColumn ? quoteIdent(timeColumn) : null;
  return [
    { sql: `UPDATE logscope.pattern_templates SET count = 0, first_seen = NULL, last_seen = NULL WHERE dataset_id = $datasetId`, params: { datasetId } },
    {
      sql: `UPDATE logscope.pattern_templates AS p SET count = c.n, first_seen = c.first_seen, last_seen = c.last_seen
            FROM (SELECT ${pattern} AS id, count(*) AS n,
                         ${time ? `min(${time})::TIMESTAMP` : 'NULL::TIMESTAMP'} AS first_seen,
                         ${time ? `max(${time})::TIMESTAMP` : 'NULL::TIMESTAMP'} AS last_seen
                  FROM ${table(dataset)} WHERE ${pattern} IS NOT NULL GROUP BY 1) c
            WHERE p.dataset_id = $datasetId AND p.pattern_id = c.id`,
      params: { datasetId },
    },
  ];
}

/** Rows in total and rows with a pattern. */
export function buildProgressQuery(dataset: string): SqlQuery {
  return { sql: `SELECT count(*), count(${pattern}) FROM ${table(dataset)}`, params: {} };
}

/** Microseconds since the epoch, for `make_timestamp`, which DuckDB folds into a constant (so zone maps prune). */
const micros = (iso: string) => Date.parse(iso) * 1000;

export interface TimeWindow {
  from: string;
  to: string;
}

/** The range as long as `range` that ends where it starts. */
export function previousRange(range: TimeWindow): TimeWindow {
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  return { from: new Date(from - (to - from)).toISOString(), to: new Date(from).toISOString() };
}

/** Whole milliseconds per bucket so that `buckets` of them cover the range. */
export function sparklineBucketMs(range: TimeWindow, buckets: number): number {
  const span = Date.parse(range.to) - Date.parse(range.from);
  return Math.max(1, Math.ceil(span / Math.max(1, buckets)));
}

export interface PatternListSpec {
  datasetId: number;
  dataset: string;
  timeColumn: string | null;
  /** Count rows in this range (and the range before it); null counts the stored totals. */
  range: TimeWindow | null;
  search: string | null;
  offset: number;
  limit: number;
}

/**
 * One page of templates by count: the stored counts for the whole dataset, or counts in
 * a range with the counts of the range before it. Every row carries the number of
 * matching templates and the rows they cover (window aggregates), so one query answers.
 */
export function buildPatternListQuery(spec: PatternListSpec): SqlQuery {
  const search = spec.search ? ` AND p.template ILIKE '%' || $search || '%' ESCAPE '\\'` : '';
  const params: Record<string, string | number> = { datasetId: spec.datasetId, offset: spec.offset, limit: spec.limit };
  if (spec.search) params.search = escapeLike(spec.search);
  const columns = `p.pattern_id, p.template, c.n, p.first_seen, p.last_seen, p.example, c.previous, count(*) OVER (), sum(c.n) OVER ()`;
  if (spec.range === null || spec.timeColumn === null) {
    return {
      sql: `SELECT ${columns} FROM logscope.pattern_templates p, LATERAL (SELECT p.count AS n, NULL::BIGINT AS previous) c
            WHERE p.dataset_id = $datasetId AND p.count > 0${search}
            ORDER BY c.n DESC, p.pattern_id LIMIT $limit OFFSET $offset`,
      params,
    };
  }
  const time = quoteIdent(spec.timeColumn);
  const before = previousRange(spec.range);
  Object.assign(params, { fromUs: micros(spec.range.from), toUs: micros(spec.range.to), beforeUs: micros(before.from) });
  return {
    sql: `WITH c AS (
            SELECT ${pattern} AS id,
                   count(*) FILTER (WHERE ${time} >= make_timestamp($fromUs::BIGINT)) AS n,
                   count(*) FILTER (WHERE ${time} < make_timestamp($fromUs::BIGINT)) AS previous
            FROM ${table(spec.dataset)}
            WHERE ${pattern} IS NOT NULL AND ${time} >= make_timestamp($beforeUs::BIGINT) AND ${time} < make_timestamp($toUs::BIGINT)
            GROUP BY 1)
          SELECT ${columns} FROM c JOIN logscope.pattern_templates p ON p.dataset_id = $datasetId AND p.pattern_id = c.id
          WHERE c.n > 0${search}
          ORDER BY c.n DESC, p.pattern_id LIMIT $limit OFFSET $offset`,
    params,
  };
}

/** Rows in the range before `range` (any pattern or none): no rows there, no "new". */
export function buildRowsBeforeQuery(dataset: string, timeColumn: string, range: TimeWindow): SqlQuery {
  const time = quoteIdent(timeColumn);
  const before = previousRange(range);
  return {
    sql: `SELECT count(*) FROM ${table(dataset)} WHERE ${time} >= make_timestamp($fromUs::BIGINT) AND ${time} < make_timestamp($toUs::BIGINT)`,
    params: { fromUs: micros(before.from), toUs: micros(before.to) },
  };
}

/** Rows per bucket of each listed template across the range. */
export function buildSparklineQuery(dataset: string, timeColumn: string, range: TimeWindow, bucketMs: number, patternIds: readonly number[]): SqlQuery {
  const time = quoteIdent(timeColumn);
  return {
    sql: `SELECT ${pattern}, floor((epoch_ms(${time}) - $fromMs) / $bucketMs)::INTEGER AS bucket, count(*)
          FROM ${table(dataset)}
          WHERE ${pattern} IN (SELECT unnest(string_split($ids, ',')::INTEGER[]))
            AND ${time} >= make_timestamp($fromUs::BIGINT) AND ${time} < make_timestamp($toUs::BIGINT)
          GROUP BY 1, 2`,
    params: {
      ids: patternIds.join(','),
      fromMs: Date.parse(range.from),
      bucketMs,
      fromUs: micros(range.from),
      toUs: micros(range.to),
    },
  };
}

/** Each source's line span, for paging assignments in source and line order. */
export function buildLineSpansQuery(dataset: string): SqlQuery {
  return { sql: `SELECT ${source}, min(${line}), max(${line}) FROM ${table(dataset)} GROUP BY 1 ORDER BY 1`, params: {} };
}

/** One source's rows of lines `[from, to]`, with their pattern ids. */
export function buildAssignmentPageQuery(dataset: string, sourceId: number, from: number, to: number, hasPatternColumn = true): SqlQuery {
  return {
    sql: `SELECT ${line}, ${hasPatternColumn ? pattern : 'NULL::INTEGER'} FROM ${table(dataset)} WHERE ${source} = $sourceId AND ${line} BETWEEN $from AND $to ORDER BY ${line}`,
    params: { sourceId, from, to },
  };
}

/** A page of one template's rows (every column), in source and line order. */
export function buildPatternRowsQuery(spec: {
  dataset: string;
  patternId: number;
  timeColumn: string | null;
  range: TimeWindow | null;
  offset: number;
  limit: number;
}): { page: SqlQuery; count: SqlQuery } {
  const params: Record<string, number> = { patternId: spec.patternId };
  let where = `${pattern} = $patternId`;
  if (spec.range && spec.timeColumn) {
    const time = quoteIdent(spec.timeColumn);
    where += ` AND ${time} >= make_timestamp($fromUs::BIGINT) AND ${time} < make_timestamp($toUs::BIGINT)`;
    Object.assign(params, { fromUs: micros(spec.range.from), toUs: micros(spec.range.to) });
  }
  return {
    page: {
      sql: `SELECT * FROM ${table(spec.dataset)} WHERE ${where} ORDER BY ${source}, ${line} NULLS LAST, rowid LIMIT $limit OFFSET $offset`,
      params: { ...params, limit: spec.limit, offset: spec.offset },
    },
    count: { sql: `SELECT count(*) FROM ${table(spec.dataset)} WHERE ${where}`, params },
  };
}

/** `%`, `_` and `\` match themselves in the ILIKE of a search. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
