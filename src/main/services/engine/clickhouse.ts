import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { createClient, ClickHouseError, ClickHouseLogLevel, type ClickHouseClient, type ClickHouseSettings } from '@clickhouse/client';
import { AppError } from '../../../shared/api/errors';
import type { Cell, ColumnInfo } from '../../../shared/api/contract';
import { clickhouseDialect } from '../../../shared/sql/dialect';
import type { Engine, EngineQueryOptions, EngineResult, EngineTable } from './engine';

export interface ClickHouseConnectionOptions {
  /** The connection's name in Logscope. */
  name: string;
  /** `http://host:8123` or `https://host:8443`. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** PEM of a private CA that signed the server's certificate; the system's CAs otherwise. */
  caCertPem?: string;
  /** How long one HTTP request may take before the client gives up. */
  requestTimeoutMs?: number;
}

export interface ClickHouseServerInfo {
  version: string;
  /** The server's zone: bare `DateTime` values are wall times in it. */
  timeZone: string;
  /** The user's profile sets `readonly = 1`: the server refuses writes and any per-query setting. */
  isReadonlyProfile: boolean;
}

export type ClickHouseEngine = Engine & {
  /** Connects and reads the server's version, zone and the user's read-only state; maps failures to codes. */
  info(): Promise<ClickHouseServerInfo>;
  /**
   * Creates a MergeTree table when it does not exist yet: the one statement that changes the
   * server, for imports (its user needs write rights; queries stay read-only).
   */
  ensureTable(table: string, columns: readonly ColumnInfo[], orderBy: readonly string[]): Promise<void>;
};

const defaultMaxRows = 100_000;
const defaultTimeoutMs = 60_000;

/** Server error codes Logscope tells apart (ClickHouse's ErrorCodes.cpp). */
const serverCodes = {
  timeoutExceeded: '159',
  readonly: '164',
  unknownUser: '192',
  wrongPassword: '193',
  requiredPassword: '194',
  ipAddressNotAllowed: '195',
  unknownDatabase: '81',
  queryWasCancelled: '394',
  authenticationFailed: '516',
} as const;

const tlsErrorCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);
const networkErrorCodes = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENETUNREACH']);

/**
 * A ClickHouse server over HTTP through the official client. Reads are confined by the
 * server: each runs with `readonly=1`, `max_execution_time`, `max_result_rows` (cut, not
 * failed) and its own `query_id`, and with `wait_end_of_query=1`, so an error part-way
 * through arrives as an HTTP error instead of as the last "row" of a 200 response. When the
 * user's profile already sets `readonly=1` the server refuses every per-query setting, so
 * none is sent; the row limit and the timeout are then applied here, with `KILL QUERY`.
 * Aborting the request does not stop the server, so a cancel also sends
 * `KILL QUERY WHERE query_id = …` on a second client.
 */
export function createClickHouseEngine(options: ClickHouseConnectionOptions): ClickHouseEngine {
  const base = {
    url: options.url,
    username: options.username,
    password: options.password,
    database: options.database,
    application: 'logscope',
    request_timeout: options.requestTimeoutMs ?? 300_000,
    /* The client logs to stderr, which is a command's output; its failures reach us as
       errors anyway. Its one warning here asks for progress headers against proxies' idle
       timeouts, which a user whose profile sets readonly=1 may not send. */
    log: { level: ClickHouseLogLevel.ERROR },
    ...(options.caCertPem ? { tls: { ca_cert: Buffer.from(options.caCertPem) } } : {}),
  };
  const client: ClickHouseClient = createClient(base);
  // Its own socket pool: a KILL must not queue behind the query it stops.
  const killer: ClickHouseClient = createClient({ ...base, max_open_connections: 1 });
  let infoPromise: Promise<ClickHouseServerInfo> | undefined;

  const fail = (error: unknown): never => {
    throw toEngineError(error, options);
  };

  function info(): Promise<ClickHouseServerInfo> {
    infoPromise ??= (async () => {
      const result = await client
        .query({
          query: `SELECT version(), timezone(), (SELECT value FROM system.settings WHERE name = 'readonly')`,
          format: 'JSONCompact',
        })
        .then((rs) => rs.json<[string, string, string]>())
        .catch(fail);
      const [version, timeZone, readonly] = result.data[0] ?? ['', 'UTC', '0'];
      return { version, timeZone, isReadonlyProfile: readonly === '1' };
    })();
    infoPromise.catch(() => (infoPromise = undefined));
    return infoPromise;
  }

  async function kill(queryId: string): Promise<void> {
    // SYNC: once this returns, the query has left system.processes.
    await killer.command({ query: `KILL QUERY WHERE query_id = ${clickhouseDialect.literal({ type: 'string', value: queryId })} SYNC` });
  }

  async function query(sql: string, queryOptions: EngineQueryOptions = {}): Promise<EngineResult> {
    const server = await info();
    const queryId = queryOptions.queryId ?? `logscope-${randomUUID()}`;
    const maxRows = queryOptions.maxRows ?? defaultMaxRows;
    const timeoutMs = queryOptions.timeoutMs ?? defaultTimeoutMs;
    const settings: ClickHouseSettings = server.isReadonlyProfile
      ? {}
      : {
          readonly: '1',
          max_execution_time: Math.max(1, Math.ceil(timeoutMs / 1000)),
          // `break` stops at the block that passes the limit: one row more says "cut".
          max_result_rows: String(maxRows + 1),
          result_overflow_mode: 'break',
          wait_end_of_query: 1,
        };
    const controller = new AbortController();
    const outer = queryOptions.signal;
    let stoppedBy: 'cancel' | 'timeout' | null = null;
    const stop = (reason: 'cancel' | 'timeout') => {
      if (stoppedBy) return;
      stoppedBy = reason;
      controller.abort();
    };
    const onAbort = () => stop('cancel');
    if (outer?.aborted) throw new AppError('cancelled');
    outer?.addEventListener('abort', onAbort, { once: true });
    // Without per-query settings the server has no deadline of its own.
    const timer = server.isReadonlyProfile ? setTimeout(() => stop('timeout'), timeoutMs) : undefined;
    try {
      const resultSet = await client.query({
        query: sql,
        format: 'JSONCompact',
        query_id: queryId,
        clickhouse_settings: settings,
        abort_signal: controller.signal,
      });
      const text = await resultSet.text();
      const parsed = parseCompact(text);
      const rows = parsed.data.slice(0, maxRows).map((row) => row.map((value, i) => toCell(value, parsed.meta[i]!.type, server.timeZone)));
      return { columns: parsed.meta, rows, truncated: parsed.data.length > maxRows, queryId };
    } catch (error) {
      if (stoppedBy) {
        await kill(queryId).catch(fail);
        if (stoppedBy === 'timeout') throw new AppError('engine_timeout', { seconds: Math.ceil(timeoutMs / 1000) }, { cause: error });
        throw new AppError('cancelled', {}, { cause: error });
      }
      return fail(error);
    } finally {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onAbort);
    }
  }

  async function schema(): Promise<EngineTable[]> {
    const result = await query(
      `SELECT database, table, name, type FROM system.columns WHERE database = currentDatabase()`,
      { maxRows: 1_000_000 },
    );
    const tables = new Map<string, EngineTable>();
    for (const [database, table, name, type] of result.rows) {
      const key = String(table);
      let entry = tables.get(key);
      if (!entry) tables.set(key, (entry = { schema: String(database), name: key, columns: [] }));
      entry.columns.push({ name: String(name), type: String(type) });
    }
    return [...tables.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  async function insertRows(
    table: string,
    rows: AsyncIterable<Record<string, Cell>> | Iterable<Record<string, Cell>>,
    insertOptions: { signal?: AbortSignal } = {},
  ) {
    const described = await query(`DESCRIBE TABLE ${clickhouseDialect.quoteIdent(table)}`);
    const dateTimeColumns = new Set(described.rows.filter((r) => /^(Nullable\()?DateTime\b/.test(String(r[1]))).map((r) => String(r[0])));
    let count = 0;
    // 18.16 reads DateTime only as `YYYY-MM-DD hh:mm:ss` (or a Unix time): instants go in as seconds.
    async function* values() {
      for await (const row of rows) {
        count += 1;
        if (dateTimeColumns.size === 0) {
          yield row;
          continue;
        }
        const converted: Record<string, Cell> = { ...row };
        for (const column of dateTimeColumns) {
          const value = converted[column];
          if (typeof value === 'string') converted[column] = Math.floor(Date.parse(value) / 1000);
        }
        yield converted;
      }
    }
    await client
      .insert({
        table: clickhouseDialect.quoteIdent(table),
        values: Readable.from(values()),
        format: 'JSONEachRow',
        ...(insertOptions.signal ? { abort_signal: insertOptions.signal } : {}),
      })
      .catch(fail);
    return { rows: count };
  }

  async function ensureTable(table: string, columns: readonly ColumnInfo[], orderBy: readonly string[]): Promise<void> {
    const q = clickhouseDialect.quoteIdent;
    const definitions = columns.map((c) => `${q(c.name)} ${columnType(c.type)}`).join(', ');
    const key = orderBy.length > 0 ? `(${orderBy.map(q).join(', ')})` : 'tuple()';
    await client.command({ query: `CREATE TABLE IF NOT EXISTS ${q(table)} (${definitions}) ENGINE = MergeTree ORDER BY ${key}` }).catch(fail);
  }

  return {
    name: options.name,
    kind: 'clickhouse',
    ensureTable,
    dialect: clickhouseDialect,
    info,
    version: async () => (await info()).version,
    query,
    schema,
    insertRows,
    async close() {
      await Promise.all([client.close(), killer.close()]);
    },
  };
}

/** Column types are written into DDL, so only plain ClickHouse type names pass. */
function columnType(type: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*(\((?:'UTC'|[A-Za-z0-9(), ']*)\))?$/.test(type)) throw new AppError('invalid_input', { path: 'type', message: `not a column type: ${type}` });
  return type;
}

interface CompactResult {
  meta: ColumnInfo[];
  data: unknown[][];
}

/**
 * The body of a `FORMAT JSONCompact` answer. Without `wait_end_of_query` a server error
 * after the first block is appended to a 200 response ("…]Code: 395, e.displayText() = …"),
 * which is not JSON: that text becomes the error instead of a silently short result.
 */
export function parseCompact(text: string): CompactResult {
  try {
    const parsed = JSON.parse(text) as { meta?: ColumnInfo[]; data?: unknown[][] };
    if (!Array.isArray(parsed.meta) || !Array.isArray(parsed.data)) throw new Error('not a JSONCompact result');
    return { meta: parsed.meta.map((m) => ({ name: m.name, type: m.type })), data: parsed.data };
  } catch (error) {
    const trailing = /Code: (\d+)[.,] (?:e\.displayText\(\) = )?(?:DB::Exception: )?([\s\S]*)$/.exec(text);
    if (trailing) {
      throw new ClickHouseError({ code: trailing[1]!, message: trailing[2]!.trim(), type: undefined });
    }
    throw error;
  }
}

const bigIntegerType = /^(Nullable\()?(LowCardinality\()?U?Int(64|128|256)\b/;
const dateTimeType = /^(?:Nullable\()?DateTime(?:\('([^']+)'\))?\)?$/;
const utcZones = new Set(['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Universal', 'Zulu']);

/**
 * A JSON value as a wire cell, like DuckDB's through `toCell`: 64-bit integers (quoted by
 * the server) as numbers when they fit a double; a `DateTime` in UTC as ISO-8601 with `Z`;
 * arrays, tuples and maps as their JSON text. A `DateTime` in another zone stays as the
 * server wrote it, since only the server knows that zone's rules.
 */
export function toCell(value: unknown, type: string, serverZone: string): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    if (bigIntegerType.test(type) && /^-?\d+$/.test(value)) {
      const big = BigInt(value);
      return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : value;
    }
    const dateTime = dateTimeType.exec(type);
    if (dateTime && utcZones.has(dateTime[1] ?? serverZone) && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)) {
      return new Date(`${value.replace(' ', 'T')}Z`).toISOString();
    }
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Library, network and server failures as Logscope's codes; the original stays as `cause`. */
export function toEngineError(error: unknown, options: Pick<ClickHouseConnectionOptions, 'url' | 'username' | 'database'>): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // The client parses current servers' `Code: 62. DB::Exception: … (SYNTAX_ERROR)`;
  // 18.16 writes `Code: 62, e.displayText() = DB::Exception: …`, which it leaves a plain Error.
  const serverCode = error instanceof ClickHouseError ? error.code : /^Code: (\d+)[.,]/.exec(message)?.[1];
  if (serverCode !== undefined) {
    const text = serverMessage(message);
    switch (serverCode) {
      case serverCodes.unknownUser:
      case serverCodes.wrongPassword:
      case serverCodes.requiredPassword:
      case serverCodes.ipAddressNotAllowed:
      case serverCodes.authenticationFailed:
        return new AppError('engine_auth_failed', { user: options.username }, { cause: error });
      case serverCodes.unknownDatabase:
        return new AppError('engine_database_not_found', { database: options.database }, { cause: error });
      case serverCodes.readonly:
        return new AppError('engine_write_refused', { message: text }, { cause: error });
      case serverCodes.timeoutExceeded:
        return new AppError('engine_timeout', { seconds: secondsIn(text) }, { cause: error });
      case serverCodes.queryWasCancelled:
        return new AppError('cancelled', {}, { cause: error });
      default:
        return new AppError('engine_query_failed', { serverCode: Number(serverCode), message: text }, { cause: error });
    }
  }
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && tlsErrorCodes.has(code)) return new AppError('engine_tls_failed', { url: options.url, message }, { cause: error });
  if (typeof code === 'string' && networkErrorCodes.has(code)) return new AppError('engine_unreachable', { url: options.url, message }, { cause: error });
  if (/timeout/i.test(message)) return new AppError('engine_unreachable', { url: options.url, message }, { cause: error });
  return new AppError('internal', { message }, { cause: error });
}

/** `Timeout exceeded: elapsed 2.0001 seconds, maximum: 2, e.what() = …` → the server's message alone. */
function serverMessage(message: string): string {
  return message
    .replace(/^Code: \d+[.,]\s*/, '')
    .replace(/^e\.displayText\(\) = /, '')
    .replace(/^DB::Exception: /, '')
    .replace(/,? e\.what\(\) = DB::Exception\s*$/, '')
    .trim();
}

function secondsIn(message: string): number {
  const maximum = /maximum: ([\d.]+)/.exec(message)?.[1];
  return maximum ? Number(maximum) : 0;
}
