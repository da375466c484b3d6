import fs from 'node:fs';
import path from 'node:path';
import { benchDir, measureChild, printTable, repoRoot, saveResults, syntheticLog } from './lib';

/**
 * Message patterns (issue 7). Grouping accuracy (Zhu et al., ICSE-SEIP 2019) on the four
 * loghub samples through the real import path — the importer, the pattern service, the
 * assignments `logscope patterns --assign` prints — for the raw `.log` file (whatever
 * message column the importer gives it) and for the structured CSV (its Content column,
 * found by name). Then the mining rate on the 5-million-line synthetic JSON lines:
 * Logscope's service (DuckDB batches, row updates, stored state) against the bare miner
 * on the same messages in memory, with the service's time per step.
 */
const lines = Number(process.env.LOGSCOPE_BENCH_LINES ?? 5_000_000);
const work = path.join(benchDir, 'work-patterns');
fs.mkdirSync(work, { recursive: true });
const worker = (name: string) => path.join(repoRoot, 'scripts/bench/workers', name);
const fixtures = process.env.LOGSCOPE_LOGHUB_DIR ?? path.join(repoRoot, 'test/fixtures/loghub');

interface Sample {
  system: string;
  input: string;
  dataset: string;
  format: string;
  messageColumn: string | null;
  rows: number;
  scored: number;
  templates: number;
  truthTemplates: number;
  accuracy: number;
}

const accuracy = await measureChild(worker('patternsAccuracy.ts'), [fixtures, path.join(work, 'accuracy')]);
const samples = accuracy.result.samples as Sample[];
const mean = (input: string) => {
  const scores = samples.filter((s) => s.input === input).map((s) => s.accuracy);
  return scores.reduce((a, b) => a + b, 0) / Math.max(1, scores.length);
};
printTable(
  'Grouping accuracy through the import path (loghub-2k samples, truth: EventId)',
  [
    ...samples.map((s) => ({
      sample: s.system,
      input: s.input,
      'message column': (s.messageColumn ?? '—').length > 24 ? `${(s.messageColumn ?? '').slice(0, 23)}…` : (s.messageColumn ?? '—'),
      'rows scored': s.scored,
      templates: s.templates,
      'true templates': s.truthTemplates,
      GA: s.accuracy.toFixed(3),
    })),
    { sample: 'mean', input: 'log file', GA: mean('log file').toFixed(3) },
    { sample: 'mean', input: 'structured CSV', GA: mean('structured CSV').toFixed(3) },
  ],
);

const file = await syntheticLog('jsonl', lines);
const bare = await measureChild(worker('patternsBare.ts'), [file]);
const service = await measureChild(worker('patternsMine.ts'), [file, path.join(work, 'mine'), String(lines)]);
const r = service.result as {
  rows: number;
  importMs: number;
  miningMs: number;
  assignMs: number;
  timeline: Record<string, number>[];
  steps: { readMs: number; mineMs: number; assignMs: number; templatesMs: number; stateMs: number; batches: number; merges: number; stateBytes: number };
  responsiveness: { loopDelayP50Ms: number; loopDelayP99Ms: number; loopDelayMaxMs: number; apiCalls: number; apiP50Ms: number; apiP99Ms: number; apiMaxMs: number };
  templates: number;
  countsSum: number;
  accuracy: number | null;
};
const bareMs = Number(bare.result.miningMs);
const rate = (count: number, ms: number) => Math.round(count / (ms / 1000));
printTable(`Mining ${lines.toLocaleString('en-US')} synthetic JSON lines (the message column), batches of 50,000 rows`, [
  {
    what: 'Logscope (service: miner thread, batches read ahead, UPDATE, templates, state)',
    's': r.miningMs / 1000,
    'lines/s': rate(r.rows, r.miningMs),
    'peak RSS MB': Math.round(service.peakRssMb),
  },
  { what: 'bare miner (same messages in memory)', 's': bareMs / 1000, 'lines/s': rate(Number(bare.result.lines), bareMs), 'peak RSS MB': Math.round(bare.peakRssMb) },
  { what: 'ratio Logscope / bare', 's': r.miningMs / bareMs },
]);
const perBatch = (ms: number) => ms / Math.max(1, r.steps.batches);
printTable('Where the service spends a batch (ms per batch of 50,000 rows)', [
  {
    'read (SELECT)': perBatch(r.steps.readMs),
    mine: perBatch(r.steps.mineMs),
    'UPDATE rows': perBatch(r.steps.assignMs),
    'templates': perBatch(r.steps.templatesMs),
    'state': perBatch(r.steps.stateMs),
    batches: r.steps.batches,
    merges: r.steps.merges,
    'state KB': Math.round(r.steps.stateBytes / 1024),
  },
]);
const ms = (value: number) => Math.round(value * 10) / 10;
// The first batches and the last: when each step started and ended, after mining started.
const span = (at: number | undefined, end: number | undefined) => (at === undefined || end === undefined ? '—' : `${Math.round(at)}–${Math.round(end)}`);
printTable(
  'Timeline of the batches (ms after mining started; the first 5 and the last)',
  [...r.timeline.slice(0, 5), ...(r.timeline.length > 5 ? r.timeline.slice(-1) : [])].map((b, i, shown) => ({
    batch: i < 5 || shown.length <= 5 ? i + 1 : r.timeline.length,
    read: span(b.readAt, b.readEndAt),
    mine: span(b.mineAt, b.mineEndAt),
    write: span(b.writeAt, b.writeEndAt),
    'state saved': b.stateEndAt === undefined ? '—' : Math.round(b.stateEndAt),
  })),
);
printTable('While mining: the main thread (event-loop delay) and a datasets.list call every 50 ms (ms)', [
  {
    'loop delay p50': ms(r.responsiveness.loopDelayP50Ms),
    'loop delay p99': ms(r.responsiveness.loopDelayP99Ms),
    'loop delay max': ms(r.responsiveness.loopDelayMaxMs),
    'API calls': r.responsiveness.apiCalls,
    'API p50': ms(r.responsiveness.apiP50Ms),
    'API p99': ms(r.responsiveness.apiP99Ms),
    'API max': ms(r.responsiveness.apiMaxMs),
  },
]);
printTable('After mining', [
  {
    rows: r.rows,
    templates: r.templates,
    'counts sum': r.countsSum,
    'GA vs generator': r.accuracy === null ? '—' : r.accuracy.toFixed(3),
    'import s (apart)': r.importMs / 1000,
    'assign read-back s': r.assignMs / 1000,
  },
]);
saveResults('patterns', {
  samples,
  meanAccuracy: { logFile: mean('log file'), structuredCsv: mean('structured CSV') },
  mining: { lines, ...r, bareMiningMs: bareMs, peakRssMb: service.peakRssMb },
});
fs.rmSync(work, { recursive: true, force: true });
