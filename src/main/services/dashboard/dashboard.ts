import type { Db, DbConnection } from '../db/database';
import { toCell } from '../db/cells';
import { buildKeyFiguresQuery } from '../../../shared/report/sql';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { datasetTable, getDatasetRecord, type DatasetRecord } from '../catalog/datasets';
import { duckdbMessage } from '../query/query';
import { AppError } from '../../../shared/api/errors';
import type { Cell, RowPage } from '../../../shared/api/schemas';
import type { Handlers } from '../../transport/rpc';
import { createTranslator } from '../../../shared/i18n/format';
import { flattenColumns, pathKey, samePath } from '../../../shared/charts/columns';
import { detectRoles, roleProblems, type Samples } from '../../../shared/charts/roles';
import { bucketKeyToUtc, bucketStarts } from '../../../shared/charts/buckets';
import { MissingColumnError, MissingRoleError, columnSql, endpointIndexKey, endpointIndexSelectSql, planChart, type ChartPlan, type ChartSource, type RoleTypes } from '../../../shared/charts/sql';
import { buildRowsCountQuery, buildRowsExportQuery, buildRowsPageQuery, planRows, type RowsSpec } from '../../../shared/charts/rows';
import { resolveSearch, searchedColumns } from '../../../shared/search/sql';
import { SearchError } from '../../../shared/search/query';
import { availableCharts, chartRegistry, missingRoles } from '../../../shared/charts/registry';
import { chartColumns } from '../../../shared/charts/queries';
import { chartScope, chartTitle, chartWhat, type Translate } from '../../../shared/charts/describe';
import { chartThemes } from '../../../shared/charts/theme';
import { toCsv, toJsonLines } from '../../../shared/charts/csv';
import { isValidTimeZone, formatZoned } from '../../../shared/charts/zone';
import { quoteIdent } from '../../../shared/sql/quote';
import { DurationUnit, Roles, type ChartExport, type ChartExportRequest, type ChartQuery, type ChartResult, type DashboardRoles, type RoleColumn, type RoleName, type RowsExport, type RowsExportRequest, type RowsQuery, type Search, type SearchCheck, ROWS_EXPORT_LIMIT } from '../../../shared/charts/spec';
import { roleNames } from '../../../shared/charts/names';
import { chartFontFamily, createChartRenderer, type ChartRenderer } from './render';
import type { DatasetEngineService } from '../engine/datasetEngines';
import { buildSummary, readSummary, summaryIsCurrent, type StoredSummary } from '../catalog/summaries';
import { buildSummaryChartQuery, summaryAnswers, summaryIsApproximate, summarySpec } from '../../../shared/charts/summary';

/** Rows read to guess column roles from values. */
const sampleRows = 1000;
/** Columns sampled at most (a dataset with thousands of columns still opens). */
const maxSampledColumns = 300;

export interface DashboardDeps {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  renderer?: ChartRenderer;
  /**
   * Connections charts run on at once: the shared 'dashboard' one plus this many minus one
   * of the service's own, so one slow chart (latency percentiles) does not hold up the rest.
   */
  connections?: number;
  /** Runs the charts, grid and samples of datasets whose rows live in ClickHouse (issue 21). */
  engines?: Pick<DatasetEngineService, 'chart' | 'keyFigures' | 'rows' | 'samples'>;
  /**
   * Whether time-only charts read the per-minute summary tables (default); the scale bench
   * turns them off to measure the scan beside them.
   */
  summaries?: boolean;
  /**
   * How many times fewer rows the summary must have than the dataset for charts to read it
   * (default 4). A sparse log has nearly a summary row per row (a week of 500 k rows gave
   * 319 k), and reading that is no faster than the scan.
   */
  summaryMinReduction?: number;
}

interface DatasetContext {
  record: DatasetRecord;
  columns: RoleColumn[];
  roles: Roles;
  detected: Roles;
  custom: boolean;
  types: RoleTypes;
}

export function createDashboardService(deps: DashboardDeps) {
  const { db, events, clock, log } = deps;
  const renderer = deps.renderer ?? createChartRenderer();
  const poolSize = Math.max(1, deps.connections ?? 2);
  const pool: { connection: Promise<DbConnection>; pending: number; owned: boolean }[] = [];
  const detectedCache = new Map<number, { key: string; roles: Roles }>();
  /**
   * A dataset's record, columns and roles change only through this process (an import, a
   * rename, a delete: each announced by `datasets.changed`; roles through `setRoles`), so
   * they are read once, not by each of the eight charts of every filter change.
   */
  const contexts = new Map<number, Promise<DatasetContext>>();
  const indexes = new Map<number, string>();
  /** Bumped whenever a dataset changes, so work started before the change is not cached after it. */
  const generations = new Map<number, number>();
  const generation = (datasetId: number) => generations.get(datasetId) ?? 0;
  const indexBuilds = new Map<number, Promise<string>>();
  const translators = new Map<'ko' | 'en', Translate>();
  const useSummaries = deps.summaries ?? true;
  /** A dataset's summary as last read from the catalogue (forgotten with its context). */
  const summaries = new Map<number, Promise<StoredSummary | null>>();
  const summaryBuilds = new Map<number, Promise<void>>();
  const stopBuilds = new AbortController();

  /**
   * Progress is only read by imports; tracking it cost the dashboard's statements 6% (the
   * same SQL, interleaved on two connections of one database, 5 M rows).
   */
  function connectionFor(): (typeof pool)[number] {
    if (pool.length === 0) pool.push({ connection: db.connection('dashboard'), pending: 0, owned: false });
    let best = pool.reduce((a, b) => (b.pending < a.pending ? b : a));
    if (best.pending > 0 && pool.length < poolSize) {
      best = { connection: db.connect(), pending: 0, owned: true };
      pool.push(best);
    }
    return best;
  }

  /**
   * Where a dataset's rows are: the engine side when the catalogue links it to a ClickHouse
   * table, else null (this file's DuckDB statements). Charts, the grid and samples ask here.
   */
  function engineOf(record: DatasetRecord) {
    if (!record.engine) return null;
    if (!deps.engines) throw new AppError('internal', { message: `no engine service for dataset ${record.name}` });
    return deps.engines;
  }

  async function runChartSql(sql: string, params: Record<string, string | number | boolean | null>, signal: AbortSignal) {
    const slot = connectionFor();
    slot.pending++;
    try {
      return await (await slot.connection).all(sql, params, signal);
    } finally {
      slot.pending--;
    }
  }

  // ---------------------------------------------------------------------------- roles

  async function datasetColumns(record: DatasetRecord): Promise<RoleColumn[]> {
    return flattenColumns(await datasetTopColumns(record));
  }

  /** The dataset's own columns (not STRUCT fields) as the local schema types them. */
  async function datasetTopColumns(record: DatasetRecord) {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table ORDER BY column_index`,
      { table: record.name },
    );
    return rows.map(([name, type]) => ({ name: String(name), type: String(type) }));
  }

  async function samples(record: DatasetRecord, columns: RoleColumn[]): Promise<Samples> {
    const sampled = columns.slice(0, maxSampledColumns);
    if (sampled.length === 0) return new Map();
    const engine = engineOf(record);
    if (engine) {
      const remote = await engine.samples(record, sampled, sampleRows);
      return new Map(sampled.map((column, i) => [pathKey(column.path), remote.map((row) => row[i] ?? null)]));
    }
    const connection = await db.connection('dashboard');
    const { rows } = await connection.all(
      `SELECT ${sampled.map((c) => columnSql(c.path)).join(', ')} FROM ${datasetTable(record.name)} LIMIT ${sampleRows}`,
    );
    return new Map(sampled.map((column, i) => [pathKey(column.path), rows.map((row) => toCell(row[i]))]));
  }

  /** Duration units the importer knew from the log format. */
  async function recordedUnits(datasetId: number): Promise<Map<string, DurationUnit>> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT column_name, unit FROM logscope.column_units WHERE dataset_id = $id`, { id: datasetId });
    const units = new Map<string, DurationUnit>();
    for (const [column, unit] of rows) {
      const parsed = DurationUnit.safeParse(unit);
      if (parsed.success) units.set(String(column), parsed.data);
    }
    return units;
  }

  async function storedRoles(datasetId: number): Promise<Roles | null> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(`SELECT roles FROM logscope.dashboard_roles WHERE dataset_id = $id`, { id: datasetId });
    if (!rows[0]) return null;
    const parsed = Roles.safeParse(JSON.parse(String(rows[0][0])));
    if (!parsed.success) log.warn('stored dashboard roles unreadable', { datasetId });
    return parsed.success ? parsed.data : null;
  }

  function context(datasetId: number): Promise<DatasetContext> {
    let cached = contexts.get(datasetId);
    if (!cached) {
      const reading = readContext(datasetId);
      cached = reading;
      contexts.set(datasetId, reading);
      reading.catch(() => {
        if (contexts.get(datasetId) === reading) contexts.delete(datasetId);
      });
    }
    return cached;
  }

  function forget(datasetId: number | null) {
    for (const id of datasetId === null ? [...new Set([...contexts.keys(), ...indexes.keys()])] : [datasetId]) {
      contexts.delete(id);
      indexes.delete(id);
      summaries.delete(id);
      generations.set(id, generation(id) + 1);
    }
  }

  async function readContext(datasetId: number): Promise<DatasetContext> {
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, datasetId);
    const columns = await datasetColumns(record);
    const cacheKey = JSON.stringify([record.name, record.rowCount, record.timeColumn, columns]);
    let detected = detectedCache.get(datasetId)?.key === cacheKey ? detectedCache.get(datasetId)!.roles : null;
    if (!detected) {
      detected = detectRoles({ columns, samples: await samples(record, columns), timeColumn: record.timeColumn, units: await recordedUnits(record.id) });
      detectedCache.set(datasetId, { key: cacheKey, roles: detected });
    }
    const stored = await storedRoles(datasetId);
    let roles = stored ?? detected;
    if (stored) {
      // Columns can change under a saved choice (a later import widens or drops one): a
      // role whose column no longer fits falls back to nothing rather than failing charts.
      for (const problem of roleProblems(stored, columns)) {
        roles = problem.role === 'duration' ? { ...roles, duration: null } : { ...roles, [problem.role]: null };
      }
    }
    const types: RoleTypes = {};
    for (const role of roleNames) {
      const path = role === 'duration' ? roles.duration?.column : roles[role];
      const column = path ? columns.find((c) => samePath(c.path, path)) : undefined;
      if (column) types[role] = column.type;
    }
    return { record, columns, roles, detected, custom: stored !== null, types };
  }

  const rolesOutput = (ctx: DatasetContext): DashboardRoles => ({
    datasetId: ctx.record.id,
    roles: ctx.roles,
    detected: ctx.detected,
    custom: ctx.custom,
    columns: ctx.columns,
    charts: availableCharts(ctx.roles),
  });

  async function getRoles(datasetId: number): Promise<DashboardRoles> {
    return rolesOutput(await context(datasetId));
  }

  async function setRoles(datasetId: number, roles: Roles | null): Promise<DashboardRoles> {
    forget(datasetId);
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, datasetId);
    if (roles === null) {
      await catalog.run(`DELETE FROM logscope.dashboard_roles WHERE dataset_id = $id`, { id: datasetId });
    } else {
      const problem = roleProblems(roles, await datasetColumns(record))[0];
      if (problem) throw new AppError('role_column_invalid', { role: problem.role, column: problem.column });
      await catalog.run(
        `INSERT INTO logscope.dashboard_roles VALUES ($id, $roles, $now::TIMESTAMP)
         ON CONFLICT (dataset_id) DO UPDATE SET roles = excluded.roles, updated_at = excluded.updated_at`,
        { id: datasetId, roles: JSON.stringify(roles), now: clock.now().toISOString() },
      );
    }
    forget(datasetId);
    return getRoles(datasetId);
  }

  // ------------------------------------------------------------------ endpoint index

  const indexTable = (datasetId: number) => `endpoint_index_${datasetId}`;

  /**
   * The dataset's folded endpoints, one row per dataset row in the same order, built once
   * (about 4 s for 5 M rows on two cores) on a connection of its own, and rebuilt when the
   * rows or the endpoint column change. Charts read it with POSITIONAL JOIN (0.05–0.3 s
   * where folding inline took 3–4 s).
   */
  async function endpointIndex(ctx: DatasetContext, signal: AbortSignal): Promise<string | null> {
    if (!ctx.roles.endpoint) return null;
    const known = indexes.get(ctx.record.id);
    if (known) return known;
    const columnKey = endpointIndexKey(ctx.roles, ctx.types);
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT i.table_name FROM logscope.endpoint_indexes i
       JOIN duckdb_tables() t ON t.schema_name = 'logscope' AND t.table_name = i.table_name AND t.database_name = current_database()
       WHERE i.dataset_id = $id AND i.endpoint_column = $column AND i.row_count = $rows`,
      { id: ctx.record.id, column: columnKey, rows: ctx.record.rowCount },
    );
    if (rows[0]) {
      const table = `logscope.${quoteIdent(String(rows[0][0]))}`;
      indexes.set(ctx.record.id, table);
      return table;
    }

    let build = indexBuilds.get(ctx.record.id);
    if (!build) {
      build = buildEndpointIndex(ctx, columnKey).finally(() => indexBuilds.delete(ctx.record.id));
      indexBuilds.set(ctx.record.id, build);
    }
    // A cancelled chart stops waiting; the build goes on for the next one.
    const started = generation(ctx.record.id);
    return await new Promise<string>((resolve, reject) => {
      const onAbort = () => reject(new AppError('cancelled'));
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      build
        .then((table) => {
          // Remembered only if nothing changed the dataset while it was built.
          if (generation(ctx.record.id) === started) indexes.set(ctx.record.id, table);
          resolve(table);
        }, reject)
        .finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  async function buildEndpointIndex(ctx: DatasetContext, columnKey: string): Promise<string> {
    const started = performance.now();
    const table = indexTable(ctx.record.id);
    const select = endpointIndexSelectSql(ctx.roles, ctx.types)!;
    const connection = await db.connect();
    try {
      await connection.run(`CREATE OR REPLACE TABLE logscope.${quoteIdent(table)} AS SELECT ${select} FROM ${datasetTable(ctx.record.name)}`);
      const catalog = await db.connection('catalog');
      await catalog.run(
        `INSERT INTO logscope.endpoint_indexes VALUES ($id, $table, $column, $rows, $now::TIMESTAMP)
         ON CONFLICT (dataset_id) DO UPDATE SET table_name = excluded.table_name, endpoint_column = excluded.endpoint_column,
           row_count = excluded.row_count, built_at = excluded.built_at`,
        { id: ctx.record.id, table, column: columnKey, rows: ctx.record.rowCount, now: clock.now().toISOString() },
      );
      log.info('endpoint index built', { datasetId: ctx.record.id, rows: ctx.record.rowCount, ms: Math.round(performance.now() - started) });
      return `logscope.${quoteIdent(table)}`;
    } finally {
      await connection.dispose();
    }
  }

  async function dropDatasetState(datasetId: number, reason: string) {
    detectedCache.delete(datasetId);
    const catalog = await db.connection('catalog');
    await catalog.run(`DELETE FROM logscope.endpoint_indexes WHERE dataset_id = $id`, { id: datasetId });
    await catalog.run(`DROP TABLE IF EXISTS logscope.${quoteIdent(indexTable(datasetId))}`);
    if (reason === 'deleted') await catalog.run(`DELETE FROM logscope.dashboard_roles WHERE dataset_id = $id`, { id: datasetId });
  }

  const unsubscribe = events.on('datasets.changed', ({ reason, datasetId }) => {
    forget(datasetId);
    if (datasetId === null || (reason !== 'imported' && reason !== 'deleted')) return;
    dropDatasetState(datasetId, reason).catch((error: unknown) => log.error('could not drop dashboard state', { datasetId, error }));
  });

  // --------------------------------------------------------------------------- charts

  async function planFor(query: ChartQuery, signal: AbortSignal): Promise<{ plan: ChartPlan; ctx: DatasetContext }> {
    if (!isValidTimeZone(query.zone)) throw new AppError('timezone_invalid', { zone: query.zone });
    const ctx = await context(query.datasetId);
    const missing = missingRoles(query.chart, ctx.roles);
    if (missing.length) throw new AppError('chart_roles_missing', { chart: query.chart, role: missing[0]! });
    const needsIndex = query.chart === 'top-endpoints' || query.chart === 'slow-endpoints' || query.filters.some((f) => f.field === 'endpoint');
    const source = await chartSource(ctx, needsIndex, signal);
    return { plan: planChart(query, source), ctx };
  }

  async function chart(query: ChartQuery, signal: AbortSignal): Promise<ChartResult> {
    const started = performance.now();
    const { plan, ctx } = await planFor(query, signal);
    if (query.search?.regex) await checkPattern(query.search.text, signal);
    const engine = engineOf(ctx.record);
    if (engine) {
      const remote = await worded(ctx.record.name, query.chart, engine.chart(ctx.record, plan, signal));
      return toResult(plan, remote, Math.round(performance.now() - started));
    }
    const summary = await summaryFor(ctx, plan);
    let sql;
    try {
      sql = summary ? buildSummaryChartQuery(plan, summary.spec, summary.table) : chartRegistry[query.chart].buildQuery(plan);
    } catch (error) {
      throw planError(error, ctx.record.name, query.chart);
    }
    let raw;
    try {
      raw = await runChartSql(sql.sql, sql.params, signal);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('query_failed', { message: duckdbMessage(error) }, { cause: error });
    }
    return toResult(plan, raw.rows, Math.round(performance.now() - started), summary !== null && summaryIsApproximate(query.chart));
  }

  // ------------------------------------------------------------------------ summaries

  /**
   * The dataset's per-minute summary when it can answer this chart (time-only filter state,
   * whole-minute buckets, built for the current roles and up to the current row count);
   * else null, and the chart scans. A missing or outdated summary is built in the
   * background, so the next chart reads it.
   */
  async function summaryFor(ctx: DatasetContext, plan: ChartPlan): Promise<StoredSummary | null> {
    const spec = summarySpec(ctx.roles, ctx.types);
    if (!useSummaries || !spec) return null;
    const stored = await currentSummary(ctx.record.id);
    if (!summaryIsCurrent(stored, ctx.record, spec)) {
      void prepareSummary(ctx.record.id).catch((error: unknown) => log.error('could not build the dashboard summary', { datasetId: ctx.record.id, error }));
      return null;
    }
    if (stored.summaryRows * (deps.summaryMinReduction ?? 4) > ctx.record.rowCount) return null;
    return summaryAnswers(plan, stored.spec) ? stored : null;
  }

  function currentSummary(datasetId: number): Promise<StoredSummary | null> {
    let cached = summaries.get(datasetId);
    if (!cached) {
      cached = db.connection('catalog').then((catalog) => readSummary(catalog, datasetId));
      summaries.set(datasetId, cached);
      cached.catch(() => summaries.delete(datasetId));
    }
    return cached;
  }

  /**
   * Builds the dataset's summary for its current roles unless one is current already (one
   * pass over the rows, on a connection of its own); imports keep it current from then on.
   */
  function prepareSummary(datasetId: number): Promise<void> {
    let build = summaryBuilds.get(datasetId);
    if (!build) {
      build = (async () => {
        const ctx = await context(datasetId);
        const spec = summarySpec(ctx.roles, ctx.types);
        if (!useSummaries || !spec || ctx.record.engine) return;
        const stored = await currentSummary(datasetId);
        if (summaryIsCurrent(stored, ctx.record, spec)) return;
        const started = performance.now();
        const connection = await db.connect();
        try {
          await connection.transaction((tx) => buildSummary(tx, ctx.record, spec, clock.now()), stopBuilds.signal);
        } finally {
          await connection.dispose();
        }
        summaries.delete(datasetId);
        log.info('dashboard summary built', { datasetId, rows: ctx.record.rowCount, ms: Math.round(performance.now() - started) });
      })().finally(() => summaryBuilds.delete(datasetId));
      summaryBuilds.set(datasetId, build);
    }
    return build;
  }

  function toResult(plan: ChartPlan, rawRows: unknown[][], elapsedMs: number, approximate = false): ChartResult {
    const width = chartColumns[plan.chart].length;
    let covered = 0;
    const rows: Cell[][] = rawRows.map((raw) => {
      const cells = raw.map(toCell);
      covered = Number(cells[width] ?? covered);
      return cells.slice(0, width);
    });
    const isTime = chartRegistry[plan.chart].isTimeSeries;
    let buckets: number[] | null = null;
    if (isTime && plan.bucketMs !== null && plan.bucketMode !== null && plan.fromMs !== null && plan.toMs !== null) {
      for (const row of rows) if (row[0] !== null) row[0] = bucketKeyToUtc(Number(row[0]), plan.bucketMode, plan.segments);
      buckets = bucketStarts(plan.fromMs, plan.toMs, plan.bucketMs, plan.segments);
    }
    return {
      chart: plan.chart,
      columns: [...chartColumns[plan.chart]],
      rows,
      buckets,
      bucketMs: isTime ? plan.bucketMs : null,
      range: plan.fromMs !== null && plan.toMs !== null ? { from: new Date(plan.fromMs).toISOString(), to: new Date(plan.toMs).toISOString() } : null,
      zoneOffsets: plan.segments.map((s) => [s.startMs, s.endMs, s.offsetMs] as [number, number, number]),
      covered,
      basis: plan.basis,
      durationUnit: plan.source.roles.duration?.unit ?? null,
      approximate,
      elapsedMs,
    };
  }

  // ----------------------------------------------------------------------------- rows

  /** What the SQL builders know of a dataset; the endpoint index only when the query needs it. */
  async function chartSource(ctx: Awaited<ReturnType<typeof context>>, needsIndex: boolean, signal: AbortSignal): Promise<ChartSource> {
    return {
      table: ctx.record.name,
      roles: ctx.roles,
      types: ctx.types,
      timeMin: ctx.record.timeMin,
      timeMax: ctx.record.timeMax,
      // A ClickHouse dataset folds endpoints in its own SQL; the index is a local table.
      endpointIndex: needsIndex && !ctx.record.engine ? await endpointIndex(ctx, signal) : null,
      columns: ctx.columns,
    };
  }

  async function rowsPlan(query: Omit<RowsQuery, 'offset' | 'limit'>, signal: AbortSignal) {
    if (!isValidTimeZone(query.zone)) throw new AppError('timezone_invalid', { zone: query.zone });
    const ctx = await context(query.datasetId);
    const needsIndex = query.filters.some((f) => f.field === 'endpoint');
    const source = await chartSource(ctx, needsIndex, signal);
    for (const search of [query.search, query.quick]) if (search?.regex) await checkPattern(search.text, signal);
    const plan = planRows(query, source);
    const spec: RowsSpec = { quick: query.quick, sort: query.sort };
    return { plan, spec, ctx };
  }

  /** Runs a rows statement; a search or filter the dataset cannot take is worded, not a failed query. */
  async function runRows(datasetName: string, build: () => { sql: string; params: Record<string, string | number | boolean | null> }, signal: AbortSignal) {
    let query;
    try {
      query = build();
    } catch (error) {
      throw planError(error, datasetName, 'rows');
    }
    try {
      return await runChartSql(query.sql, query.params, signal);
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('query_failed', { message: duckdbMessage(error) }, { cause: error });
    }
  }

  async function rows(query: RowsQuery, signal: AbortSignal): Promise<RowPage> {
    const { plan, spec, ctx } = await rowsPlan(query, signal);
    const engine = engineOf(ctx.record);
    if (engine) {
      const topLevel = await datasetTopColumns(ctx.record);
      const remote = await worded(ctx.record.name, 'rows', engine.rows(ctx.record, plan, spec, { offset: query.offset, limit: query.limit }, topLevel, signal));
      return { columns: remote.columns, rows: remote.rows, offset: query.offset, total: remote.total };
    }
    const [page, count] = await Promise.all([
      runRows(ctx.record.name, () => buildRowsPageQuery(plan, spec, { offset: query.offset, limit: query.limit }), signal),
      runRows(ctx.record.name, () => buildRowsCountQuery(plan, spec), signal),
    ]);
    return { columns: page.columns, rows: page.rows.map((row) => row.map(toCell)), offset: query.offset, total: Number(count.rows[0]?.[0] ?? 0) };
  }

  async function exportRows(request: RowsExportRequest, signal: AbortSignal): Promise<RowsExport> {
    const { plan, spec, ctx } = await rowsPlan(request, signal);
    const engine = engineOf(ctx.record);
    const result = engine
      ? await worded(ctx.record.name, 'rows', engine.rows(ctx.record, plan, spec, { offset: 0, limit: ROWS_EXPORT_LIMIT + 1 }, await datasetTopColumns(ctx.record), signal))
      : await runRows(ctx.record.name, () => buildRowsExportQuery(plan, spec, ROWS_EXPORT_LIMIT + 1), signal);
    const truncated = result.rows.length > ROWS_EXPORT_LIMIT;
    const cells = result.rows.slice(0, ROWS_EXPORT_LIMIT).map((row) => row.map(toCell));
    const names = result.columns.map((c) => c.name);
    const text = request.format === 'csv' ? toCsv(names, cells) : toJsonLines(names, cells);
    const bytes = Buffer.from(text, 'utf8');
    const base = `${ctx.record.name}-rows`.replace(/[\\/:*?"<>|\s]+/g, '_');
    return {
      fileName: `${base}.${request.format === 'csv' ? 'csv' : 'jsonl'}`,
      mimeType: request.format === 'csv' ? 'text/csv;charset=utf-8' : 'application/jsonl;charset=utf-8',
      base64: bytes.toString('base64'),
      bytes: bytes.length,
      rows: cells.length,
      truncated,
    };
  }

  // --------------------------------------------------------------------------- search

  /** DuckDB compiles the pattern (RE2, as the charts will): an invalid one is worded here, before any chart runs it. */
  async function checkPattern(pattern: string, signal: AbortSignal) {
    try {
      await runChartSql(`SELECT regexp_matches('', $pattern)`, { pattern }, signal);
    } catch (error) {
      throw new AppError('search_pattern_invalid', { message: duckdbMessage(error) }, { cause: error });
    }
  }

  async function checkSearch(datasetId: number, search: Search, signal: AbortSignal): Promise<SearchCheck> {
    const ctx = await context(datasetId);
    try {
      const resolved = resolveSearch(search, ctx.columns, ctx.roles);
      if (search.regex) await checkPattern(search.text, signal);
      return { ok: true, columns: searchedColumns(resolved) };
    } catch (error) {
      const worded = planError(error, ctx.record.name, 'search');
      if (worded instanceof AppError) return { ok: false, code: worded.code, params: worded.params as Record<string, string | number> };
      throw error;
    }
  }

  /** The SQL of a chart as the service would run it (the benchmark runs it bare, too). */
  /** A chart's plan as the service makes it (the ClickHouse bench builds that engine's SQL from it, to run it bare). */
  async function chartPlan(query: ChartQuery, signal: AbortSignal): Promise<ChartPlan> {
    return (await planFor(query, signal)).plan;
  }

  async function chartSql(query: ChartQuery, signal: AbortSignal) {
    const { plan } = await planFor(query, signal);
    return chartRegistry[query.chart].buildQuery(plan);
  }

  // -------------------------------------------------------------------------- exports

  function translator(language: 'ko' | 'en'): Translate {
    let t = translators.get(language);
    if (!t) {
      const instance = createTranslator(language);
      t = (key, params) => instance.t(key, params as never) as unknown as string;
      translators.set(language, t);
    }
    return t;
  }

  async function exportChart(request: ChartExportRequest, signal: AbortSignal): Promise<ChartExport> {
    const query = request.query;
    const result = await chart(query, signal);
    const ctx = await context(query.datasetId);
    const t = translator(request.language);
    const definition = chartRegistry[query.chart];
    const base = fileBase(ctx.record.name, query.chart, result, query.zone);
    const about = { covered: result.covered, range: result.range };
    if (request.format === 'csv') {
      const table = definition.toTable(result, t);
      const bytes = Buffer.from(toCsv(table.columns, table.rows), 'utf8');
      return { fileName: `${base}.csv`, mimeType: 'text/csv;charset=utf-8', base64: bytes.toString('base64'), bytes: bytes.length, width: null, height: null, ...about };
    }
    const theme = chartThemes[request.theme];
    const title = chartTitle(t, query.chart, result);
    const subtitle = `${chartWhat(t, query.chart, result, ctx.roles, query.zone)}\n${chartScope(t, request.language, query, result)}`;
    const option = definition.toOption(result, {
      t,
      language: request.language,
      zone: query.zone,
      theme,
      interactive: false,
      fontFamily: chartFontFamily,
      heading: { title: `${ctx.record.name} · ${title}`, subtitle },
      width: request.width,
    });
    const svg = await renderer.svg(option, { width: request.width, height: request.height });
    if (request.format === 'svg') {
      const bytes = Buffer.from(svg, 'utf8');
      return { fileName: `${base}.svg`, mimeType: 'image/svg+xml', base64: bytes.toString('base64'), bytes: bytes.length, width: request.width, height: request.height, ...about };
    }
    const png = await renderer.png(svg, { scale: request.scale, background: theme.background });
    return { fileName: `${base}.png`, mimeType: 'image/png', base64: png.png.toString('base64'), bytes: png.png.length, width: png.width, height: png.height, ...about };
  }

  /**
   * What the chart builder (`custom.ts`) plans over: the dataset's columns and the same
   * source as the standard charts (the endpoint index only when a filter chip needs it).
   */
  /**
   * The report's key figures of a plan (`events, errors, error_base, p50, p95, p99, clients`),
   * where the dataset's rows live: a ClickHouse dataset's local copy may lag the server's.
   */
  async function keyFigures(datasetId: number, plan: ChartPlan, signal: AbortSignal): Promise<Cell[]> {
    const ctx = await context(datasetId);
    const engine = engineOf(ctx.record);
    if (engine) return engine.keyFigures(ctx.record, plan, signal);
    const query = buildKeyFiguresQuery(plan);
    return ((await runChartSql(query.sql, query.params, signal)).rows[0] ?? []).map(toCell);
  }

  async function builderSource(datasetId: number, filters: ChartQuery['filters'], signal: AbortSignal) {
    const ctx = await context(datasetId);
    const needsIndex = filters.some((f) => f.field === 'endpoint');
    const source = await chartSource(ctx, needsIndex, signal);
    return { source, datasetName: ctx.record.name };
  }

  return {
    roles: getRoles,
    setRoles,
    chart,
    chartSql,
    chartPlan,
    exportChart,
    rows,
    exportRows,
    checkSearch,
    builderSource,
    keyFigures,
    /** Runs a chart's statement on the dashboard's connections (custom charts share them). */
    runChartSql,
    renderer,
    translator,
    prepareSummary,
    async dispose() {
      unsubscribe();
      stopBuilds.abort();
      await Promise.allSettled([...summaryBuilds.values()]);
      for (const slot of pool) if (slot.owned) void slot.connection.then((c) => c.dispose());
      pool.length = 0;
    },
  };
}

export type DashboardService = ReturnType<typeof createDashboardService>;

/** An engine's answer, with what its SQL builders refused (a search, a missing column) worded as DuckDB's are. */
async function worded<T>(dataset: string, chart: string, answer: Promise<T>): Promise<T> {
  try {
    return await answer;
  } catch (error) {
    throw planError(error, dataset, chart);
  }
}

/** What planning a chart or the grid refuses, as the error the UI words. */
function planError(error: unknown, dataset: string, chart: string): unknown {
  if (error instanceof MissingRoleError) return new AppError('chart_roles_missing', { chart, role: error.role }, { cause: error });
  if (error instanceof SearchError) return new AppError(error.code, error.params, { cause: error });
  if (error instanceof MissingColumnError) return new AppError('filter_column_missing', { column: error.column, dataset }, { cause: error });
  return error;
}

/** `demo_service-events-20240304-0900-20240311-0859`: what and when, in the chart's zone. */
function fileBase(dataset: string, chart: string, result: ChartResult, zone: string): string {
  const stamp = (ms: number) => formatZoned(ms, zone, 'minute').replace(/[-:]/g, '').replace(' ', '-');
  const range = result.range ? `-${stamp(Date.parse(result.range.from))}-${stamp(Date.parse(result.range.to) - 1)}` : '';
  return `${dataset}-${chart}${range}`.replace(/[\\/:*?"<>|\s]+/g, '_');
}

export function createDashboardHandlers(
  dashboard: DashboardService,
): Pick<Handlers, 'dashboard.roles' | 'dashboard.setRoles' | 'dashboard.chart' | 'dashboard.export' | 'dashboard.rows' | 'dashboard.exportRows' | 'dashboard.checkSearch'> {
  return {
    'dashboard.roles': (input) => dashboard.roles(input.datasetId),
    'dashboard.setRoles': (input) => dashboard.setRoles(input.datasetId, input.roles),
    'dashboard.chart': (input, { signal }) => dashboard.chart(input, signal),
    'dashboard.export': (input, { signal }) => dashboard.exportChart(input, signal),
    'dashboard.rows': (input, { signal }) => dashboard.rows(input, signal),
    'dashboard.exportRows': (input, { signal }) => dashboard.exportRows(input, signal),
    'dashboard.checkSearch': (input, { signal }) => dashboard.checkSearch(input.datasetId, input.search, signal),
  };
}

export type { RoleName };
