import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { Output, ParsedInput } from '../../../shared/api/contract';
import { checkSerializedQuery, unreadableTree, type ConfinementPolicy } from '../../../shared/sql/confine';
import { errorPosition, soleStatement } from '../../../shared/sql/statements';
import { CONSOLE_SERVER_ROWS, type HistoryEntry } from '../../../shared/api/contract/console';
import type { Clock } from '../clock';
import { quoteIdent } from '../../../shared/sql/quote';
import { toCsv, toJsonLines } from '../../../shared/charts/csv';
import { ROWS_EXPORT_LIMIT } from '../../../shared/charts/spec';
import { listDatasetRecords } from '../catalog/datasets';
import { catalogSchema } from '../catalog/migrations';
import type { ClickHouseEngine } from '../engine/clickhouse';
import type { Cell, ColumnInfo } from '../../../shared/api/contract';

/** Views in Logscope's schema that queries may read (each issue that adds one lists it here). */
export const queryableViews = new Set<string>(['sources', 'rejects', 'patterns']);

/** Results kept for paging; older ones are dropped. */
const keptResults = 8;

/** A result to page through: a temporary table on the query connection, or a server's rows held here. */
type KeptResult =
  | { where: 'duckdb'; table: string; columns: ColumnInfo[]; total: number }
  | { where: 'server'; columns: ColumnInfo[]; rows: Cell[][]; total: number };

/**
 * Read-only queries for the SQL console and `logscope query`. A query is checked on its
 * parse tree, then materialised once into a temporary table on the query connection,
 * so the grid can page through a stable result without running the query again.
 */
export function createQueryService({
  db,
  clock,
  engines,
}: {
  db: Db;
  clock: Clock;
  /**
   * Opens a named ClickHouse connection (kept open by its owner); its server confines the
   * console there. Absent where only the local database is queried (an engine's own tests).
   */
  engines?: { open: (connection: string) => Promise<ClickHouseEngine> };
}) {
  const results = new Map<string, KeptResult>();
  let nextResult = 1;

  async function policy(): Promise<ConfinementPolicy> {
    const catalog = await db.connection('catalog');
    const records = await listDatasetRecords(catalog);
    const { rows } = await catalog.all(`SELECT current_database()`);
    return {
      datasetTables: new Set(records.map((r) => r.name.toLowerCase())),
      views: queryableViews,
      viewSchema: catalogSchema,
      catalogName: String(rows[0]?.[0] ?? ''),
    };
  }

  /** Refuses anything but one SELECT over allowed tables; nothing is bound or run before this. */
  async function check(sql: string): Promise<void> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT json_serialize_sql($sql::VARCHAR)`, { sql });
    const verdict = checkSerializedQuery(String(rows[0]?.[0] ?? ''), await policy());
    // A statement DuckDB cannot parse is the user's typo, not a refusal: say so, and where.
    if (!verdict.ok && verdict.reason === 'parse_error' && verdict.detail !== unreadableTree) {
      const message = verdict.detail.replace(/^Parser Error:\s*/i, '');
      if (verdict.position === null) throw new AppError('query_syntax_unplaced', { message });
      const before = sql.slice(0, verdict.position).split('\n');
      throw new AppError('query_syntax', { message, position: verdict.position, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 });
    }
    if (!verdict.ok) {
      throw new AppError('query_refused', { reason: verdict.reason, detail: verdict.detail, position: verdict.position });
    }
  }

  async function run(input: ParsedInput<'query.run'>, signal: AbortSignal): Promise<Output<'query.run'>> {
    const started = performance.now();
    const sql = soleStatement(input.sql);
    const execute = () => (input.engine === null ? runChecked(sql, input.limit, started, signal) : runOnServer(input.engine, sql, input.limit, started, signal));
    if (!input.history) return execute();
    try {
      const result = await execute();
      await remember(sql, result.elapsedMs, result.total, null);
      return result;
    } catch (error) {
      await remember(sql, Math.round(performance.now() - started), null, error instanceof AppError ? error.code : 'internal');
      throw error;
    }
  }

  async function runChecked(sql: string, limit: number, started: number, signal: AbortSignal): Promise<Output<'query.run'>> {
    await check(sql);
    const connection = await db.connection('query');
    const resultId = String(nextResult++);
    const table = `_ls_result_${resultId}`;
    try {
      // A subquery also takes DESCRIBE and SUMMARIZE; the newlines keep a trailing
      // `-- comment` in the user's text from swallowing the closing parenthesis.
      await connection.run(`CREATE TEMP TABLE ${quoteIdent(table)} AS SELECT * FROM (\n${sql}\n)`, {}, signal);
    } catch (error) {
      if (error instanceof AppError) throw error;
      const full = duckdbMessage(error);
      // One line of Logscope's own comes before the user's statement; the excerpt DuckDB
      // appends ("LINE 2: … ^") becomes a position the editor marks.
      throw new AppError('query_failed', { message: withoutExcerpt(full), position: errorPosition(full, sql, 1) }, { cause: error });
    }
    const counted = await connection.all(`SELECT count(*) FROM temp.${quoteIdent(table)}`, {}, signal);
    const total = Number(counted.rows[0]?.[0] ?? 0);
    const first = await connection.all(`SELECT * FROM temp.${quoteIdent(table)} LIMIT $limit`, { limit }, signal);
    results.set(resultId, { where: 'duckdb', table, columns: first.columns, total });
    await forgetOldResults();
    return {
      resultId,
      columns: first.columns,
      total,
      rows: first.rows.map((row) => row.map(toCell)),
      elapsedMs: Math.round(performance.now() - started),
      truncated: false,
    };
  }

  /**
   * A statement in ClickHouse's own SQL, confined by the server itself: `readonly=1`, a time
   * limit and a row cap on the query (or the user's read-only profile), and `KILL QUERY`
   * when the signal aborts. Nothing is parsed here, since DuckDB's parser does not know that SQL.
   */
  async function runOnServer(connection: string, sql: string, limit: number, started: number, signal: AbortSignal): Promise<Output<'query.run'>> {
    const engine = await openEngine(connection);
    const result = await engine.query(sql, { signal, maxRows: CONSOLE_SERVER_ROWS });
    const resultId = String(nextResult++);
    results.set(resultId, { where: 'server', columns: result.columns, rows: result.rows, total: result.rows.length });
    await forgetOldResults();
    return {
      resultId,
      columns: result.columns,
      total: result.rows.length,
      rows: result.rows.slice(0, limit),
      elapsedMs: Math.round(performance.now() - started),
      truncated: result.truncated,
    };
  }

  function openEngine(connection: string): Promise<ClickHouseEngine> {
    if (!engines) throw new AppError('engine_not_found', { name: connection });
    return engines.open(connection);
  }

  /** Rows `offset` to `offset + limit` of a kept result. */
  async function keptRows(result: KeptResult, offset: number, limit: number, signal: AbortSignal): Promise<Cell[][]> {
    if (result.where === 'server') return result.rows.slice(offset, offset + limit);
    const connection = await db.connection('query');
    const { rows } = await connection.all(`SELECT * FROM temp.${quoteIdent(result.table)} LIMIT $limit OFFSET $offset`, { limit, offset }, signal);
    return rows.map((row) => row.map(toCell));
  }

  async function page(input: ParsedInput<'query.page'>, signal: AbortSignal): Promise<Output<'query.page'>> {
    const result = results.get(input.resultId);
    if (!result) throw new AppError('not_found', { what: 'query result', id: input.resultId });
    return { rows: await keptRows(result, input.offset, input.limit, signal), offset: input.offset, total: result.total };
  }

  async function exportResult(input: ParsedInput<'query.export'>, signal: AbortSignal): Promise<Output<'query.export'>> {
    const result = results.get(input.resultId);
    if (!result) throw new AppError('not_found', { what: 'query result', id: input.resultId });
    const rows = await keptRows(result, 0, ROWS_EXPORT_LIMIT + 1, signal);
    const cells = rows.slice(0, ROWS_EXPORT_LIMIT);
    const names = result.columns.map((c) => c.name);
    const bytes = Buffer.from(input.format === 'csv' ? toCsv(names, cells) : toJsonLines(names, cells), 'utf8');
    return {
      fileName: `query-${input.resultId}.${input.format}`,
      mimeType: input.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/jsonl;charset=utf-8',
      base64: bytes.toString('base64'),
      bytes: bytes.length,
      rows: cells.length,
      truncated: rows.length > ROWS_EXPORT_LIMIT,
    };
  }

  async function forgetOldResults() {
    const connection = await db.connection('query');
    while (results.size > keptResults) {
      const [oldest, result] = results.entries().next().value as [string, KeptResult];
      results.delete(oldest);
      if (result.where === 'duckdb') await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(result.table)}`);
    }
  }

  async function remember(sql: string, elapsedMs: number, rows: number | null, errorCode: string | null) {
    const catalog = await db.connection('catalog');
    await catalog.run(
      `INSERT INTO logscope.query_history (sql, ran_at, elapsed_ms, row_count, error_code) VALUES ($sql, $at::TIMESTAMP, $elapsed, $rows, $error)`,
      { sql, at: clock.now().toISOString(), elapsed: elapsedMs, rows, error: errorCode },
    );
    // A history, not an archive: keep the latest thousand.
    await catalog.run(`DELETE FROM logscope.query_history WHERE id <= (SELECT max(id) - 1000 FROM logscope.query_history)`);
  }

  async function history(limit: number): Promise<HistoryEntry[]> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT id, sql, ran_at, elapsed_ms, row_count, error_code FROM logscope.query_history ORDER BY id DESC LIMIT $limit`,
      { limit },
    );
    return rows.map((r) => ({
      id: Number(r[0]),
      sql: String(r[1]),
      ranAt: toCell(r[2]) as string,
      elapsedMs: r[3] === null ? null : Number(r[3]),
      rows: r[4] === null ? null : Number(r[4]),
      errorCode: r[5] === null ? null : String(r[5]),
    }));
  }

  /**
   * What completion offers and where queries run: on DuckDB, dataset tables and Logscope's
   * views with their columns and DuckDB's functions; on a ClickHouse connection, the tables
   * of its database (naming the dataset each linked one holds) and the server's functions.
   */
  async function schema(engine: string | null): Promise<Output<'query.schema'>> {
    if (engine !== null) return serverSchema(engine);
    const catalog = await db.connection('catalog');
    const datasets = new Set((await listDatasetRecords(catalog)).map((r) => r.name));
    const { rows } = await catalog.all(
      `SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND (schema_name = 'main' OR schema_name = $viewSchema)
       ORDER BY schema_name, table_name, column_index`,
      { viewSchema: catalogSchema },
    );
    const tables = new Map<string, Output<'query.schema'>['tables'][number]>();
    for (const [schemaName, tableName, column, type] of rows) {
      const name = String(tableName);
      const isDataset = schemaName === 'main' && datasets.has(name);
      const isView = schemaName === catalogSchema && queryableViews.has(name);
      if (!isDataset && !isView) continue;
      const key = `${String(schemaName)}.${name}`;
      let table = tables.get(key);
      if (!table) tables.set(key, (table = { name, schema: String(schemaName), kind: isDataset ? 'dataset' : 'view', dataset: null, columns: [] }));
      table.columns.push({ name: String(column), type: String(type) });
    }
    const functions = await catalog.all(
      `SELECT DISTINCT function_name FROM duckdb_functions() WHERE function_type IN ('scalar', 'aggregate', 'macro') AND NOT starts_with(function_name, '__') ORDER BY 1`,
    );
    const { rows: version } = await catalog.all(`SELECT version()`);
    return {
      engine: { connection: null, kind: 'duckdb', version: String(version[0]?.[0] ?? '').replace(/^v/, ''), database: null, dialect: 'DuckDB SQL' },
      tables: [...tables.values()],
      functions: functions.rows.map((r) => String(r[0])),
    };
  }

  async function serverSchema(connection: string): Promise<Output<'query.schema'>> {
    const engine = await openEngine(connection);
    const [info, tables, functions, database] = await Promise.all([
      engine.info(),
      engine.schema(),
      engine.query(`SELECT name FROM system.functions WHERE NOT startsWith(name, '_') ORDER BY name`, { maxRows: 100_000 }),
      engine.query(`SELECT currentDatabase()`),
    ]);
    const catalog = await db.connection('catalog');
    const linked = new Map(
      (await listDatasetRecords(catalog)).filter((r) => r.engine?.connection === connection).map((r) => [r.engine!.table, r.name] as const),
    );
    return {
      engine: { connection, kind: 'clickhouse', version: info.version, database: String(database.rows[0]?.[0] ?? ''), dialect: engine.dialect.label },
      tables: tables.map((t) => ({ name: t.name, schema: t.schema, kind: linked.has(t.name) ? 'dataset' : 'table', dataset: linked.get(t.name) ?? null, columns: t.columns })),
      functions: functions.rows.map((r) => String(r[0])),
    };
  }

  return { check, run, page, exportResult, history, schema };
}

export type QueryService = ReturnType<typeof createQueryService>;

export function duckdbMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}

/** The message on one line, without DuckDB's "LINE n: …" excerpt and caret. */
export function withoutExcerpt(message: string): string {
  return message.split(/\n\s*LINE \d+:/)[0]!.replace(/\s*\n\s*/g, ' ').trim();
}
