// The bare engine: one CREATE TABLE AS over DuckDB's own reader into a fresh on-disk file.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { finishChild } from '../lib';

const [format, file, database, memoryLimit = '4GB'] = process.argv.slice(2) as [string, string, string, string?];
fs.rmSync(database, { force: true });
fs.rmSync(`${database}.wal`, { force: true });
const instance = await DuckDBInstance.create(database, { memory_limit: memoryLimit, temp_directory: `${database}.tmp` });
const connection = await instance.connect();
const reader = format === 'jsonl' ? `read_json('${file}')` : `read_csv('${file}')`;
const started = performance.now();
await connection.run(`CREATE TABLE t AS SELECT * FROM ${reader}`);
const elapsedMs = performance.now() - started;
const rows = Number((await connection.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
connection.closeSync();
instance.closeSync();
finishChild({ elapsedMs, rows });
