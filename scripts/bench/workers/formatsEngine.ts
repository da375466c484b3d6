// The access-log split alone, through the engine: Logscope's own INSERT of a nginx log into a
// fresh on-disk database in one transaction, without `_ls_line` (`none`), numbered by
// `row_number() OVER ()` (`window`), numbered by insertion order in the same transaction
// (`in-transaction`), or by insertion order once committed (`after-commit`, what the import
// does), so the line numbers' cost in time and memory is measured apart.
import fs from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';
import { detectAccessLayout } from '../../../src/shared/detect/accessLog';
import { accessPlan } from '../../../src/shared/imports/formatPlan';
import { createDatasetSql, insertSql, lineColumn } from '../../../src/shared/imports/plan';
import { numberLines } from '../../../src/main/services/importer/lineNumbers';
import type { DbStatements } from '../../../src/main/services/db/database';
import { finishChild } from '../lib';

const [file, database, mode, memoryLimit = '1GB'] = process.argv.slice(2) as [string, string, 'none' | 'window' | 'in-transaction' | 'after-commit', string?];
fs.rmSync(database, { force: true });
fs.rmSync(`${database}.wal`, { force: true });
const handle = fs.openSync(file, 'r');
const buffer = Buffer.alloc(1 << 20);
const head = buffer.subarray(0, fs.readSync(handle, buffer, 0, buffer.length, 0)).toString('utf8');
fs.closeSync(handle);
const layout = detectAccessLayout(head.split('\n').filter(Boolean))!.layout;
const plan = accessPlan(layout);
const instance = await DuckDBInstance.create(database, { memory_limit: memoryLimit, temp_directory: `${database}.tmp`, threads: '2' });
const connection = await instance.connect();
await connection.run(`SET TimeZone = 'UTC'`);
await connection.run(createDatasetSql('nginx', plan.columns));
const plain = insertSql({ dataset: 'nginx', reader: plan.reader, columns: plan.columns, zone: 'UTC', rejectsTable: 'rejects' });
// The alternative Logscope does not take: numbering in the insert with a window function.
const sql =
  mode === 'window'
    ? plain.replace('AS "_ls_source"', `AS "_ls_source",\n       $firstRecordLine::BIGINT + row_number() OVER () - 1 AS "${lineColumn}"`)
    : plain;
const statements: DbStatements = {
  all: async (text, params) => ({ columns: [], rows: (await connection.runAndReadAll(text, params)).getRows() as unknown[][] }),
  run: async (text, params) => void (await connection.run(text, params)),
};
let inserted = 0;
const number = () => numberLines(statements, 'main."nginx"', 1, { rows: inserted, firstRecordLine: 1, shifts: [] });
const started = performance.now();
await connection.run('BEGIN TRANSACTION');
inserted = Number((await connection.runAndReadAll(sql, { path: file, sourceId: 1, ...(mode === 'window' ? { firstRecordLine: 1 } : {}) })).getRows()[0]?.[0]);
if (mode === 'in-transaction') await number();
await connection.run('COMMIT');
if (mode === 'after-commit') {
  await connection.run('BEGIN TRANSACTION');
  await number();
  await connection.run('COMMIT');
}
const elapsedMs = performance.now() - started;
const counted = (await connection.runAndReadAll(`SELECT count(*), count(${lineColumn}) FROM nginx`)).getRows()[0]!;
const rows = Number(counted[0]);
const numberedRows = Number(counted[1]);
connection.closeSync();
instance.closeSync();
fs.rmSync(`${database}.tmp`, { recursive: true, force: true });
finishChild({ elapsedMs, rows, numberedRows });
