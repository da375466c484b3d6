import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import type { DatasetEngineLink, DatasetRecord } from '../catalog/datasets';
import { AppError } from '../../../shared/api/errors';
import type { Cell, ColumnInfo } from '../../../shared/api/contract';
import type { ChartPlan, FilterPlan } from '../../../shared/charts/sql';
import type { RowsSpec } from '../../../shared/charts/rows';
import type { RoleColumn } from '../../../shared/charts/spec';
import {
  buildClickHouseChartQuery,
  buildClickHouseKeyFiguresQuery,
  buildClickHouseHistogramWidthQuery,
  buildClickHousePatternCountsQuery,
  buildClickHouseRowsQueries,
  clickhouseCapabilities,
  histogramWidth,
  UnsupportedOnEngineError,
  type ClickHouseCapabilities,
} from '../../../shared/sql/dialect/charts';
import type { ClickHouseEngine } from './clickhouse';
import { TOP_PATTERNS } from '../../../shared/charts/patternsChart';

/** Rows a chart returns at most (a week of minutes is 10,080 buckets; the level chart has nine series). */
const chartMaxRows = 200_000;
/** Provenance columns: a pushed row's place in its import, the grid's tie-break (ClickHouse has no rowid). */
const importOrderColumns = ['_ls_source', '_ls_line'];

export interface EngineSide {
  engine: ClickHouseEngine;
  capabilities: ClickHouseCapabilities;
}

/**
 * Which datasets live in a ClickHouse table (`logscope.engine_datasets`), and the
 * dashboard's charts, grid and role samples of those datasets, run there through the
 * ClickHouse chart SQL (`shared/sql/dialect/charts.ts`). One engine per connection, opened
 * on first use and kept: eight charts per filter change should not each read the keychain
 * and build a client.
 */
export function createDatasetEngineService({
  db,
  events,
  clock,
  log,
  open,
}: {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /** Opens the named connection (the connection service's `open`), in another of its server's databases when named. */
  open: (connection: string, database?: string) => Promise<ClickHouseEngine>;
}) {
  const sides = new Map<string, Promise<EngineSide>>();

  /**
   * The engine of a connection, in the database of an attached table when it is not the
   * connection's own: the table's name then stays unqualified in every chart's SQL.
   */
  function side(connection: string, database: string | null = null): Promise<EngineSide> {
    const key = database === null ? connection : `${connection}\u0000${database}`;
    let cached = sides.get(key);
    if (!cached) {
      cached = (async () => {
        const engine = await open(connection, ...(database === null ? [] : [database]));
        try {
          return { engine, capabilities: clickhouseCapabilities((await engine.info()).version) };
        } catch (error) {
          await engine.close();
          throw error;
        }
      })();
      sides.set(key, cached);
      // A failed connection is tried again next time (the server may be back).
      cached.catch(() => sides.delete(key));
    }
    return cached;
  }

  function where(record: DatasetRecord): DatasetEngineLink {
    if (!record.engine) throw new AppError('internal', { message: `dataset ${record.name} is not on an engine` });
    return record.engine;
  }

  /** The engine side a dataset's statements run on. */
  const sideOf = (record: DatasetRecord) => side(where(record).connection, where(record).database);

  /**
   * Records that the dataset's rows live in `table` of the connection; its charts run there
   * from now on. An attached table names its database and is read-only.
   */
  async function link(datasetId: number, connection: string, table: string, attached?: { database: string }): Promise<void> {
    const catalog = await db.connection('catalog');
    await catalog.run(
      `INSERT INTO logscope.engine_datasets VALUES ($id, $connection, $table, $now::TIMESTAMP, $database, $readOnly)
       ON CONFLICT (dataset_id) DO UPDATE SET connection = excluded.connection, table_name = excluded.table_name, linked_at = excluded.linked_at,
         database_name = excluded.database_name, read_only = excluded.read_only`,
      { id: datasetId, connection, table, now: clock.now().toISOString(), database: attached?.database ?? null, readOnly: attached !== undefined },
    );
    log.info('dataset linked to engine', { datasetId, connection, table, ...(attached ? { database: attached.database, readOnly: true } : {}) });
    events.emit('datasets.changed', { reason: 'imported', datasetId });
  }

  async function run(record: DatasetRecord, sql: string, signal: AbortSignal, maxRows = chartMaxRows) {
    const { engine } = await sideOf(record);
    const result = await engine.query(sql, { signal, maxRows });
    if (result.truncated) throw new AppError('engine_query_failed', { serverCode: 0, message: `more than ${maxRows} rows` });
    return result;
  }

  /** A chart's rows as DuckDB's statement returns them: the chart's columns, then `covered`. */
  async function chart(record: DatasetRecord, plan: ChartPlan, signal: AbortSignal): Promise<Cell[][]> {
    const { table } = where(record);
    const { capabilities } = await sideOf(record);
    const options = { table, capabilities };
    try {
      if (plan.chart === 'patterns') return await patternsChart(record, plan, signal);
      let histogramWidthMs: number | undefined;
      if (plan.chart === 'histogram' && !plan.options.logScale) {
        const raw = (await run(record, buildClickHouseHistogramWidthQuery(plan, options), signal)).rows[0];
        // No positive duration: quantile is NULL in DuckDB, NaN (written as null) here.
        histogramWidthMs = histogramWidth(raw && Number(raw[1]) > 0 && raw[0] !== null ? Number(raw[0]) : null);
      }
      const query = buildClickHouseChartQuery(plan, { ...options, ...(histogramWidthMs === undefined ? {} : { histogramWidthMs }) });
      const { rows } = await run(record, query.sql, signal);
      if (query.covered !== 'column') {
        const column = query.covered.sum;
        const covered = rows.reduce((sum, row) => sum + Number(row[column] ?? 0), 0);
        for (const row of rows) row.push(covered);
      }
      return booleansAsDuckDb(plan, rows);
    } catch (error) {
      throw unsupported(error);
    }
  }

  /** The report's key figures (one row, DuckDB's order) from the server's rows. */
  async function keyFigures(record: DatasetRecord, plan: ChartPlan, signal: AbortSignal): Promise<Cell[]> {
    const { table } = where(record);
    const { capabilities } = await sideOf(record);
    try {
      const { rows } = await run(record, buildClickHouseKeyFiguresQuery(plan, { table, capabilities }), signal);
      return rows[0] ?? [];
    } catch (error) {
      throw unsupported(error);
    }
  }

  /**
   * The patterns chart as DuckDB's statement answers it (template, count, id, previous,
   * is_new, covered): counted on the server, named from the local template table.
   */
  async function patternsChart(record: DatasetRecord, plan: ChartPlan, signal: AbortSignal): Promise<Cell[][]> {
    const { table, readOnly } = where(record);
    // Pattern ids are a column Logscope writes; an attached table has none.
    if (readOnly) throw new AppError('patterns_unavailable_attached', { name: record.name });
    const { rows } = await run(record, buildClickHousePatternCountsQuery(plan, { table }), signal);
    const covered = rows.reduce((sum, row) => sum + Number(row[1]), 0);
    const top = rows.slice(0, TOP_PATTERNS);
    if (top.length === 0) return [];
    const catalog = await db.connection('catalog');
    const ids = top.map((row) => Number(row[0]));
    const { rows: named } = await catalog.all(
      `SELECT pattern_id, template FROM logscope.pattern_templates WHERE dataset_id = $datasetId AND list_contains(string_split($ids, ',')::INTEGER[], pattern_id)`,
      { datasetId: record.id, ids: ids.join(',') },
    );
    const templates = new Map(named.map(([id, template]) => [Number(id), String(template)]));
    return top.map(([id, n, previous, beforeRows]) => [
      templates.get(Number(id)) ?? '',
      Number(n),
      Number(id),
      Number(previous),
      Number(beforeRows) > 0 && Number(previous) === 0,
      covered,
    ]);
  }

  /** A statement of the app's own ClickHouse SQL over the dataset's table, by the pattern list. */
  async function query(record: DatasetRecord, sql: (table: string) => string, signal: AbortSignal): Promise<Cell[][]> {
    return (await run(record, sql(where(record).table), signal)).rows;
  }

  /** A page of the grid and the grid's count; columns named and typed as the local schema has them. */
  async function rows(
    record: DatasetRecord,
    plan: FilterPlan,
    spec: RowsSpec,
    page: { offset: number; limit: number },
    columns: readonly ColumnInfo[],
    signal: AbortSignal,
  ): Promise<{ columns: ColumnInfo[]; rows: Cell[][]; total: number }> {
    const { table } = where(record);
    const names = columns.map((c) => c.name);
    try {
      const queries = buildClickHouseRowsQueries(plan, spec, {
        table,
        columns: names,
        importOrder: importOrderColumns.filter((c) => names.includes(c)),
        ...page,
      });
      const [pageResult, count] = await Promise.all([run(record, queries.page, signal, page.limit), run(record, queries.count, signal)]);
      return { columns: [...columns], rows: pageResult.rows, total: Number(count.rows[0]?.[0] ?? 0) };
    } catch (error) {
      throw unsupported(error);
    }
  }

  /** Values of each column for role detection, from the rows where they are. */
  async function samples(record: DatasetRecord, columns: readonly RoleColumn[], limit: number): Promise<Cell[][]> {
    const { table } = where(record);
    const { engine } = await sideOf(record);
    const q = engine.dialect.quoteIdent;
    // STRUCT fields are JSON text there: sampled as NULL, so no role is guessed from them.
    const select = columns.map((c) => (c.path.length === 1 ? q(c.path[0]!) : 'NULL'));
    return (await engine.query(`SELECT ${select.join(', ')} FROM ${q(table)} LIMIT ${limit}`, { maxRows: limit })).rows;
  }

  return {
    link,
    chart,
    keyFigures,
    rows,
    samples,
    query,
    /** The SQL language a dataset's console runs. */
    side,
    async dispose() {
      const open = [...sides.values()];
      sides.clear();
      await Promise.all(open.map((s) => s.then((x) => x.engine.close(), () => undefined)));
    },
  };
}

export type DatasetEngineService = ReturnType<typeof createDatasetEngineService>;

/** DuckDB answers `other` and `whole_ms` as booleans; ClickHouse as 0/1 (and `whole_ms` per bin). */
function booleansAsDuckDb(plan: ChartPlan, rows: Cell[][]): Cell[][] {
  if (plan.chart === 'events') for (const row of rows) row[2] = row[2] === null ? null : Boolean(Number(row[2]));
  if (plan.chart === 'histogram') {
    const whole = rows.every((row) => Number(row[3]) === 1);
    for (const row of rows) row[3] = plan.options.logScale ? whole : false;
  }
  return rows;
}

function unsupported(error: unknown): unknown {
  if (error instanceof UnsupportedOnEngineError) return new AppError('engine_unsupported', { feature: error.feature }, { cause: error });
  return error;
}
