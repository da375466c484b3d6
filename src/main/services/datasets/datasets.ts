import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import { AppError } from '../../../shared/api/errors';
import type { ColumnInfo, DatasetSummary, Output, ParsedInput } from '../../../shared/api/contract';
import { buildRowPageQuery } from '../../../shared/sql/rows';
import { datasetNameKey, datasetNameProblem } from '../../../shared/datasetNames';
import { quoteIdent } from '../../../shared/sql/quote';
import { dropSummary } from '../catalog/summaries';
import {
  datasetTable,
  findDatasetByName,
  getDatasetRecord,
  listDatasetRecords,
  type DatasetRecord,
} from '../catalog/datasets';

export function createDatasetService({ db, events, clock }: { db: Db; events: EventBus; clock: Clock }) {
  async function columnsByTable(): Promise<Map<string, ColumnInfo[]>> {
    const catalog = await db.connection('catalog');
    const { rows } = await catalog.all(
      `SELECT table_name, column_name, data_type FROM duckdb_columns()
       WHERE database_name = current_database() AND schema_name = 'main'
       ORDER BY table_name, column_index`,
    );
    const byTable = new Map<string, ColumnInfo[]>();
    for (const [table, name, type] of rows) {
      const key = String(table);
      let columns = byTable.get(key);
      if (!columns) byTable.set(key, (columns = []));
      columns.push({ name: String(name), type: String(type) });
    }
    return byTable;
  }

  const summarize = (record: DatasetRecord, columns: ColumnInfo[]): DatasetSummary => ({
    id: record.id,
    name: record.name,
    rows: record.rowCount,
    columns,
    timeColumn: record.timeColumn,
    timeMin: record.timeMin,
    timeMax: record.timeMax,
    createdAt: record.createdAt,
    engine: record.engine?.connection ?? null,
    readOnly: record.engine?.readOnly ?? false,
  });

  async function list(): Promise<DatasetSummary[]> {
    const catalog = await db.connection('catalog');
    const [records, columns] = [await listDatasetRecords(catalog), await columnsByTable()];
    return records.map((record) => summarize(record, columns.get(record.name) ?? []));
  }

  async function get(datasetId: number): Promise<DatasetSummary> {
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, datasetId);
    return summarize(record, (await columnsByTable()).get(record.name) ?? []);
  }

  async function page(input: ParsedInput<'datasets.page'>, signal: AbortSignal): Promise<Output<'datasets.page'>> {
    const dataset = await get(input.datasetId);
    if (input.sort && !dataset.columns.some((c) => c.name === input.sort?.column)) {
      throw new AppError('column_not_found', { column: input.sort.column, dataset: dataset.name });
    }
    const query = buildRowPageQuery({ table: dataset.name, offset: input.offset, limit: input.limit, sort: input.sort });
    const connection = await db.connection('rows');
    const result = await connection.all(query.sql, query.params, signal);
    return {
      columns: result.columns,
      rows: result.rows.map((row) => row.map(toCell)),
      offset: input.offset,
      total: dataset.rows,
    };
  }

  async function rename(input: ParsedInput<'datasets.rename'>): Promise<DatasetSummary> {
    const problem = datasetNameProblem(input.name);
    if (problem) throw new AppError(problem, { name: input.name });
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, input.datasetId);
    if (record.name === input.name) return get(record.id);
    const clash = await findDatasetByName(catalog, input.name);
    if (clash && clash.id !== record.id) throw new AppError('dataset_name_taken', { name: input.name });
    await catalog.transaction(async (tx) => {
      // Only the letter case may change: DuckDB's own names are case-insensitive, so go
      // through a temporary name.
      const temporary = `_ls_rename_${record.id}`;
      await tx.run(`ALTER TABLE ${datasetTable(record.name)} RENAME TO ${quoteIdent(temporary)}`);
      await tx.run(`ALTER TABLE ${datasetTable(temporary)} RENAME TO ${quoteIdent(input.name)}`);
      await tx.run(`UPDATE logscope.datasets SET name = $name, name_key = $key, updated_at = $now::TIMESTAMP WHERE id = $id`, {
        id: record.id,
        name: input.name,
        key: datasetNameKey(input.name),
        now: clock.now().toISOString(),
      });
    });
    events.emit('datasets.changed', { reason: 'renamed', datasetId: record.id });
    return get(record.id);
  }

  async function remove(input: ParsedInput<'datasets.delete'>): Promise<{ deleted: boolean }> {
    const catalog = await db.connection('catalog');
    const record = await getDatasetRecord(catalog, input.datasetId);
    await catalog.transaction(async (tx) => {
      await tx.run(`DROP TABLE IF EXISTS ${datasetTable(record.name)}`);
      await tx.run(`DELETE FROM logscope.engine_datasets WHERE dataset_id = $id`, { id: record.id });
      await dropSummary(tx, record.id);
      await tx.run(`DELETE FROM logscope.datasets WHERE id = $id`, { id: record.id });
    });
    events.emit('datasets.changed', { reason: 'deleted', datasetId: record.id });
    return { deleted: true };
  }

  return { list, get, page, rename, remove };
}

export type DatasetService = ReturnType<typeof createDatasetService>;
