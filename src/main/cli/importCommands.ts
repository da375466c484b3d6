import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { AppError } from '../../shared/api/errors';
import {
  importFormats,
  type FilePreview,
  type ImportItemResult,
  type ImportJob,
  type ImportOptions,
  type ImportProgress,
  type ImportResult,
} from '../../shared/api/contract/imports';
import type { Input } from '../../shared/api/contract';
import type { Api } from '../../shared/api/client';
import type { CommandContext } from '../cli';
import { withApi } from './session';
import { jsonLine } from './output';
import { createProgressLine } from './progress';

interface ImportFlags {
  dataset?: string;
  format?: ImportOptions['format'];
  delimiter?: string;
  header?: boolean;
  timeColumn?: string;
  timeFormat?: string;
  tz?: string;
  encoding?: string;
  pattern?: string;
  patternName?: string;
  maxUnpackedSize?: number;
  maxRatio?: number;
  engine?: string;
}

/** The `--json` keys scripts rely on, for one imported (or previewed) file. */
export function importJson(result: ImportResult) {
  return {
    file: result.file,
    dataset: result.dataset,
    source_id: result.sourceId,
    format: result.format,
    encoding: result.encoding,
    columns: result.columns,
    time_column: result.timeColumn,
    level_column: result.levelColumn,
    tz: result.timeZone,
    lines: result.lines,
    rows: result.rows,
    rejected: result.rejected,
    skipped: result.skipped,
    time_unparsed: result.timeUnparsed,
    joined: result.joined,
    archive: result.archive,
    member: result.member,
    duplicate: result.duplicate,
    grown_from: result.grownFrom ? { source_id: result.grownFrom.sourceId, from_line: result.grownFrom.fromLine } : null,
    time_min: result.timeMin,
    time_max: result.timeMax,
    elapsed_ms: result.elapsedMs,
  };
}

export function detectJson(file: string, preview: FilePreview) {
  return {
    file,
    dataset: preview.dataset.name,
    dataset_exists: preview.dataset.exists,
    format: preview.format,
    encoding: preview.encoding,
    delimiter: preview.delimiter,
    header: preview.header,
    columns: preview.columns.map((c) => ({ name: c.name, type: c.type })),
    time_column: preview.timeColumn,
    time_format: preview.timeFormat,
    level_column: null,
    tz: preview.timeZone,
    lines: null,
    rows: preview.estimatedRows,
    rejected: preview.sampleRejected,
    skipped: null,
    duplicate: preview.maybeDuplicateOf !== null,
    time_min: null,
    time_max: null,
    schema_changes: preview.schemaChanges,
    renamed_columns: preview.renamedColumns,
    archive: preview.archive?.name ?? null,
    member: preview.archive?.member ?? null,
    pattern: preview.pattern,
    pattern_name: preview.patternName,
    time_layout: preview.timeLayout,
    assumed_time: preview.assumedTime,
    multiline: preview.multiline,
    sample_joined: preview.sampleJoined,
    fits: preview.fits,
    alternatives: preview.alternatives,
    sample_rows: preview.sampleRows,
  };
}

/** A size in bytes, with an optional unit: `500MB`, `20GB`, `1.5GiB`, `1000000` (a bad one is a usage error). */
export function parseByteSize(value: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|kib|mb|mib|gb|gib|tb|tib)?\s*$/i.exec(value);
  if (!match) throw new InvalidArgumentError('expected a size such as 500MB or 20GB');
  const units: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3, tb: 1e12, tib: 1024 ** 4 };
  const bytes = Math.round(Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()]!);
  if (bytes < 1) throw new InvalidArgumentError('expected a size of at least 1 byte');
  return bytes;
}

function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('expected a number above 0');
  return n;
}

function optionsFrom(flags: ImportFlags, datasets: { id: number; name: string }[]): ImportOptions {
  if (flags.tz) {
    try {
      new Intl.DateTimeFormat('en', { timeZone: flags.tz });
    } catch {
      throw new AppError('timezone_invalid', { zone: flags.tz });
    }
  }
  const existing = flags.dataset ? datasets.find((d) => d.name.toLowerCase() === flags.dataset!.toLowerCase()) : undefined;
  return {
    ...(flags.format ? { format: flags.format } : {}),
    ...(flags.delimiter ? { delimiter: flags.delimiter === '\\t' ? '\t' : flags.delimiter } : {}),
    ...(flags.header !== undefined ? { header: flags.header } : {}),
    ...(flags.timeColumn ? { timeColumn: flags.timeColumn } : {}),
    ...(flags.timeFormat ? { timeFormat: flags.timeFormat } : {}),
    ...(flags.tz ? { timeZone: flags.tz } : {}),
    ...(flags.encoding ? { encoding: flags.encoding } : {}),
    ...(flags.pattern ? { pattern: flags.pattern } : {}),
    ...(flags.patternName ? { patternName: flags.patternName } : {}),
    ...(flags.maxUnpackedSize ? { maxUnpackedBytes: flags.maxUnpackedSize } : {}),
    ...(flags.maxRatio ? { maxCompressionRatio: flags.maxRatio } : {}),
    ...(flags.dataset ? { dataset: existing ? { kind: 'existing' as const, datasetId: existing.id } : { kind: 'new' as const, name: flags.dataset } } : {}),
  };
}

const addImportOptions = (command: Command) =>
  command
    .option('--dataset <name>', 'the dataset to import into (created if it does not exist; default: from the file name)')
    .addOption(new Option('--format <format>', 'force the format instead of detecting it (an example line of each: README, "Supported formats")').choices([...importFormats]))
    .option('--encoding <label>', 'the text encoding instead of detecting it: utf-8, utf-16le, utf-16be, euc-kr (cp949), windows-1252 (latin1), …')
    .option('--pattern <regex>', 'read each line with your own regular expression; each named group (?<name>…) becomes a column')
    .option('--pattern-name <name>', 'save --pattern under this name, or use the pattern saved under it')
    .option('--max-unpacked-size <bytes>', 'the most bytes a .gz or .zip may unpack to (default 64 GiB)', parseByteSize)
    .option('--max-ratio <n>', 'the highest ratio of unpacked to packed size of a .gz or .zip (default 200)', parsePositiveNumber)
    .option('--delimiter <char>', 'CSV delimiter (e.g. ";" or "\\t")')
    .option('--header', 'the first line is a header')
    .option('--no-header', 'the file has no header line')
    .option('--time-column <column>', 'the column that holds the time')
    .option('--time-format <format>', 'iso, epoch_s, epoch_ms, epoch_us, epoch_ns, or a strptime pattern such as "%d/%m/%Y %H:%M:%S"')
    .option('--tz <zone>', 'time zone of times written without an offset (default: this computer\'s)');

export function registerImportCommands(program: Command, context: CommandContext) {
  addImportOptions(
    program
      .command('import')
      .description('import log files into datasets (one transaction per file; a file already imported is skipped)')
      .argument('<files...>', 'files to import'),
  )
    .option('--engine <name>', 'then copy each imported dataset into this ClickHouse connection (logscope engine add); its dashboard runs there')
    .addHelpText(
      'after',
      [
        '',
        `Formats (detected; --format forces one): ${importFormats.join(', ')}.`,
        'A .gz is read as its content; each file in a .zip is imported as a source of its own (one --json object each).',
        '',
        'Examples:',
        '  $ npx logscope import access-2024-03-01.csv access-2024-03-02.csv --json',
        '  $ npx logscope import app.jsonl --dataset app --tz Asia/Seoul',
        '  $ npx logscope import access.log.1.gz logs-week-12.zip',
        '  $ npx logscope import export.csv --encoding cp949',
        '  $ npx logscope import access.log --engine team',
        "  $ npx logscope import app.log --pattern '^(?<time>\\S+ \\S+) \\[(?<level>\\w+)\\] (?<message>.*)' --pattern-name myapp",
      ].join('\n'),
    )
    .action(async (fileArgs: string[], flags: ImportFlags) => {
      const globals = context.globals();
      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api) => {
        const options = optionsFrom(flags, await api.call('datasets.list', {}));
        // A connection that does not exist is refused before anything is imported.
        const engine = flags.engine ? (await api.call('engines.list', {})).find((c) => c.name.toLowerCase() === flags.engine!.trim().toLowerCase()) : undefined;
        if (flags.engine && !engine) throw new AppError('engine_not_found', { name: flags.engine });
        const files = (paths: string[]) => paths.map((file) => ({ file: { path: path.resolve(file) }, options }));
        const progress = createProgressLine(process.stderr);
        let results: ImportItemResult[];
        let job: ImportJob | null = null;
        try {
          if (engine) {
            // The app's own path: the import, then the push and link, as one job of the owner.
            job = await runImportJob(api, { files: files(fileArgs), origin: 'command', engine: engine.name }, context.signal, (p) => progress.update(p));
            if (job.phase === 'cancelled' && job.pushes.every((push) => push.phase !== 'cancelled')) throw new AppError('cancelled');
            if (job.error) throw new AppError(job.error.code as never, job.error.params as never);
            results = job.results;
          } else {
            const jobId = randomUUID();
            const stop = api.on('import.progress', (p) => {
              if (p.jobId === jobId) progress.update(p);
            });
            try {
              results = await api.call('import.run', { jobId, origin: 'command', files: files(fileArgs) }, { signal: context.signal });
            } finally {
              stop();
            }
          }
        } finally {
          progress.done();
        }
        for (const item of results) {
          if (!item.ok) {
            context.fail(new AppError(item.error.code as never, item.error.params as never), { file: item.file });
            continue;
          }
          const r = item.result;
          if (globals.json) context.out(jsonLine(importJson(r)));
          else if (r.duplicate) context.out(`${r.file}: already imported into ${r.dataset}; nothing imported\n`);
          else
            context.out(
              `${r.file} → ${r.dataset}: ${r.rows.toLocaleString('en-US')} rows` +
                `${r.rejected ? `, ${r.rejected.toLocaleString('en-US')} rejected` : ''}` +
                `${r.joined ? `, ${r.joined.toLocaleString('en-US')} lines joined to the entry before them` : ''}` +
                `${r.grownFrom ? ` (new lines from line ${r.grownFrom.fromLine})` : ''} in ${(r.elapsedMs / 1000).toFixed(1)} s\n`,
            );
        }
        if (!engine || !job) return;
        // Each dataset once, after all its files: the push sent what ClickHouse did not hold yet (by content hash).
        for (const pushed of job.pushes) {
          const dataset = pushed.dataset;
          if (pushed.phase === 'done') {
            if (globals.json)
              context.out(jsonLine({ push: { engine: engine.name, dataset, table: pushed.table, rows: pushed.rowsSent, duplicates: pushed.duplicates, without_time: pushed.withoutTime } }));
            else
              context.out(
                `${dataset} → ClickHouse ${engine.name}.${pushed.table}: ${pushed.rowsSent.toLocaleString('en-US')} rows sent` +
                  `${pushed.duplicates ? `, ${pushed.duplicates.toLocaleString('en-US')} already there` : ''}` +
                  `${pushed.withoutTime ? `, ${pushed.withoutTime.toLocaleString('en-US')} without a time kept only locally` : ''}\n`,
              );
          } else if (pushed.error) {
            context.fail(new AppError(pushed.error.code as never, pushed.error.params as never), { dataset, kept: 'on this computer' });
          } else if (pushed.phase === 'cancelled') {
            context.fail(new AppError('cancelled'), { dataset, kept: 'on this computer' });
          }
        }
      });
    });

  addImportOptions(
    program
      .command('detect')
      .description('show what Logscope recognises in a file, without importing it')
      .argument('<file>', 'the file to look at'),
  )
    .addHelpText('after', '\nExample:\n  $ npx logscope detect access.log --json')
    .action(async (file: string, flags: ImportFlags) => {
      const globals = context.globals();
      await withApi({ ...globals, log: context.log, say: context.say, signal: context.signal }, async (api: Api) => {
        const options = optionsFrom(flags, await api.call('datasets.list', {}));
        const items = await api.call('import.preview', { files: [{ path: path.resolve(file) }], options: [options] }, { signal: context.signal });
        // A zip gives one preview per member.
        for (const item of items) {
          if (!item.ok) {
            if (items.length === 1) throw new AppError(item.error.code as never, item.error.params as never);
            context.fail(new AppError(item.error.code as never, item.error.params as never), { file: item.file });
            continue;
          }
          const preview = item.preview;
          const shown = preview.archive ? `${file}/${preview.archive.member}` : file;
          if (globals.json) {
            context.out(jsonLine(detectJson(shown, preview)));
            continue;
          }
          const assumed = preview.assumedTime;
          context.out(
            [
              `${shown}: ${preview.format}${preview.delimiter ? ` (delimiter ${JSON.stringify(preview.delimiter)})` : ''}, ${preview.encoding}`,
              `dataset: ${preview.dataset.name}${preview.dataset.exists ? ' (append)' : ' (new)'}`,
              `time: ${preview.timeColumn ?? 'none'}${preview.timeColumn ? ` (${preview.timeLayout ?? preview.timeFormat}${preview.timeZone ? `, read in ${preview.timeZone}` : ''})` : ''}`,
              ...(assumed
                ? [
                    `no ${assumed.kind} in the timestamps: ${assumed.value} assumed from the ${assumed.source.replaceAll('_', ' ')} (${assumed.reference})` +
                      (assumed.sampleRolledBack ? `; ${assumed.sampleRolledBack} sample lines placed a ${assumed.kind === 'year' ? 'year' : 'day'} earlier` : ''),
                  ]
                : []),
              `columns: ${preview.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`,
              ...(preview.pattern ? [`lines read with: ${preview.pattern}`] : []),
              ...(preview.multiline ? [`entries may span lines: ${preview.sampleJoined} sample lines join the entry before them`] : []),
              `about ${preview.estimatedRows.toLocaleString('en-US')} rows; ${preview.sampleRejected} of the sample's lines would be rejected`,
            ].join('\n') + '\n',
          );
        }
      });
    });
}

/**
 * Starts an import as a job of the owner (the app, `serve`, or this process) and waits until
 * it has finished, pushes included; an interrupt cancels the job there.
 */
export async function runImportJob(api: Api, input: Input<'import.start'>, signal: AbortSignal, onProgress: (progress: ImportProgress) => void): Promise<ImportJob> {
  // Events may come before `import.start` answers: the ones of jobs not known yet are kept.
  const finishedEarly = new Map<string, ImportJob>();
  let jobId: string | null = null;
  let settle: (job: ImportJob) => void = () => undefined;
  const finished = new Promise<ImportJob>((resolve) => (settle = resolve));
  const stopJob = api.on('import.job', ({ job }) => {
    if (job.phase === 'running') return;
    if (jobId === null) finishedEarly.set(job.jobId, job);
    else if (job.jobId === jobId) settle(job);
  });
  const stopProgress = api.on('import.progress', (p) => {
    if (p.jobId === jobId) onProgress(p);
  });
  const cancel = () => {
    if (jobId !== null) void api.call('import.cancel', { jobId }).catch(() => undefined);
  };
  try {
    const started = await api.call('import.start', input, { signal });
    jobId = started.jobId;
    const early = finishedEarly.get(jobId);
    if (early) settle(early);
    signal.addEventListener('abort', cancel, { once: true });
    if (signal.aborted) cancel();
    return await finished;
  } finally {
    signal.removeEventListener('abort', cancel);
    stopJob();
    stopProgress();
  }
}
