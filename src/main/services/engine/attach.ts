import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { EventBus } from '../events';
import type { Logger } from '../logger';
import { datasetTable, findDatasetByName, insertDatasetRecord } from '../catalog/datasets';
import { AppError } from '../../../shared/api/errors';
import type { ColumnInfo, Output, ParsedInput } from '../../../shared/api/contract';
import type { EngineTableListing } from '../../../shared/api/contract/engines';
import type { DashboardRoles, Roles } from '../../../shared/charts/spec';
import { datasetNameProblem } from '../../../shared/datasetNames';
import { quoteIdent } from '../../../shared/sql/quote';
import { clickhouseDialect } from '../../../shared/sql/dialect';
import type { ClickHouseEngine } from './clickhouse';
import type { Handlers } from '../../transport/rpc';

/** Databases of the server itself, not of anyone's logs. */
const systemDatabases = ['system', 'INFORMATION_SCHEMA', 'information_schema'];

/**
 * A ClickHouse column type as the DuckDB type of the dataset's local, empty schema table:
 * what the dashboard's role detection and filters read types from. The values themselves
 * stay on the server and come back as the engine's wire cells (nested values as JSON text).
 */
export function duckdbTypeOf(clickhouseType: string): string {
  let t = clickhouseType.trim();
  for (;;) {
    const wrapped = /^(?:Nullable|LowCardinality)\((.*)\)$/.exec(t);
    if (!wrapped) break;
    t = wrapped[1]!.trim();
  }
  if (/^DateTime(64)?\b/.test(t)) return 'TIMESTAMP';
  if (/^Date(32)?$/.test(t)) return 'DATE';
  if (/^(Int8|Int16|Int32|UInt8|UInt16)$/.test(t)) return 'INTEGER';
  if (/^(Int64|UInt32|UInt64)$/.test(t)) return 'BIGINT';
  if (/^(Float32|Float64)$/.test(t) || t.startsWith('Decimal')) return 'DOUBLE';
  if (t === 'Bool') return 'BOOLEAN';
  // String, FixedString, Enum, UUID, IP addresses, and nested types (arrays, tuples, maps:
  // JSON text on the wire) are text.
  return 'VARCHAR';
}

/**
 * Attaching a table that already holds logs on a ClickHouse server: Logscope records where
 * it is, keeps an empty local table of its columns (the schema the dashboard, role editor
 * and filters read) and marks the dataset read-only. Nothing is written on the server, and
 * detaching (deleting the dataset) drops only the local record.
 */
export function createAttachService({
  db,
  events,
  clock,
  log,
  open,
  resolve,
  roles,
}: {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /** Opens the named connection (the connection service's `open`). */
  open: (connection: string, database?: string) => Promise<ClickHouseEngine>;
  /** The connection's name as stored, or `engine_not_found`. */
  resolve: (connection: string) => Promise<string>;
  /** The dashboard's roles of a dataset: detected from columns and sampled rows, and saved. */
  roles: { get(datasetId: number): Promise<DashboardRoles>; set(datasetId: number, roles: Roles | null): Promise<DashboardRoles> };
}) {
  async function withEngine<T>(connection: string, use: (engine: ClickHouseEngine) => Promise<T>, database?: string): Promise<T> {
    const engine = await open(connection, ...(database === undefined ? [] : [database]));
    try {
      return await use(engine);
    } finally {
      await engine.close();
    }
  }

  /** The server's tables outside its system databases, with their columns in table order. */
  async function tables(connection: string, signal?: AbortSignal): Promise<EngineTableListing[]> {
    return withEngine(connection, async (engine) => {
      const lit = (value: string) => clickhouseDialect.literal({ type: 'string', value });
      const notSystem = `database NOT IN (${systemDatabases.map(lit).join(', ')})`;
      const [listed, columns] = await Promise.all([
        engine.query(`SELECT database, name, engine FROM system.tables WHERE ${notSystem} ORDER BY database, name`, { maxRows: 10_000, ...(signal ? { signal } : {}) }),
        // system.columns lists a table's columns in their order (18.16 has no `position`).
        engine.query(`SELECT database, table, name, type FROM system.columns WHERE ${notSystem}`, { maxRows: 1_000_000, ...(signal ? { signal } : {}) }),
      ]);
      const byTable = new Map<string, ColumnInfo[]>();
      for (const [database, table, name, type] of columns.rows) {
        const key = `${String(database)}\u0000${String(table)}`;
        let list = byTable.get(key);
        if (!list) byTable.set(key, (list = []));
        list.push({ name: String(name), type: String(type) });
      }
      return listed.rows.map(([database, name, tableEngine]) => ({
        database: String(database),
        table: String(name),
        engine: String(tableEngine),
        columns: byTable.get(`${String(database)}\u0000${String(name)}`) ?? [],
      }));
    });
  }

  async function attach(input: ParsedInput<'engines.attach'>, signal?: AbortSignal): Promise<Output<'engines.attach'>> {
    const connection = await resolve(input.name);
    const problem = datasetNameProblem(input.dataset);
    if (problem) throw new AppError(problem, { name: input.dataset });
    const catalog = await db.connection('catalog');
    if (await findDatasetByName(catalog, input.dataset)) throw new AppError('dataset_name_taken', { name: input.dataset });
    const listing = (await tables(connection, signal)).find((t) => t.database === input.database && t.table === input.table);
    if (!listing || listing.columns.length === 0) throw new AppError('engine_table_not_found', { table: `${input.database}.${input.table}` });

    const now = clock.now();
    const datasetId = await catalog.transaction(async (tx) => {
      const id = await insertDatasetRecord(tx, { name: input.dataset, timeColumn: null, now });
      const definitions = listing.columns.map((c) => `${quoteIdent(c.name)} ${duckdbTypeOf(c.type)}`);
      await tx.run(`CREATE TABLE ${datasetTable(input.dataset)} (${definitions.join(', ')})`);
      await tx.run(`INSERT INTO logscope.engine_datasets VALUES ($id, $connection, $table, $now::TIMESTAMP, $database, true)`, {
        id,
        connection,
        table: input.table,
        now: now.toISOString(),
        database: input.database,
      });
      return id;
    });
    try {
      // Detected from the columns and a sample of the server's rows, as for an import; the user's choices on top.
      const detected = (await roles.get(datasetId)).detected;
      const chosen = input.roles ? (await roles.set(datasetId, { ...detected, ...input.roles })).roles : detected;
      const stats = await statsOf(connection, input.database, input.table, chosen, listing.columns, signal);
      await catalog.run(
        `UPDATE logscope.datasets SET time_column = $time, row_count = $rows, time_min = $min::TIMESTAMP, time_max = $max::TIMESTAMP, updated_at = $now::TIMESTAMP WHERE id = $id`,
        { id: datasetId, time: stats.timeColumn, rows: stats.rows, min: stats.timeMin, max: stats.timeMax, now: clock.now().toISOString() },
      );
      log.info('engine table attached', { datasetId, connection, database: input.database, table: input.table, rows: stats.rows });
      events.emit('datasets.changed', { reason: 'created', datasetId });
      return { datasetId, dataset: input.dataset, rows: stats.rows, timeMin: stats.timeMin, timeMax: stats.timeMax, roles: chosen };
    } catch (error) {
      // A refused role or an unreachable server leaves nothing half attached.
      await catalog.transaction(async (tx) => {
        await tx.run(`DROP TABLE IF EXISTS ${datasetTable(input.dataset)}`);
        await tx.run(`DELETE FROM logscope.engine_datasets WHERE dataset_id = $id`, { id: datasetId });
        await tx.run(`DELETE FROM logscope.dashboard_roles WHERE dataset_id = $id`, { id: datasetId });
        await tx.run(`DELETE FROM logscope.datasets WHERE id = $id`, { id: datasetId });
      });
      throw error;
    }
  }

  /** Rows and time range counted on the server; the range only when the time role is a DateTime column. */
  async function statsOf(connection: string, database: string, table: string, chosen: Roles, columns: readonly ColumnInfo[], signal?: AbortSignal) {
    const time = chosen.time?.length === 1 ? chosen.time[0]! : null;
    const isDateTime = time !== null && duckdbTypeOf(columns.find((c) => c.name === time)?.type ?? '') === 'TIMESTAMP';
    return withEngine(
      connection,
      async (engine) => {
        const q = engine.dialect.quoteIdent;
        const range = isDateTime ? `, toUnixTimestamp(min(${q(time)})), toUnixTimestamp(max(${q(time)}))` : '';
        const row = (await engine.query(`SELECT count()${range} FROM ${q(table)}`, { ...(signal ? { signal } : {}) })).rows[0] ?? [];
        const instant = (seconds: unknown) => (seconds === null || seconds === undefined ? null : new Date(Number(seconds) * 1000).toISOString());
        return {
          rows: Number(row[0] ?? 0),
          timeColumn: time,
          timeMin: isDateTime ? instant(row[1]) : null,
          timeMax: isDateTime ? instant(row[2]) : null,
        };
      },
      database,
    );
  }

  return { tables, attach };
}

export type AttachService = ReturnType<typeof createAttachService>;

/** The contract's attach methods, bound to the service. */
export function createAttachHandlers(attach: AttachService): Pick<Handlers, 'engines.tables' | 'engines.attach'> {
  return {
    'engines.tables': (input, { signal }) => attach.tables(input.name, signal),
    'engines.attach': (input, { signal }) => attach.attach(input, signal),
  };
}
