import { randomUUID } from 'node:crypto';
import type { Db, SqlParams } from '../db/database';
import { toCell } from '../db/cells';
import type { QueryService } from '../query/query';
import { duckdbMessage, withoutExcerpt } from '../query/query';
import { AppError } from '../../../shared/api/errors';
import type { Cell } from '../../../shared/api/contract';
import { duckdbDialect } from '../../../shared/sql/dialect';
import { qualified } from '../../../shared/sql/quote';
import type { Engine, EngineQueryOptions, EngineResult } from './engine';

/** Rows per INSERT statement; each value is bound, and DuckDB binds slowly past a few thousand. */
const insertBatchRows = 500;
const defaultMaxRows = 100_000;

/**
 * The embedded DuckDB file behind the `Engine` interface, over the query service that the
 * SQL console already uses: the same parse-tree confinement (one SELECT over dataset tables
 * and Logscope's views), the same `query` connection and its interrupt-on-abort. DuckDB's
 * own behaviour is unchanged; this only gives it the shape ClickHouse has.
 */
export function createDuckDbEngine({ db, queries, name = 'local' }: { db: Db; queries: QueryService; name?: string }): Engine {
  async function query(sql: string, options: EngineQueryOptions = {}): Promise<EngineResult> {
    const queryId = options.queryId ?? `logscope-${randomUUID()}`;
    const maxRows = options.maxRows ?? defaultMaxRows;
    await queries.check(sql);
    const timeout = options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs);
    const signals = [options.signal, timeout].filter((s): s is AbortSignal => s !== undefined);
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    const connection = await db.connection('query');
    try {
      // The newlines keep a trailing `-- comment` from swallowing the closing parenthesis.
      const { columns, rows } = await connection.all(`SELECT * FROM (\n${sql}\n) LIMIT ${maxRows + 1}`, {}, signal);
      return {
        columns,
        rows: rows.slice(0, maxRows).map((row) => row.map(toCell)),
        truncated: rows.length > maxRows,
        queryId,
      };
    } catch (error) {
      if (timeout?.aborted && !options.signal?.aborted) {
        throw new AppError('engine_timeout', { seconds: Math.ceil(options.timeoutMs! / 1000) }, { cause: error });
      }
      if (error instanceof AppError) throw error;
      throw new AppError('query_failed', { message: withoutExcerpt(duckdbMessage(error)), position: null }, { cause: error });
    }
  }

  async function insertRows(
    table: string,
    rows: AsyncIterable<Record<string, Cell>> | Iterable<Record<string, Cell>>,
    options: { signal?: AbortSignal } = {},
  ) {
    const connection = await db.connect();
    let count = 0;
    try {
      await connection.transaction(async (tx) => {
        let batch: Record<string, Cell>[] = [];
        const flush = async () => {
          if (batch.length === 0) return;
          const names = Object.keys(batch[0]!);
          const params: SqlParams = {};
          const tuples = batch.map((row, r) => `(${names.map((column, c) => {
            params[`v${r}_${c}`] = row[column] ?? null;
            return `$v${r}_${c}`;
          }).join(', ')})`);
          await tx.run(
            `INSERT INTO ${qualified('main', table)} (${names.map(duckdbDialect.quoteIdent).join(', ')}) VALUES ${tuples.join(', ')}`,
            params,
          );
          batch = [];
        };
        for await (const row of rows) {
          if (options.signal?.aborted) throw new AppError('cancelled');
          batch.push(row);
          count += 1;
          if (batch.length === insertBatchRows) await flush();
        }
        await flush();
      }, options.signal);
    } finally {
      await connection.dispose();
    }
    return { rows: count };
  }

  return {
    name,
    kind: 'duckdb',
    dialect: duckdbDialect,
    version: async () => db.duckdbVersion,
    query,
    async schema() {
      const { tables } = await queries.schema(null);
      return tables.map((t) => ({ schema: t.schema, name: t.name, columns: t.columns }));
    },
    insertRows,
    // The connections belong to the app's database; closing the engine leaves them open.
    async close() {},
  };
}
