import type { Db, DbStatements } from '../db/database';
import { toCell } from '../db/cells';
import type { EventBus } from '../events';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Handlers } from '../../transport/rpc';
import { AppError, toWireError, type WireError } from '../../../shared/api/errors';
import type { Cell, Output, ParsedInput } from '../../../shared/api/contract';
import { buildClickHousePatternCountsQuery, buildClickHousePatternSeenQuery, buildClickHouseRowsBeforeQuery, buildClickHouseSparklineQuery } from '../../../shared/sql/dialect/patterns';
import type { PatternState, PatternStatus, PatternSummary } from '../../../shared/api/contract/patterns';
import type { MinerOptions } from '../../../shared/patterns/miner';
import type { MinedBatch } from '../../../shared/patterns/batch';
import { createInProcessMinerHost, type MinerHost } from './minerHost';
import { chooseMessageColumn, isTextType } from '../../../shared/detect/messageColumn';
import {
  buildAssignSql,
  buildAssignmentPageQuery,
  buildBatchQuery,
  buildBatchTemplatesTableSql,
  buildLineSpansQuery,
  buildMergeRowsSql,
  buildMergesTableSql,
  buildMergeTemplatesSql,
  buildMessageStatsQuery,
  buildMinedTableSql,
  buildPatternListQuery,
  buildPatternRowsQuery,
  buildProgressQuery,
  buildRecountSql,
  buildRowsBeforeQuery,
  buildSparklineQuery,
  buildUnminedSpansQuery,
  buildUnminedCheckQuery,
  buildUpsertTemplatesSql,
  escapeLike,
  parseBatch,
  patternColumn,
  previousRange,
  sparklineBucketMs,
  type BatchTemplate,
  type BatchWindow,
  type TimeWindow,
} from '../../../shared/patterns/sql';
import { datasetTable, findDatasetRecord, getDatasetRecord, type DatasetRecord } from '../catalog/datasets';

export interface PatternServiceDeps {
  db: Db;
  events: EventBus;
  clock: Clock;
  log: Logger;
  /**
   * Mine after every import and resume unmined rows on start (the app and `serve`). A
   * one-shot command mines only the dataset it waits for, so `logscope import` ends
   * when the import does.
   */
  background: boolean;
  /** Rows per batch (one transaction each); default 50,000. */
  batchRows?: number;
  minerOptions?: MinerOptions;
  /** Where the miner runs (the app's worker thread); default: on this thread. The service closes it. */
  minerHost?: MinerHost;
  /** Counts the rows of datasets that live in ClickHouse (issue 21), where their template ids were pushed with them. */
  engines?: { query(record: DatasetRecord, sql: (table: string) => string, signal: AbortSignal): Promise<Cell[][]> };
}

/** Longer examples are cut: the table shows one line, and a 1 MB line helps nobody. */
const exampleMaxLength = 2000;
/** A batch that meets a concurrent schema change or delete is tried again this often. */
const conflictAttempts = 6;

interface Live {
  state: PatternState;
  rowsDone: number;
  rowsTotal: number;
  error: WireError | null;
}

/** A window's unmined rows as read; `rowIdSum` tells whether the window still holds them. */
interface ReadBatch {
  lines: number;
  rowIdSum: number;
  /** Row ids in line order, joined by `,`. */
  rowIds: string;
  messages: string[];
  readMs: number;
  /** When the read started and ended (`performance.now()`), for the benchmark's timeline. */
  readAt: number;
  readEndAt: number;
  /** Read while the batch before was written. */
  readAhead: boolean;
}

interface MinedRead extends ReadBatch {
  mined: MinedBatch | null;
  mineMs: number;
  mineAt: number;
  mineEndAt: number;
}

/** How a run over a dataset ended. */
type Outcome = { status: PatternStatus } | { error: unknown };

interface Waiter {
  resolve: (status: PatternStatus) => void;
  reject: (error: unknown) => void;
}

/**
 * Message patterns of each dataset: mines the message column after imports, in the
 * background, a batch of rows at a time (one transaction per batch holding the rows'
 * pattern ids, the templates and the miner's state, so a crash or restart resumes where
 * the last batch ended), and answers for templates, assignments and rows per template.
 */
export function createPatternService(deps: PatternServiceDeps) {
  const { db, events, clock, log } = deps;
  const batchRows = deps.batchRows ?? 50_000;
  const minerHost = deps.minerHost ?? createInProcessMinerHost();
  const live = new Map<number, Live>();
  const pending = new Set<number>();
  const waiters = new Map<number, Waiter[]>();
  let current: { datasetId: number; controller: AbortController } | null = null;
  let worker: Promise<void> | null = null;
  let disposed = false;

  const mining = () => db.connection('mining');
  const catalog = () => db.connection('catalog');

  async function hasPatternColumn(connection: DbStatements, dataset: string): Promise<boolean> {
    const { rows } = await connection.all(
      `SELECT 1 FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table AND column_name = $column`,
      { table: dataset, column: patternColumn },
    );
    return rows.length > 0;
  }

  /** Every dataset gets the pattern column when the importer creates its table. */
  async function requirePatternColumn(dataset: string): Promise<void> {
    if (!(await hasPatternColumn(await mining(), dataset))) {
      throw new AppError('patterns_failed', { dataset, detail: `the table has no ${patternColumn} column` });
    }
  }

  async function textColumns(connection: DbStatements, dataset: string): Promise<{ name: string; type: string }[]> {
    const { rows } = await connection.all(
      `SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' AND table_name = $table ORDER BY column_index`,
      { table: dataset },
    );
    return rows.map((r) => ({ name: String(r[0]), type: String(r[1]) })).filter((c) => isTextType(c.type) && !c.name.startsWith('_ls_'));
  }

  async function pickMessageColumn(connection: DbStatements, record: DatasetRecord): Promise<string | null> {
    const columns = (await textColumns(connection, record.name)).filter((c) => c.name !== record.timeColumn);
    if (columns.length === 0) return null;
    const stats = buildMessageStatsQuery(record.name, columns.map((c) => c.name));
    const { rows } = await connection.all(stats.sql, stats.params);
    const values = rows[0] ?? [];
    return chooseMessageColumn(
      columns.map((c, i) => ({
        ...c,
        averageLength: values[2 * i] === null ? null : Number(values[2 * i]),
        spaceShare: values[2 * i + 1] === null ? null : Number(values[2 * i + 1]),
      })),
      { timeColumn: record.timeColumn },
    );
  }

  async function readState(connection: DbStatements, datasetId: number): Promise<{ messageColumn: string | null; minerState: string | null } | null> {
    const { rows } = await connection.all(`SELECT message_column, miner_state FROM logscope.pattern_state WHERE dataset_id = $datasetId`, { datasetId });
    const row = rows[0];
    if (!row) return null;
    return { messageColumn: row[0] === null ? null : String(row[0]), minerState: row[1] === null ? null : String(row[1]) };
  }

  async function counts(connection: DbStatements, record: DatasetRecord): Promise<{ rowsTotal: number; rowsDone: number; counted: number; templates: number }> {
    let rowsTotal: number;
    let rowsDone = 0;
    if (await hasPatternColumn(connection, record.name)) {
      const progress = buildProgressQuery(record.name);
      const { rows } = await connection.all(progress.sql, progress.params);
      rowsTotal = Number(rows[0]?.[0] ?? 0);
      rowsDone = Number(rows[0]?.[1] ?? 0);
    } else {
      const { rows } = await connection.all(`SELECT count(*) FROM ${datasetTable(record.name)}`);
      rowsTotal = Number(rows[0]?.[0] ?? 0);
    }
    const { rows } = await connection.all(
      `SELECT coalesce(sum(count), 0), count(*) FILTER (WHERE count > 0) FROM logscope.pattern_templates WHERE dataset_id = $datasetId`,
      { datasetId: record.id },
    );
    return { rowsTotal, rowsDone, counted: Number(rows[0]?.[0] ?? 0), templates: Number(rows[0]?.[1] ?? 0) };
  }

  async function status(datasetId: number): Promise<PatternStatus> {
    // The counts scan the dataset: on the rows connection, not the catalogue's, which imports wait on.
    const connection = await db.connection('rows');
    const record = await getDatasetRecord(connection, datasetId);
    const stored = await readState(connection, datasetId);
    const measured = await counts(connection, record);
    const running = live.get(datasetId);
    const base = { datasetId, messageColumn: stored?.messageColumn ?? null, templates: measured.templates };
    if (running && running.state !== 'done') {
      const isCurrent = current?.datasetId === datasetId;
      return {
        ...base,
        state: running.state,
        rowsDone: isCurrent ? running.rowsDone : measured.rowsDone,
        rowsTotal: isCurrent ? running.rowsTotal : measured.rowsTotal,
        error: running.error,
      };
    }
    // Finished means every row has a pattern and the counts say so (after a source was
    // removed they are recounted before the dataset counts as done again).
    const isFinished = measured.rowsDone === measured.rowsTotal && measured.counted === measured.rowsDone && !pending.has(datasetId);
    return { ...base, state: isFinished ? 'done' : 'queued', rowsDone: measured.rowsDone, rowsTotal: measured.rowsTotal, error: null };
  }

  function setLive(datasetId: number, next: Live): void {
    live.set(datasetId, next);
    events.emit('patterns.progress', { datasetId, rowsDone: next.rowsDone, rowsTotal: next.rowsTotal, state: next.state });
  }

  function schedule(datasetId: number): void {
    if (disposed) return;
    pending.add(datasetId);
    if (current?.datasetId !== datasetId) {
      const before = live.get(datasetId);
      setLive(datasetId, { state: 'queued', rowsDone: before?.rowsDone ?? 0, rowsTotal: before?.rowsTotal ?? 0, error: null });
    }
    worker ??= runQueue().finally(() => {
      worker = null;
      if (pending.size > 0 && !disposed) schedule(pending.values().next().value!);
    });
  }

  async function runQueue(): Promise<void> {
    while (pending.size > 0 && !disposed) {
      const datasetId = pending.values().next().value!;
      pending.delete(datasetId);
      const controller = new AbortController();
      current = { datasetId, controller };
      let outcome: Outcome;
      try {
        const result = await mineDataset(datasetId, controller.signal);
        outcome = result === 'gone' ? { error: new AppError('dataset_not_found', { name: String(datasetId) }) } : { status: result };
      } catch (error) {
        outcome = { error };
      } finally {
        current = null;
      }
      if (disposed) break;
      if ('error' in outcome) {
        if (outcome.error instanceof AppError && outcome.error.code === 'dataset_not_found') {
          settleWaiters(datasetId, outcome);
          continue;
        }
        const wire = toWireError(outcome.error);
        if (wire.code === 'cancelled' && !pending.has(datasetId)) continue;
        log.error('mining failed', { datasetId, error: outcome.error });
        const before = live.get(datasetId);
        setLive(datasetId, { state: 'failed', rowsDone: before?.rowsDone ?? 0, rowsTotal: before?.rowsTotal ?? 0, error: wire });
        if (!pending.has(datasetId)) settleWaiters(datasetId, { error: new AppError('patterns_failed', { detail: describe(wire) }) });
        continue;
      }
      // New rows arrived while this run went: the next run takes them, and waiters wait for it.
      if (!pending.has(datasetId)) settleWaiters(datasetId, outcome);
    }
  }

  function settleWaiters(datasetId: number, outcome: Outcome): void {
    const list = waiters.get(datasetId) ?? [];
    waiters.delete(datasetId);
    for (const waiter of list) {
      if ('error' in outcome) waiter.reject(outcome.error);
      else waiter.resolve(outcome.status);
    }
  }

  /**
   * One run over a dataset: every unmined row in source and line order, then a recount.
   * Returns the final status, or 'gone' when the dataset was deleted meanwhile.
   */
  async function mineDataset(datasetId: number, signal: AbortSignal): Promise<PatternStatus | 'gone'> {
    const connection = await mining();
    let record = await findDatasetRecord(connection, datasetId);
    if (!record) return 'gone';
    // Pattern ids are a column of the rows: an attached table is the user's, not ours to change.
    if (record.engine?.readOnly) throw new AppError('patterns_unavailable_attached', { name: record.name });
    await requirePatternColumn(record.name);

    let stored = await readState(connection, datasetId);
    let messageColumn = stored?.messageColumn ?? null;
    if (messageColumn === null) {
      messageColumn = await pickMessageColumn(connection, record);
      await connection.transaction(async (tx) => {
        await tx.run(`DELETE FROM logscope.pattern_state WHERE dataset_id = $datasetId`, { datasetId });
        await tx.run(
          `INSERT INTO logscope.pattern_state (dataset_id, message_column, miner_state, rows_mined, updated_at) VALUES ($datasetId, $column, $state, 0, $now::TIMESTAMP)`,
          { datasetId, column: messageColumn, state: stored?.minerState ?? null, now: clock.now().toISOString() },
        );
      }, signal);
      stored = { messageColumn, minerState: stored?.minerState ?? null };
    }
    const measured = await counts(connection, record);
    if (messageColumn === null) {
      setLive(datasetId, { state: 'no_message_column', rowsDone: 0, rowsTotal: measured.rowsTotal, error: null });
      return status(datasetId);
    }

    let persisted = stored?.minerState ?? null;
    /** The merges already applied to the stored rows: those the stored state holds. */
    const restore = async (): Promise<Set<number>> => new Set((await minerHost.reset(deps.minerOptions ?? {}, persisted)).map((m) => m.from));
    let merged = await restore();
    let progress: Live = { state: 'mining', rowsDone: measured.rowsDone, rowsTotal: measured.rowsTotal, error: null };
    setLive(datasetId, progress);

    const spans = buildUnminedSpansQuery(record.name);
    const windows: BatchWindow[] = [];
    for (const [sourceId, minLine, maxLine, nullLines] of (await connection.all(spans.sql, spans.params, signal)).rows) {
      if (minLine !== null && maxLine !== null) {
        for (let from = Number(minLine); from <= Number(maxLine); from += batchRows) {
          windows.push({ sourceId: Number(sourceId), from, to: Math.min(Number(maxLine), from + batchRows - 1) });
        }
      }
      if (Number(nullLines) > 0) windows.push({ sourceId: Number(sourceId), from: null, to: null });
    }

    /*
     * While one batch is written, the next is mined (in the miner's thread) on top of the
     * miner's state after this one, and while it is mined the one after it is read (on a
     * connection of its own): the miner does not wait for DuckDB. The batch read ahead is
     * used only if its window still holds the same unmined rows when its transaction
     * starts; otherwise, and after any failed batch, the miner is reset to the stored
     * state and the batch is read again inside its transaction.
     */
    let ahead: { window: BatchWindow; work: Promise<MinedRead> } | null = null;
    /** Reads started ahead, by window: each starts once the one before it is read, so DuckDB reads while the miner mines. */
    const reads = new Map<number, Promise<ReadBatch>>();
    const readOf = (index: number): Promise<ReadBatch> | null => {
      const window = windows[index];
      if (!window || window.from === null) return null;
      let read = reads.get(index);
      if (!read) {
        const dataset = record!.name;
        read = (async () => readBatch(await db.connection('miningReadAhead'), dataset, messageColumn, window, true))();
        read.catch(() => undefined);
        reads.set(index, read);
      }
      return read;
    };
    const readAhead = (index: number) => {
      const read = readOf(index);
      if (!read) return;
      const work = read.then((batch) => {
        reads.delete(index);
        readOf(index + 1);
        return mineRead(batch);
      });
      work.catch(() => undefined);
      ahead = { window: windows[index]!, work };
    };
    const dropAhead = async () => {
      await ahead?.work.catch(() => undefined);
      ahead = null;
      await Promise.all([...reads.values()].map((read) => read.catch(() => undefined)));
      reads.clear();
    };
    /** The batch read ahead for `window`, if it still holds; else the miner is reset to the stored state. */
    const takeAhead = async (tx: DbStatements, dataset: string, window: BatchWindow): Promise<MinedRead | null> => {
      const taken = ahead;
      ahead = null;
      if (!taken) return null;
      const read = await taken.work.catch(() => null);
      if (read && taken.window === window) {
        const check = buildUnminedCheckQuery(dataset, window, batchRows);
        const now = (await tx.all(check.sql, check.params)).rows[0];
        if (Number(now?.[0] ?? 0) === read.lines && Number(now?.[1] ?? 0) === read.rowIdSum) return read;
      }
      merged = await restore();
      return null;
    };

    for (const [windowIndex, window] of windows.entries()) {
      for (;;) {
        let mined = 0;
        for (let attempt = 1; ; attempt++) {
          try {
            const dataset = record.name;
            mined = await connection.transaction(async (tx) => {
              const batch = (await takeAhead(tx, dataset, window)) ?? (await mineRead(await readBatch(tx, dataset, messageColumn, window)));
              if (window.from !== null) readAhead(windowIndex + 1);
              await writeBatch(tx, { datasetId, dataset, window, merged }, batch);
              if (batch.mined) {
                const started = performance.now();
                const { state } = batch.mined;
                await tx.run(
                  `UPDATE logscope.pattern_state SET miner_state = $state, rows_mined = rows_mined + $lines, updated_at = $now::TIMESTAMP WHERE dataset_id = $datasetId`,
                  { datasetId, state, lines: batch.lines, now: clock.now().toISOString() },
                );
                persisted = state;
                for (const merge of batch.mined.merges) merged.add(merge.from);
                log.debug('patterns state', { datasetId, stateBytes: state.length, stateMs: performance.now() - started, stateEndAt: performance.now() });
              }
              return batch.lines;
            }, signal);
            break;
          } catch (error) {
            // The transaction rolled back: the miner is ahead of what was stored.
            await dropAhead();
            merged = await restore();
            if (signal.aborted || !isConflict(error) || attempt >= conflictAttempts) throw error;
            log.debug('mining batch met a concurrent change; trying again', { datasetId, attempt, error });
            await delay(100 * 2 ** attempt, signal);
            record = await findDatasetRecord(connection, datasetId);
            if (!record) return 'gone';
          }
        }
        if (mined === 0) break;
        progress = { ...progress, rowsDone: progress.rowsDone + mined };
        setLive(datasetId, progress);
        // A window of lines holds at most `batchRows` rows; rows without a line number are taken until none are left.
        if (window.from !== null || mined < batchRows) break;
      }
    }

    await connection.transaction(async (tx) => {
      for (const statement of buildRecountSql(datasetId, record.name, record.timeColumn)) await tx.run(statement.sql, statement.params);
    }, signal);
    const final = await counts(connection, record);
    setLive(datasetId, { state: 'done', rowsDone: final.rowsDone, rowsTotal: final.rowsTotal, error: null });
    if (final.counted !== final.rowsDone) log.warn('pattern counts do not add up to the mined rows', { datasetId, ...final });
    return status(datasetId);
  }

  async function mineRead(read: ReadBatch): Promise<MinedRead> {
    const started = performance.now();
    if (read.lines === 0) return { ...read, mined: null, mineMs: 0, mineAt: started, mineEndAt: started };
    const mined = await minerHost.mine(read.messages);
    const ended = performance.now();
    return { ...read, mined, mineMs: ended - started, mineAt: started, mineEndAt: ended };
  }

  /** One window's unmined rows, in line order. */
  async function readBatch(statements: DbStatements, dataset: string, messageColumn: string, window: BatchWindow, readAhead = false): Promise<ReadBatch> {
    const started = performance.now();
    const query = buildBatchQuery(dataset, messageColumn, window, batchRows);
    const { rows } = await statements.all(query.sql, query.params);
    const lines = Number(rows[0]?.[0] ?? 0);
    const { rowIds, messages } = lines === 0 ? { rowIds: '', messages: [] } : parseBatch(String(rows[0]![1]), lines);
    const ended = performance.now();
    return { lines, rowIdSum: Number(rows[0]?.[2] ?? 0), rowIds, messages, readMs: ended - started, readAt: started, readEndAt: ended, readAhead };
  }

  /** Writes one mined window inside the caller's transaction. */
  async function writeBatch(tx: DbStatements, job: { datasetId: number; dataset: string; window: BatchWindow; merged: ReadonlySet<number> }, read: MinedRead): Promise<void> {
    const { datasetId, dataset, window, merged } = job;
    const { lines, rowIds, messages, mined: batch } = read;
    if (!batch) return;
    const started = performance.now();
    const minedTable = buildMinedTableSql(rowIds, batch.patternIds.join(','));
    await tx.run(minedTable.sql, minedTable.params);
    const assign = buildAssignSql(dataset, window);
    await tx.run(assign.sql, assign.params);
    const written = performance.now();

    // Templates found to be one event since the last batch: their rows and counts move to the survivor.
    const newMerges = batch.merges.filter((m) => !merged.has(m.from));
    if (newMerges.length > 0) {
      const mergesTable = buildMergesTableSql(newMerges.map((m) => m.from).join(','), newMerges.map((m) => m.into).join(','));
      await tx.run(mergesTable.sql, mergesTable.params);
      const mergeRows = buildMergeRowsSql(dataset);
      await tx.run(mergeRows.sql, mergeRows.params);
      for (const statement of buildMergeTemplatesSql(datasetId)) await tx.run(statement.sql, statement.params);
    }

    const texts = new Map(batch.texts);
    const batchCounts = new Map(batch.counts.map((entry) => [entry.id, entry]));
    const touched = new Set([...batchCounts.keys(), ...newMerges.map((m) => m.into)]);
    const templates: BatchTemplate[] = [...touched].map((id) => {
      const entry = batchCounts.get(id);
      return { id, template: texts.get(id) ?? '', count: entry?.count ?? 0, example: entry ? clip(messages[entry.exampleIndex]!) : null };
    });
    const batchTable = buildBatchTemplatesTableSql(templates);
    await tx.run(batchTable.sql, batchTable.params);
    for (const statement of buildUpsertTemplatesSql(datasetId, clock.now())) await tx.run(statement.sql, statement.params);
    // What a batch costs, step by step (the benchmark reads these).
    log.debug('patterns batch', {
      datasetId,
      lines,
      readMs: read.readMs,
      mineMs: read.mineMs,
      assignMs: written - started,
      templatesMs: performance.now() - written,
      readAt: read.readAt,
      readEndAt: read.readEndAt,
      mineAt: read.mineAt,
      mineEndAt: read.mineEndAt,
      writeAt: started,
      writeEndAt: performance.now(),
      readAhead: read.readAhead,
      merges: newMerges.length,
    });
  }

  async function wait(datasetId: number, signal: AbortSignal): Promise<PatternStatus> {
    const now = await status(datasetId);
    if (now.state === 'done' || now.state === 'no_message_column') return now;
    return new Promise<PatternStatus>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        reject: (error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        const list = waiters.get(datasetId) ?? [];
        waiters.set(datasetId, list.filter((w) => w !== waiter));
        reject(new AppError('cancelled'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiters.set(datasetId, [...(waiters.get(datasetId) ?? []), waiter]);
      if (current?.datasetId !== datasetId) schedule(datasetId);
    });
  }

  async function list(input: ParsedInput<'patterns.list'>, signal: AbortSignal): Promise<Output<'patterns.list'>> {
    const connection = await db.connection('rows');
    const record = await getDatasetRecord(connection, input.datasetId);
    if (record.engine?.readOnly) throw new AppError('patterns_unavailable_attached', { name: record.name });
    const currentStatus = await status(input.datasetId);
    const hasColumn = await hasPatternColumn(connection, record.name);
    const timeColumn = record.timeColumn;
    const datasetRange: TimeWindow | null =
      timeColumn && record.timeMin && record.timeMax
        ? { from: record.timeMin, to: new Date(Date.parse(record.timeMax) + 1).toISOString() }
        : null;
    const range = timeColumn ? (input.range ?? datasetRange) : null;
    const before = input.range && timeColumn ? previousRange(input.range) : null;
    const empty = { status: currentStatus, range, previousRange: before, bucketMs: null, total: 0, rows: 0, templates: [] };
    if (!hasColumn) return empty;
    if (record.engine) return listOnEngine(record, input, empty, range, signal);

    const query = buildPatternListQuery({
      datasetId: record.id,
      dataset: record.name,
      timeColumn,
      range: input.range && timeColumn ? input.range : null,
      search: input.search,
      offset: input.offset,
      limit: input.limit,
    });
    const { rows } = await connection.all(query.sql, query.params, signal);
    let rowsBefore = 0;
    if (input.range && timeColumn) {
      const beforeQuery = buildRowsBeforeQuery(record.name, timeColumn, input.range);
      rowsBefore = Number((await connection.all(beforeQuery.sql, beforeQuery.params, signal)).rows[0]?.[0] ?? 0);
    }
    const templates: PatternSummary[] = rows.map((r) => {
      const previous = r[6] === null ? null : Number(r[6]);
      return {
        patternId: Number(r[0]),
        template: String(r[1]),
        count: Number(r[2]),
        firstSeen: toCell(r[3]) as string | null,
        lastSeen: toCell(r[4]) as string | null,
        example: r[5] === null ? null : String(r[5]),
        previousCount: input.range && timeColumn ? (previous ?? 0) : null,
        isNew: input.range !== null && timeColumn !== null && rowsBefore > 0 && (previous ?? 0) === 0,
        sparkline: [],
      };
    });

    let bucketMs: number | null = null;
    if (timeColumn && range && input.sparklineBuckets > 0 && templates.length > 0) {
      bucketMs = sparklineBucketMs(range, input.sparklineBuckets);
      const byId = new Map(templates.map((t) => [t.patternId, t]));
      for (const t of templates) t.sparkline = new Array<number>(input.sparklineBuckets).fill(0);
      const spark = buildSparklineQuery(record.name, timeColumn, range, bucketMs, templates.map((t) => t.patternId));
      for (const [id, bucket, count] of (await connection.all(spark.sql, spark.params, signal)).rows) {
        const line = byId.get(Number(id))?.sparkline;
        const index = Number(bucket);
        if (line && index >= 0 && index < line.length) line[index] = Number(count);
      }
    }
    return {
      ...empty,
      bucketMs,
      total: Number(rows[0]?.[7] ?? 0),
      rows: Number(rows[0]?.[8] ?? 0),
      templates,
    };
  }

  /**
   * The list of a ClickHouse dataset: the miner's templates (text and example: local), with
   * their rows, first and last sighting (whole seconds there), "new" and sparklines counted
   * on the server, ranked
   * as DuckDB's list ranks them (most rows, then id).
   */
  async function listOnEngine(
    record: DatasetRecord,
    input: ParsedInput<'patterns.list'>,
    empty: Output<'patterns.list'>,
    range: TimeWindow | null,
    signal: AbortSignal,
  ): Promise<Output<'patterns.list'>> {
    if (!deps.engines) throw new AppError('internal', { message: `no engine service for dataset ${record.name}` });
    const engines = deps.engines;
    const timeColumn = record.timeColumn;
    const window = input.range && timeColumn ? input.range : null;
    const counted = await engines.query(record, (table) => buildClickHousePatternCountsQuery(table, timeColumn, window), signal);
    const counts = new Map(counted.map(([id, n, previous]) => [Number(id), { n: Number(n), previous: Number(previous) }]));
    const seen = new Map<number, [string, string]>();
    const iso = (seconds: Cell) => new Date(Number(seconds) * 1000).toISOString();
    if (timeColumn) {
      for (const [id, first, last] of await engines.query(record, (table) => buildClickHousePatternSeenQuery(table, timeColumn), signal)) seen.set(Number(id), [iso(first!), iso(last!)]);
    }
    const connection = await db.connection('rows');
    const search = input.search ? ` AND template ILIKE '%' || $search || '%' ESCAPE '\\'` : '';
    const { rows: known } = await connection.all(
      `SELECT pattern_id, template, example FROM logscope.pattern_templates WHERE dataset_id = $datasetId${search}`,
      { datasetId: record.id, ...(input.search ? { search: escapeLike(input.search) } : {}) },
      signal,
    );
    const ranked = known
      .map((r) => ({ row: r, count: counts.get(Number(r[0])) ?? { n: 0, previous: 0 } }))
      .filter((t) => t.count.n > 0)
      .sort((a, b) => b.count.n - a.count.n || Number(a.row[0]) - Number(b.row[0]));
    const rowsBefore = window && timeColumn ? Number((await engines.query(record, (table) => buildClickHouseRowsBeforeQuery(table, timeColumn, window), signal))[0]?.[0] ?? 0) : 0;
    const templates: PatternSummary[] = ranked.slice(input.offset, input.offset + input.limit).map(({ row: r, count }) => ({
      patternId: Number(r[0]),
      template: String(r[1]),
      count: count.n,
      firstSeen: seen.get(Number(r[0]))?.[0] ?? null,
      lastSeen: seen.get(Number(r[0]))?.[1] ?? null,
      example: r[2] === null ? null : String(r[2]),
      previousCount: window ? count.previous : null,
      isNew: window !== null && rowsBefore > 0 && count.previous === 0,
      sparkline: [],
    }));
    let bucketMs: number | null = null;
    if (timeColumn && range && input.sparklineBuckets > 0 && templates.length > 0) {
      const ms = sparklineBucketMs(range, input.sparklineBuckets);
      bucketMs = ms;
      const byId = new Map(templates.map((t) => [t.patternId, t]));
      for (const t of templates) t.sparkline = new Array<number>(input.sparklineBuckets).fill(0);
      const ids = templates.map((t) => t.patternId);
      for (const [id, bucket, count] of await engines.query(record, (table) => buildClickHouseSparklineQuery(table, timeColumn, range, ms, ids), signal)) {
        const line = byId.get(Number(id))?.sparkline;
        const index = Number(bucket);
        if (line && index >= 0 && index < line.length) line[index] = Number(count);
      }
    }
    return { ...empty, bucketMs, total: ranked.length, rows: ranked.reduce((sum, t) => sum + t.count.n, 0), templates };
  }

  async function assign(input: ParsedInput<'patterns.assign'>, signal: AbortSignal): Promise<Output<'patterns.assign'>> {
    const connection = await db.connection('rows');
    const record = await getDatasetRecord(connection, input.datasetId);
    const hasColumn = await hasPatternColumn(connection, record.name);
    const names = new Map(
      (await connection.all(`SELECT id, file_name FROM logscope.source_files WHERE dataset_id = $datasetId`, { datasetId: record.id })).rows.map((r) => [
        Number(r[0]),
        String(r[1]),
      ]),
    );
    const spans = buildLineSpansQuery(record.name);
    const out: Output<'patterns.assign'>['rows'] = [];
    let last: { sourceId: number; line: number } | null = null;
    for (const [sourceValue, minLine, maxLine] of (await connection.all(spans.sql, spans.params, signal)).rows) {
      const sourceId = Number(sourceValue);
      if (minLine === null || maxLine === null || (input.after && sourceId < input.after.sourceId)) continue;
      let from = input.after && sourceId === input.after.sourceId ? input.after.line + 1 : Number(minLine);
      const max = Number(maxLine);
      while (from <= max && out.length < input.limit) {
        // At most one row per line: a window of as many lines as rows are still wanted.
        const to = Math.min(max, from + (input.limit - out.length) - 1);
        const page = buildAssignmentPageQuery(record.name, sourceId, from, to, hasColumn);
        for (const [line, patternId] of (await connection.all(page.sql, page.params, signal)).rows) {
          out.push({ sourceId, source: names.get(sourceId) ?? null, line: Number(line), patternId: patternId === null ? null : Number(patternId) });
        }
        last = { sourceId, line: to };
        from = to + 1;
      }
      if (out.length >= input.limit) break;
    }
    // A full page may be followed by more; the page after the last row comes back empty.
    return { rows: out, next: out.length >= input.limit ? last : null };
  }

  async function rows(input: ParsedInput<'patterns.rows'>, signal: AbortSignal): Promise<Output<'patterns.rows'>> {
    const connection = await db.connection('rows');
    const record = await getDatasetRecord(connection, input.datasetId);
    if (!(await hasPatternColumn(connection, record.name))) return { columns: [], rows: [], offset: input.offset, total: 0 };
    const query = buildPatternRowsQuery({
      dataset: record.name,
      patternId: input.patternId,
      timeColumn: record.timeColumn,
      range: input.range,
      offset: input.offset,
      limit: input.limit,
    });
    const page = await connection.all(query.page.sql, query.page.params, signal);
    const total = await connection.all(query.count.sql, query.count.params, signal);
    return { columns: page.columns, rows: page.rows.map((row) => row.map(toCell)), offset: input.offset, total: Number(total.rows[0]?.[0] ?? 0) };
  }

  async function forget(datasetId: number): Promise<void> {
    pending.delete(datasetId);
    live.delete(datasetId);
    if (current?.datasetId === datasetId) current.controller.abort();
    const connection = await catalog();
    await connection.transaction(async (tx) => {
      await tx.run(`DELETE FROM logscope.pattern_templates WHERE dataset_id = $datasetId`, { datasetId });
      await tx.run(`DELETE FROM logscope.pattern_state WHERE dataset_id = $datasetId`, { datasetId });
    });
    settleWaiters(datasetId, { error: new AppError('dataset_not_found', { name: String(datasetId) }) });
  }

  /**
   * Removes what deleted datasets left, and in the background resumes datasets with
   * unmined rows or counts to redo.
   */
  async function start(): Promise<void> {
    const connection = await catalog();
    await connection.run(`DELETE FROM logscope.pattern_templates WHERE dataset_id NOT IN (SELECT id FROM logscope.datasets)`);
    await connection.run(`DELETE FROM logscope.pattern_state WHERE dataset_id NOT IN (SELECT id FROM logscope.datasets)`);
    const { rows } = await connection.all(`SELECT id FROM logscope.datasets ORDER BY id`);
    for (const [id] of rows) {
      const datasetId = Number(id);
      try {
        if (deps.background && (await status(datasetId)).state !== 'done') schedule(datasetId);
      } catch (error) {
        // One dataset's trouble must not keep the owner from starting; mining it reports it.
        log.warn('could not prepare a dataset for patterns', { datasetId, error });
      }
    }
  }

  const unsubscribe = events.on('datasets.changed', ({ reason, datasetId }) => {
    if (datasetId === null || disposed) return;
    if (reason === 'deleted') {
      forget(datasetId).catch((error: unknown) => log.warn('could not forget patterns of a deleted dataset', { datasetId, error }));
      return;
    }
    // An import or a removed source: mine new rows and recount (in the background only).
    // After the event has reached every listener, so clients hear of the import first.
    if ((reason === 'imported' || reason === 'created') && deps.background) queueMicrotask(() => schedule(datasetId));
  });

  async function dispose(): Promise<void> {
    disposed = true;
    unsubscribe();
    current?.controller.abort();
    await worker?.catch(() => undefined);
    for (const datasetId of [...waiters.keys()]) settleWaiters(datasetId, { error: new AppError('cancelled') });
    await minerHost.close();
  }

  return { start, status, wait, list, assign, rows, dispose };
}

export type PatternService = ReturnType<typeof createPatternService>;

/** The contract's pattern methods, bound to the service. */
export function createPatternHandlers(
  patterns: PatternService,
): Pick<Handlers, 'patterns.status' | 'patterns.wait' | 'patterns.list' | 'patterns.assign' | 'patterns.rows'> {
  return {
    'patterns.status': (input) => patterns.status(input.datasetId),
    'patterns.wait': (input, { signal }) => patterns.wait(input.datasetId, signal),
    'patterns.list': (input, { signal }) => patterns.list(input, signal),
    'patterns.assign': (input, { signal }) => patterns.assign(input, signal),
    'patterns.rows': (input, { signal }) => patterns.rows(input, signal),
  };
}

function clip(text: string): string {
  return text.length > exampleMaxLength ? `${text.slice(0, exampleMaxLength - 1)}…` : text;
}

function describe(wire: WireError): string {
  const detail = Object.values(wire.params).filter((v) => v !== null && v !== '').join(': ');
  return detail ? `${wire.code}: ${detail}` : wire.code;
}

/**
 * DuckDB's optimistic concurrency: a schema change, rename or delete by another
 * connection makes this batch's transaction fail; it is tried again from the stored state.
 */
function isConflict(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /conflict|altered|has been dropped|does not exist|Catalog Error/i.test(message);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new AppError('cancelled'));
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AppError('cancelled'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
