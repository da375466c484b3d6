// Mining a big dataset through the pattern service (its miner in a worker thread): the rows are imported first (timed
// apart), then mined in the service's batches, with each batch's steps as the service
// logs them; then every row's pattern is read back and scored against the generator.
import fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import type { Logger } from '../../../src/main/services/logger';
import { groupingAccuracy } from '../../../src/shared/patterns/accuracy';
import { createServiceLogGenerator } from '../../../src/shared/synth/serviceLog';
import { finishChild } from '../lib';
import { minerWorkerFromSource } from '../../../test/integration/support/minerWorker';

const [file, dataDir, lineCount, memoryLimit = '4GB'] = process.argv.slice(2) as [string, string, string, string?];
fs.rmSync(dataDir, { recursive: true, force: true });
const steps = { readMs: 0, mineMs: 0, assignMs: 0, templatesMs: 0, stateMs: 0, batches: 0, merges: 0, stateBytes: 0 };
/** Each batch's steps as start and end times (ms after mining started): where the stages overlap, and where they wait. */
const timeline: Record<string, number>[] = [];
const timelineKeys = ['readAt', 'readEndAt', 'mineAt', 'mineEndAt', 'writeAt', 'writeEndAt'] as const;
let miningStartedAt = 0;
const log: Logger = {
  debug(message, fields = {}) {
    if (message === 'patterns batch') {
      steps.batches++;
      for (const key of ['readMs', 'mineMs', 'assignMs', 'templatesMs', 'merges'] as const) steps[key] += Number(fields[key] ?? 0);
      timeline.push(Object.fromEntries(timelineKeys.map((key) => [key, Number(fields[key] ?? 0) - miningStartedAt])));
    } else if (message === 'patterns state') {
      const batch = timeline.at(-1);
      if (batch) batch.stateEndAt = Number(fields.stateEndAt ?? 0) - miningStartedAt;
      steps.stateMs += Number(fields.stateMs ?? 0);
      steps.stateBytes = Number(fields.stateBytes ?? 0);
    }
  },
  info() {},
  warn: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
  error: (message, fields) => process.stderr.write(`${message} ${JSON.stringify(fields)}\n`),
};
// As the app and `serve` run it: the miner in its worker thread.
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit, log, minerWorker: minerWorkerFromSource });
if ('served' in core) throw new Error('data folder busy');
const api = createLocalApi(core.rpc, core.events);
let started = performance.now();
const imported = await core.imports.importFile({ path: file, origin: 'command', options: { timeZone: 'UTC' } });
const importMs = performance.now() - started;
// While mining runs, how long the main thread keeps others waiting: its event-loop delay,
// and the round trip of a cheap API call made every 50 ms (what the UI waits for).
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
const roundTrips: number[] = [];
let mining = true;
const probe = (async () => {
  while (mining) {
    const sent = performance.now();
    await api.call('datasets.list', {});
    roundTrips.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();
loopDelay.enable();
started = performance.now();
miningStartedAt = started;
const status = await api.call('patterns.wait', { datasetId: imported.datasetId! });
const miningMs = performance.now() - started;
mining = false;
loopDelay.disable();
await probe;
roundTrips.sort((a, b) => a - b);
const quantileOf = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
const responsiveness = {
  loopDelayP50Ms: loopDelay.percentile(50) / 1e6,
  loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
  loopDelayMaxMs: loopDelay.max / 1e6,
  apiCalls: roundTrips.length,
  apiP50Ms: quantileOf(roundTrips, 0.5),
  apiP99Ms: quantileOf(roundTrips, 0.99),
  apiMaxMs: roundTrips.at(-1) ?? 0,
};

started = performance.now();
const predicted = new Int32Array(imported.rows);
let index = 0;
let after: { sourceId: number; line: number } | null = null;
for (;;) {
  const page: Awaited<ReturnType<typeof api.call<'patterns.assign'>>> = await api.call('patterns.assign', { datasetId: imported.datasetId!, after, limit: 100_000 });
  for (const row of page.rows) predicted[index++] = row.patternId ?? -1;
  if (!page.next) break;
  after = page.next;
}
const assignMs = performance.now() - started;
const truth: string[] = [];
for (const record of createServiceLogGenerator({ lines: Number(lineCount) })) truth.push(record.messageTemplate);
const list = await api.call('patterns.list', { datasetId: imported.datasetId!, limit: 10_000, sparklineBuckets: 0 });
await core.dispose();
finishChild({
  rows: imported.rows,
  importMs,
  miningMs,
  assignMs,
  steps,
  timeline,
  responsiveness,
  templates: status.templates,
  countsSum: list.templates.reduce((sum, t) => sum + t.count, 0),
  accuracy: index === truth.length ? groupingAccuracy(Array.from(predicted), truth) : null,
});
