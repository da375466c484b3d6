// The bare miner on the same messages, in memory: what mining costs without DuckDB.
import fs from 'node:fs';
import readline from 'node:readline';
import { createMiner } from '../../../src/shared/patterns/miner';
import { finishChild } from '../lib';

const [file, batchRows = '50000'] = process.argv.slice(2) as [string, string?];
const miner = createMiner();
let batch: string[] = [];
let lines = 0;
let miningMs = 0;
const mine = () => {
  const started = performance.now();
  miner.addBatch(batch);
  miningMs += performance.now() - started;
  lines += batch.length;
  batch = [];
};
for await (const line of readline.createInterface({ input: fs.createReadStream(file) })) {
  batch.push((JSON.parse(line) as { message: string }).message);
  if (batch.length === Number(batchRows)) mine();
}
if (batch.length) mine();
finishChild({ lines, miningMs, templates: miner.templates().length });
