/**
 * The format corpus (test/fixtures/corpus): public sample lines of many log formats, each
 * line with the time and level its format's definition says it has, imported through the
 * real importer and scored line by line. test/integration/corpus.test.ts holds today's
 * figures as floors; the `corpus` bench prints the same scores.
 *
 * - lnav: one file per line shape of lnav's format definitions (`lnav-truth.json`, made by
 *   `scripts/corpus/lnav.ts`).
 * - loghub: the four 2,000-line samples of test/fixtures/loghub, their truth read from the
 *   structured CSV beside each.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { AppCore } from '../../src/main/app';
import type { ImportResult } from '../../src/shared/api/contract/imports';
import { canonicalLevel } from '../../src/shared/detect/levels';
import { quoteIdent } from '../../src/shared/sql/quote';
import { parseCsv } from './csv';

export const corpusDir = path.resolve(import.meta.dirname, '../fixtures/corpus');
export const loghubDir = path.resolve(import.meta.dirname, '../fixtures/loghub');

export type TruthTime =
  | { kind: 'instant' | 'local'; value: string }
  | { kind: 'no_year'; value: string }
  | { kind: 'time_only'; value: string };

export interface TruthLine {
  line: number;
  time: TruthTime | null;
  /** lnav's level names: trace, debug, info, notice, warning, error, critical, fatal. */
  level: string | null;
}

export interface CorpusFile {
  /** Path under the corpus folder (lnav) or the loghub folder. */
  file: string;
  source: 'lnav' | 'loghub';
  /** The format's name in its source (lnav's definition, or the loghub system). */
  format: string;
  variant: string;
  lines: TruthLine[];
}

export function lnavCorpus(): CorpusFile[] {
  const truth = JSON.parse(fs.readFileSync(path.join(corpusDir, 'lnav-truth.json'), 'utf8')) as { files: Omit<CorpusFile, 'source'>[] };
  return truth.files.map((f) => ({ ...f, file: path.join(corpusDir, f.file), source: 'lnav' as const }));
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: string | number) => String(n).padStart(2, '0');

/** The loghub truth: each system's structured columns, read as that system writes them. */
function loghubTime(system: string, row: Record<string, string>): TruthTime | null {
  switch (system) {
    case 'Apache': {
      // `Sun Dec 04 04:47:44 2005`
      const [, mon, day, clock, year] = row.Time!.split(/ +/);
      return { kind: 'local', value: `${year}-${two(months.indexOf(mon!) + 1)}-${two(day!)} ${clock}` };
    }
    case 'HDFS': {
      // Date `081109`, Time `203615`
      const d = row.Date!;
      const t = row.Time!.padStart(6, '0');
      return { kind: 'local', value: `20${d.slice(0, 2)}-${d.slice(2, 4)}-${d.slice(4, 6)} ${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}` };
    }
    case 'Linux':
      return { kind: 'no_year', value: `${two(months.indexOf(row.Month!) + 1)}-${two(row.Date!)} ${row.Time}` };
    case 'Zookeeper':
      return { kind: 'local', value: `${row.Date} ${row.Time!.slice(0, 8)}` };
    default:
      return null;
  }
}

const lnavName: Record<string, string> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  NOTICE: 'notice',
  WARN: 'warning',
  ERROR: 'error',
  CRITICAL: 'critical',
  ALERT: 'critical',
  EMERGENCY: 'fatal',
  FATAL: 'fatal',
};

export function loghubCorpus(): CorpusFile[] {
  return fs
    .readdirSync(loghubDir)
    .filter((f) => f.endsWith('_2k.log'))
    .sort()
    .map((log) => {
      const system = log.replace('_2k.log', '');
      const [header, ...records] = parseCsv(fs.readFileSync(path.join(loghubDir, `${log}_structured.csv`), 'utf8'));
      const lines = records
        .filter((r) => r.length === header!.length)
        .map((r) => {
          const row = Object.fromEntries(header!.map((h, i) => [h, r[i]!]));
          // Linux's "Level" column holds the host name: it has no level.
          const level = system === 'Linux' ? null : canonicalLevel(row.Level ?? '');
          return { line: Number(row.LineId), time: loghubTime(system, row), level: level ? lnavName[level]! : null };
        });
      return { file: path.join(loghubDir, log), source: 'loghub' as const, format: system, variant: '2k', lines };
    });
}

export const fullCorpus = (): CorpusFile[] => [...lnavCorpus(), ...loghubCorpus()];

/** Levels compared in four classes: lnav and Logscope split the severe ones differently. */
export function levelClass(level: string): 'debug' | 'info' | 'warning' | 'error' | null {
  const l = level.toLowerCase();
  if (l === 'trace' || l === 'debug') return 'debug';
  if (l === 'info' || l === 'notice') return 'info';
  if (l === 'warning' || l === 'warn') return 'warning';
  if (['error', 'critical', 'alert', 'emergency', 'fatal'].includes(l)) return 'error';
  return null;
}

export interface FileScore {
  file: string;
  source: CorpusFile['source'];
  format: string;
  variant: string;
  detected: ImportResult['format'] | 'failed';
  error: string | null;
  timeColumn: string | null;
  levelColumn: string | null;
  columns: string[];
  /** Lines with a time in the truth, and how many of them the dataset has to the second. */
  timeLines: number;
  timeCorrect: number;
  levelLines: number;
  levelCorrect: number;
  /** Every truth line right (a file without truth of that kind counts as null). */
  timeOk: boolean | null;
  levelOk: boolean | null;
  /** A timestamped file imported as one bare `line` column. */
  bareLine: boolean;
  rows: number;
  rejected: number;
}

/** Imports one corpus file into a dataset of its own (times without a zone read as UTC) and scores its rows. */
export async function scoreFile(core: AppCore, entry: CorpusFile, dataset: string): Promise<FileScore> {
  const base = { file: path.basename(entry.file), source: entry.source, format: entry.format, variant: entry.variant };
  const timeLines = entry.lines.filter((l) => l.time).length;
  const levelLines = entry.lines.filter((l) => l.level && levelClass(l.level)).length;
  let result: ImportResult;
  try {
    result = await core.imports.importFile({ path: entry.file, origin: 'command', options: { timeZone: 'UTC', dataset: { kind: 'new', name: dataset } } });
  } catch (error) {
    return {
      ...base,
      detected: 'failed',
      error: error instanceof Error ? error.message : String(error),
      timeColumn: null,
      levelColumn: null,
      columns: [],
      timeLines,
      timeCorrect: 0,
      levelLines,
      levelCorrect: 0,
      timeOk: timeLines ? false : null,
      levelOk: levelLines ? false : null,
      bareLine: false,
      rows: 0,
      rejected: 0,
    };
  }
  const connection = await core.db.connection('rows');
  const select = [
    '"_ls_line"',
    result.timeColumn ? `strftime(${quoteIdent(result.timeColumn)}, '%Y-%m-%d %H:%M:%S')` : 'NULL',
    result.levelColumn ? `CAST(${quoteIdent(result.levelColumn)} AS VARCHAR)` : 'NULL',
  ];
  const { rows } = await connection.all(`SELECT ${select.join(', ')} FROM ${quoteIdent(result.dataset!)}`);
  const byLine = new Map(rows.map((r) => [Number(r[0]), { time: r[1] === null ? null : String(r[1]), level: r[2] === null ? null : String(r[2]) }]));
  let timeCorrect = 0;
  let levelCorrect = 0;
  for (const truth of entry.lines) {
    const row = byLine.get(truth.line);
    if (truth.time && row?.time) {
      // Compared as far as the line writes it: no year, or no date.
      const read = truth.time.kind === 'no_year' ? row.time.slice(5) : truth.time.kind === 'time_only' ? row.time.slice(11) : row.time;
      if (read === truth.time.value) timeCorrect++;
    }
    const truthClass = truth.level ? levelClass(truth.level) : null;
    if (truthClass && row?.level && levelClass(row.level) === truthClass) levelCorrect++;
  }
  return {
    ...base,
    detected: result.format,
    error: null,
    timeColumn: result.timeColumn,
    levelColumn: result.levelColumn,
    columns: result.columns.map((c) => c.name),
    timeLines,
    timeCorrect,
    levelLines,
    levelCorrect,
    timeOk: timeLines ? timeCorrect === timeLines : null,
    levelOk: levelLines ? levelCorrect === levelLines : null,
    bareLine: timeLines > 0 && result.format === 'lines',
    rows: result.rows,
    rejected: result.rejected,
  };
}

export interface CorpusSummary {
  files: number;
  formats: number;
  /** Files (line formats) whose lines carry a time in the truth, and those whose every time was found to the second. */
  timeFiles: number;
  timeOkFiles: number;
  levelFiles: number;
  levelOkFiles: number;
  bareLineFiles: string[];
  timeShare: number;
  levelShare: number;
}

export function summarize(scores: readonly FileScore[]): CorpusSummary {
  const timed = scores.filter((s) => s.timeOk !== null);
  const levelled = scores.filter((s) => s.levelOk !== null);
  return {
    files: scores.length,
    formats: new Set(scores.map((s) => `${s.source}:${s.format}`)).size,
    timeFiles: timed.length,
    timeOkFiles: timed.filter((s) => s.timeOk).length,
    levelFiles: levelled.length,
    levelOkFiles: levelled.filter((s) => s.levelOk).length,
    bareLineFiles: scores.filter((s) => s.bareLine).map((s) => s.file),
    timeShare: timed.filter((s) => s.timeOk).length / Math.max(1, timed.length),
    levelShare: levelled.filter((s) => s.levelOk).length / Math.max(1, levelled.length),
  };
}

/** Scores every corpus file, each into a dataset of its own. */
export async function scoreCorpus(core: AppCore, entries: readonly CorpusFile[] = fullCorpus()): Promise<FileScore[]> {
  const scores: FileScore[] = [];
  for (const [index, entry] of entries.entries()) scores.push(await scoreFile(core, entry, `corpus_${index + 1}`));
  return scores;
}
