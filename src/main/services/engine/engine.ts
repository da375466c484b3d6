import type { Cell, ColumnInfo } from '../../../shared/api/contract';
import type { SqlDialect } from '../../../shared/sql/dialect';

export type EngineKind = 'duckdb' | 'clickhouse';

export interface EngineQueryOptions {
  /** Aborting cancels the query where it runs: DuckDB interrupts it, ClickHouse gets `KILL QUERY`. */
  signal?: AbortSignal;
  /** The id the server knows the query by (ClickHouse `query_id`); one is made when absent. */
  queryId?: string;
  /** Rows returned at most; more rows set `truncated` rather than failing. */
  maxRows?: number;
  /** The server stops the query after this long (`max_execution_time` on ClickHouse). */
  timeoutMs?: number;
}

export interface EngineResult {
  /** Names and the engine's own type names (`BIGINT`, `DateTime('UTC')`). */
  columns: ColumnInfo[];
  /** Wire values: instants as ISO-8601 in UTC, 64-bit integers as numbers where they fit. */
  rows: Cell[][];
  /** True when the result had more than `maxRows` rows and was cut there. */
  truncated: boolean;
  queryId: string;
}

export interface EngineTable {
  /** The database (ClickHouse) or schema (DuckDB) holding the table. */
  schema: string;
  name: string;
  columns: ColumnInfo[];
}

export interface InsertResult {
  rows: number;
}

/**
 * Where a dataset's rows live and its queries run. Two implementations: the embedded DuckDB
 * file (the default) and a ClickHouse server. Features write SQL through `dialect`, so the
 * same dashboard query runs on either. Every `query` is read-only, enforced by the engine
 * itself, not only by parsing.
 */
export interface Engine {
  /** The connection's name (`local` for the embedded database). */
  readonly name: string;
  readonly kind: EngineKind;
  readonly dialect: SqlDialect;
  /** The server's version, e.g. `18.16.1` or `1.5.0`. */
  version(): Promise<string>;
  query(sql: string, options?: EngineQueryOptions): Promise<EngineResult>;
  /** Tables a query may read, with their columns. */
  schema(): Promise<EngineTable[]>;
  /** Streams rows (column name → value) into an existing table; resolves with how many went in. */
  insertRows(
    table: string,
    rows: AsyncIterable<Record<string, Cell>> | Iterable<Record<string, Cell>>,
    options?: { signal?: AbortSignal },
  ): Promise<InsertResult>;
  /** The engine's plan for a query, as text. */
  explain?(sql: string, options?: { signal?: AbortSignal }): Promise<string>;
  close(): Promise<void>;
}
