// Grouping accuracy through the real import path: each loghub sample imported with the
// importer, mined by the pattern service, read back as `logscope patterns --assign` reads
// it (the `patterns.assign` pages), and scored against the sample's EventId column.
import fs from 'node:fs';
import path from 'node:path';
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import { groupingAccuracy } from '../../../src/shared/patterns/accuracy';
import { parseCsv } from '../../../test/corpus/csv';
import { finishChild } from '../lib';

const [fixtures, dataDir] = process.argv.slice(2) as [string, string];
fs.rmSync(dataDir, { recursive: true, force: true });
const opened = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit: '2GB' });
if ('served' in opened) throw new Error('data folder busy');
const core = opened;
const api = createLocalApi(core.rpc, core.events);

/** The truth by the line of the `.log` file (LineId); the structured CSV has it one line lower. */
function truthOf(structured: string): Map<number, string> {
  const [header, ...rows] = parseCsv(fs.readFileSync(structured, 'utf8'));
  const lineId = header!.indexOf('LineId');
  const eventId = header!.indexOf('EventId');
  return new Map(rows.map((r) => [Number(r[lineId]), r[eventId]!]));
}

async function score(file: string, truthByLine: (line: number) => string | undefined) {
  const result = await core.imports.importFile({ path: file, origin: 'command', options: { timeZone: 'UTC' } });
  const datasetId = result.datasetId!;
  const started = performance.now();
  const status = await api.call('patterns.wait', { datasetId });
  const miningMs = performance.now() - started;
  const predicted: number[] = [];
  const truth: string[] = [];
  let after: { sourceId: number; line: number } | null = null;
  let rows = 0;
  for (;;) {
    const page: Awaited<ReturnType<typeof api.call<'patterns.assign'>>> = await api.call('patterns.assign', { datasetId, after, limit: 10_000 });
    for (const row of page.rows) {
      rows++;
      const expected = row.line === null ? undefined : truthByLine(row.line);
      if (expected === undefined || row.patternId === null) continue;
      predicted.push(row.patternId);
      truth.push(expected);
    }
    if (!page.next) break;
    after = page.next;
  }
  return {
    dataset: result.dataset,
    format: result.format,
    messageColumn: status.messageColumn,
    rows,
    scored: predicted.length,
    templates: status.templates,
    truthTemplates: new Set(truth).size,
    accuracy: groupingAccuracy(predicted, truth),
    miningMs,
  };
}

const samples: Record<string, unknown>[] = [];
for (const log of fs.readdirSync(fixtures).filter((f) => f.endsWith('_2k.log')).sort()) {
  const truth = truthOf(path.join(fixtures, `${log}_structured.csv`));
  const system = log.replace('_2k.log', '');
  // The raw log as the importer reads it: the message is whatever column it finds there.
  samples.push({ system, input: 'log file', ...(await score(path.join(fixtures, log), (line) => truth.get(line))) });
  // The structured CSV: the message column is found by its name (Content); line 1 is the header.
  samples.push({ system, input: 'structured CSV', ...(await score(path.join(fixtures, `${log}_structured.csv`), (line) => truth.get(line - 1))) });
}
await core.dispose();
finishChild({ samples });
