import type { Db } from '../db/database';
import { toCell } from '../db/cells';
import { AppError } from '../../../shared/api/errors';
import type { Output, ParsedInput } from '../../../shared/api/contract';
import { checkSerializedQuery, type ConfinementPolicy } from '../../../shared/sql/confine';
import { quoteIdent } from '../../../shared/sql/quote';
import { listDatasetRecords } from '../catalog/datasets';
import { catalogSchema } from '../catalog/migrations';

/** Views in Logscope's schema that queries may read (each issue that adds one lists it here). */
export const queryableViews = new Set<string>(['sources', 'rejects']);

/** Results kept for paging; older ones are dropped. */
const keptResults = 8;

/**
 * Read-only queries for the SQL console and `logscope query`. A query is checked on its
 * parse tree, then materialised once into a temporary table on the query connection,
 * so the grid can page through a stable result without running the query again.
 */
export function createQueryService({ db }: { db: Db }) {
  const results = new Map<string, { table: string; columns: Output<'query.run'>['columns']; total: number }>();
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
    if (!verdict.ok) {
      throw new AppError('query_refused', { reason: verdict.reason, detail: verdict.detail, position: verdict.position });
    }
  }

  async function run(input: ParsedInput<'query.run'>, signal: AbortSignal): Promise<Output<'query.run'>> {
    const started = performance.now();
    const sql = input.sql.trim().replace(/;+\s*$/, '');
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
      throw new AppError('query_failed', { message: duckdbMessage(error) }, { cause: error });
    }
    const counted = await connection.all(`SELECT count(*) FROM temp.${quoteIdent(table)}`, {}, signal);
    const total = Number(counted.rows[0]?.[0] ?? 0);
    const first = await connection.all(`SELECT * FROM temp.${quoteIdent(table)} LIMIT $limit`, { limit: input.limit }, signal);
    results.set(resultId, { table, columns: first.columns, total });
    await forgetOldResults();
    return {
      resultId,
      columns: first.columns,
      total,
      rows: first.rows.map((row) => row.map(toCell)),
      elapsedMs: Math.round(performance.now() - started),
    };
  }

  async function page(input: ParsedInput<'query.page'>, signal: AbortSignal): Promise<Output<'query.page'>> {
    const result = results.get(input.resultId);
    if (!result) throw new AppError('not_found', { what: 'query result', id: input.resultId });
    const connection = await db.connection('query');
    const { rows } = await connection.all(
      `SELECT * FROM temp.${quoteIdent(result.table)} LIMIT $limit OFFSET $offset`,
      { limit: input.limit, offset: input.offset },
      signal,
    );
    return { rows: rows.map((row) => row.map(toCell)), offset: input.offset, total: result.total };
  }

  async function forgetOldResults() {
    const connection = await db.connection('query');
    while (results.size > keptResults) {
      const [oldest, result] = results.entries().next().value as [string, { table: string }];
      results.delete(oldest);
      await connection.run(`DROP TABLE IF EXISTS temp.${quoteIdent(result.table)}`);
    }
  }

  return { check, run, page };
}

export type QueryService = ReturnType<typeof createQueryService>;

/** DuckDB's message without the engine's error-class prefix noise, for the user. */
export function duckdbMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).trim();
}
