import path from 'node:path';
import { benchDir, measureChild, printTable, repoRoot, saveResults } from './lib';
import type { CorpusSummary, FileScore } from '../../test/corpus/score';

/**
 * The format corpus (issue 17): every file of test/fixtures/corpus (lnav's sample lines,
 * one file per line shape) and the four loghub samples imported through the importer,
 * each line's time and level compared with the truth. These are correctness figures, not
 * timings.
 */
const worker = path.join(repoRoot, 'scripts/bench/workers/corpusScore.ts');
const { result } = await measureChild(worker, [path.join(benchDir, 'work-corpus')]);
const scores = result.scores as FileScore[];
const summary = result.summary as CorpusSummary;
const share = (ok: number, of: number) => `${ok}/${of} (${((100 * ok) / Math.max(1, of)).toFixed(1)} %)`;
const bySource = (source: FileScore['source']) => scores.filter((s) => s.source === source);
const row = (what: string, list: FileScore[]) => {
  const timed = list.filter((s) => s.timeOk !== null);
  const levelled = list.filter((s) => s.levelOk !== null);
  // A format (lnav definition) counts when every one of its line shapes is right.
  const formats = [...new Set(timed.map((s) => s.format))];
  return {
    what,
    files: list.length,
    'time right (files)': share(timed.filter((s) => s.timeOk).length, timed.length),
    'time right (formats)': share(formats.filter((f) => timed.filter((s) => s.format === f).every((s) => s.timeOk)).length, formats.length),
    'level right (files)': share(levelled.filter((s) => s.levelOk).length, levelled.length),
    'bare line': list.filter((s) => s.bareLine).length,
  };
};
printTable('Time and level found, to the second, per corpus file (a file: one line shape)', [
  row('lnav samples', bySource('lnav')),
  row('loghub samples', bySource('loghub')),
  row('all', scores),
]);
const wrong = scores.filter((s) => s.timeOk === false || s.levelOk === false || s.bareLine);
printTable(
  'Files with a time or level not found',
  wrong.map((s) => ({
    file: s.file,
    detected: s.detected,
    time: `${s.timeCorrect}/${s.timeLines}`,
    level: `${s.levelCorrect}/${s.levelLines}`,
    columns: s.columns.join(' ').slice(0, 60),
  })),
);
saveResults('corpus', { summary, scores });
