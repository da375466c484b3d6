// Loads the synthetic CSV into a fresh Logscope data folder as dataset `bench_service`.
//   engine:   the bare engine — CREATE TABLE … AS SELECT * REPLACE (time::TIMESTAMP AS time)
//             FROM read_csv(file) under TimeZone UTC — plus the catalogue row, so Logscope
//             sees the dataset exactly as its importer would leave it (plain UTC TIMESTAMP).
//   importer: Logscope's own import path (`import.run`), for when the dashboard bench is
//             meant to include the importer (LOGSCOPE_BENCH_IMPORT=importer).
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { openAppCore } from '../../../src/main/app';
import { createLocalApi } from '../../../src/main/transport/local';
import { dataFolderLayout } from '../../../src/main/services/dataFolder/paths';
import { datasetNameKey } from '../../../src/shared/datasetNames';
import { finishChild } from '../lib';

const [mode, dataDir, file, memoryLimit = '8GB'] = process.argv.slice(2) as ['engine' | 'importer', string, string, string?];
const dataset = 'bench_service';
fs.rmSync(dataDir, { recursive: true, force: true });

async function openCore() {
  const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit });
  if ('served' in core) throw new Error(`${dataDir} is served by another process`);
  return core;
}

let importMs: number;
let rows: number;
if (mode === 'importer') {
  const core = await openCore();
  const api = createLocalApi(core.rpc, core.events);
  const started = performance.now();
  const [item] = await api.call('import.run', {
    jobId: 'bench',
    files: [{ file: { path: file }, options: { dataset: { kind: 'new', name: dataset } } }],
    origin: 'command',
  });
  importMs = performance.now() - started;
  if (!item?.ok) throw new Error(`import failed: ${JSON.stringify(item?.error)}`);
  rows = item.result.rows;
  await core.dispose();
} else {
  // The catalogue first (migrations), then the engine alone on the same file.
  await (await openCore()).dispose();
  const instance = await DuckDBInstance.create(dataFolderLayout(dataDir).databaseFile, { memory_limit: memoryLimit });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  const started = performance.now();
  await connection.run(`CREATE TABLE main.${dataset} AS SELECT * REPLACE (time::TIMESTAMP AS time) FROM read_csv($file)`, { file });
  importMs = performance.now() - started;
  await connection.run(
    `INSERT INTO logscope.datasets (name, name_key, time_column, row_count, time_min, time_max, created_at, updated_at)
     SELECT $name, $key, 'time', count(*), min(time), max(time), now()::TIMESTAMP, now()::TIMESTAMP FROM main.${dataset}`,
    { name: dataset, key: datasetNameKey(dataset) },
  );
  const counted = await connection.runAndReadAll(`SELECT count(*) FROM main.${dataset}`);
  rows = Number(counted.getRows()[0]?.[0]);
  connection.closeSync();
  instance.closeSync();
}
finishChild({ mode, importMs, rows });
