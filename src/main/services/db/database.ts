import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { AppError } from '../../../shared/api/errors';
import type { ColumnInfo } from '../../../shared/api/contract';

export type SqlParams = Record<string, DuckDBValue>;

export interface DbRows {
  columns: ColumnInfo[];
  /** Raw DuckDB values; `toCell` turns them into wire values. */
  rows: unknown[][];
}

export interface DbConnection {
  all(sql: string, params?: SqlParams, signal?: AbortSignal): Promise<DbRows>;
  run(sql: string, params?: SqlParams, signal?: AbortSignal): Promise<void>;
  /** Runs `work` inside BEGIN … COMMIT on this connection; anything thrown rolls back. */
  transaction<T>(work: (tx: DbStatements) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** How far the running statement is, 0–100 (-1 when DuckDB cannot tell). */
  progress(): number;
  /**
   * Refuses new statements, interrupts the running one and closes once the queue has
   * settled: closing under a running statement would crash the native client.
   */
  dispose(): Promise<void>;
}

export type DbStatements = Pick<DbConnection, 'all' | 'run'>;

/** The kinds of work that each get their own connection, so one cannot stall another. */
export type ConnectionKind = 'catalog' | 'rows' | 'query' | 'dashboard' | 'detect' | 'import' | 'mining' | 'miningReadAhead';

export interface Db {
  readonly file: string;
  readonly duckdbVersion: string;
  /** The shared connection for one kind of work, opened on first use. */
  connection(kind: ConnectionKind): Promise<DbConnection>;
  /** A connection of the caller's own, for long work such as an import (`progress` for a progress bar). */
  connect(options?: { progress?: boolean }): Promise<DbConnection>;
  /** Closes every connection (see `DbConnection.dispose`), then the database. */
  dispose(): Promise<void>;
}

export interface DbOptions {
  file: string;
  tempDirectory: string;
  /** DuckDB's buffer-manager limit, e.g. `4GB`. */
  memoryLimit: string;
  threads?: number;
}

/** DuckDB's message when another process holds the file: `… (PID 1234)`. */
export class DatabaseLockedError extends Error {
  constructor(readonly holderPid: number | null, options: { cause: unknown }) {
    super(`database file is locked${holderPid ? ` by process ${holderPid}` : ''}`, options);
    this.name = 'DatabaseLockedError';
  }
}

export async function openDatabase(options: DbOptions): Promise<Db> {
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(options.file, {
      memory_limit: options.memoryLimit,
      temp_directory: options.tempDirectory,
      // Nothing is fetched from the network and no extension loads behind the user's back;
      // json, parquet and icu are built into the bindings.
      autoinstall_known_extensions: 'false',
      autoload_known_extensions: 'false',
      ...(options.threads ? { threads: String(options.threads) } : {}),
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/Could not set lock on file|Conflicting lock is held/i.test(message)) {
      const pid = /PID (\d+)/.exec(message)?.[1];
      throw new DatabaseLockedError(pid ? Number(pid) : null, { cause: error });
    }
    throw error;
  }

  const shared = new Map<ConnectionKind, Promise<DbConnection>>();
  const owned = new Set<DbConnection>();
  const versionConnection = await instance.connect();
  const versionRows = await versionConnection.runAndReadAll('SELECT version()');
  const duckdbVersion = String(versionRows.getRows()[0]?.[0] ?? '');
  versionConnection.closeSync();

  let closing = false;
  const connect = async (connectOptions: { progress?: boolean } = {}) => {
    if (closing) throw new AppError('internal', { message: 'the database is closing' });
    const raw = await instance.connect();
    // Instants are stored as UTC TIMESTAMPs; casts from TIMESTAMPTZ must not shift them
    // into the computer's zone.
    await raw.run(`SET TimeZone = 'UTC'`);
    // Progress costs a little on every statement, so only imports, which show it, ask for it.
    await raw.run(`SET enable_progress_bar = ${connectOptions.progress ? 'true' : 'false'}`);
    await raw.run(`SET enable_progress_bar_print = false`);
    const connection = wrapConnection(raw);
    owned.add(connection);
    const dispose = connection.dispose;
    connection.dispose = async () => {
      owned.delete(connection);
      await dispose();
    };
    return connection;
  };

  return {
    file: options.file,
    duckdbVersion,
    connection(kind) {
      let connection = shared.get(kind);
      if (!connection) shared.set(kind, (connection = connect()));
      return connection;
    },
    connect,
    async dispose() {
      if (closing) return;
      closing = true;
      await Promise.all([...shared.values()].map((c) => c.catch(() => null)));
      await Promise.all([...owned].map((connection) => connection.dispose()));
      shared.clear();
      instance.closeSync();
    },
  };
}

/**
 * One DuckDB connection runs one statement at a time, so statements queue here; an
 * aborted signal drops a queued statement and interrupts a running one.
 */
function wrapConnection(connection: DuckDBConnection): DbConnection {
  let tail: Promise<unknown> = Promise.resolve();
  let disposed = false;

  const exclusive = <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    const next = tail.then(
      () => runCancellable(work, signal),
      () => runCancellable(work, signal),
    );
    tail = next.catch(() => undefined);
    return next;
  };

  const runCancellable = async <T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> => {
    if (disposed) throw new AppError('internal', { message: 'connection closed' });
    if (signal?.aborted) throw new AppError('cancelled');
    // DuckDB clears the interrupt flag when a statement starts executing, so an interrupt that
    // lands while the statement is still being prepared or bound is lost and the statement runs
    // to the end (measured: a superseded dashboard chart ran on for 2.3 s). Interrupt again
    // until the statement has settled; `finally` stops it before the next statement starts.
    let again: ReturnType<typeof setInterval> | undefined;
    const onAbort = () => {
      connection.interrupt();
      again = setInterval(() => connection.interrupt(), 20);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await work();
    } catch (error) {
      if (signal?.aborted) throw new AppError('cancelled', {}, { cause: error });
      throw error;
    } finally {
      signal?.removeEventListener('abort', onAbort);
      clearInterval(again);
    }
  };

  const all = async (sql: string, params?: SqlParams): Promise<DbRows> => {
    const reader = await connection.runAndReadAll(sql, params);
    const names = reader.columnNames();
    const types = reader.columnTypes();
    return {
      columns: names.map((name, i) => ({ name, type: types[i]?.toString() ?? 'UNKNOWN' })),
      rows: reader.getRows() as unknown[][],
    };
  };
  const run = async (sql: string, params?: SqlParams): Promise<void> => {
    await connection.run(sql, params);
  };

  return {
    all: (sql, params, signal) => exclusive(() => all(sql, params), signal),
    run: (sql, params, signal) => exclusive(() => run(sql, params), signal),
    transaction(work, signal) {
      return exclusive(async () => {
        await run('BEGIN TRANSACTION');
        try {
          const result = await work({ all, run });
          await run('COMMIT');
          return result;
        } catch (error) {
          await run('ROLLBACK').catch(() => undefined);
          throw error;
        }
      }, signal);
    },
    progress() {
      return disposed ? -1 : connection.progress.percentage;
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      connection.interrupt();
      await tail;
      connection.closeSync();
    },
  };
}
