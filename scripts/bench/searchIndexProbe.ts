// Measures whether a block token index would make search faster than the plain scan the
// app runs (`contains(lower(col), lower($t))` over every string column), on a generated
// file in a DuckDB database of its own. Usage: npx tsx scripts/bench/searchIndexProbe.ts FILE.csv [rounds] [ranges|all]
// The index: the lowercase word tokens of each string column per block of 2,048 rows, built
// by DuckDB SQL; a search is the same exact predicate restricted to blocks holding a token that
// contains the word, so its count must equal the scan's (checked below for every word).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

const [file, roundsText = '5', mode = 'ranges'] = process.argv.slice(2) as [string, string?, string?];
const rounds = Number(roundsText);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-search-probe-'));
const instance = await DuckDBInstance.create(path.join(dir, 'probe.duckdb'), { memory_limit: '4GB', threads: '2' });
const db = await instance.connect();
const ms = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const importMs = await ms(() => db.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replace(/'/g, "''")}')`));
const columns = (await db.runAndReadAll(`SELECT column_name FROM duckdb_columns() WHERE table_name = 't' AND data_type = 'VARCHAR'`)).getRows().map((r) => String(r[0]));
const rows = Number((await db.runAndReadAll('SELECT count(*) FROM t')).getRows()[0]![0]);
const q = (c: string) => `"${c.replace(/"/g, '""')}"`;

const indexMs = await ms(async () => {
  await db.run(
    `CREATE TABLE tokens AS SELECT DISTINCT token, block FROM (${columns
      .map((c) => `SELECT unnest(string_split_regex(lower(${q(c)}), '[^[:alnum:]_]+')) AS token, (rowid // 2048)::INTEGER AS block FROM t`)
      .join(' UNION ALL ')}) WHERE token <> ''`,
  );
  await db.run('CREATE TABLE vocabulary AS SELECT token, list(block ORDER BY block) AS blocks FROM tokens GROUP BY token');
});
const tokenRows = Number((await db.runAndReadAll('SELECT count(*) FROM tokens')).getRows()[0]![0]);
const vocabulary = Number((await db.runAndReadAll('SELECT count(*) FROM vocabulary')).getRows()[0]![0]);
const bytes = fs.statSync(path.join(dir, 'probe.duckdb')).size;

const predicate = columns.map((c) => `coalesce(contains(lower(${q(c)}), $w), false)`).join(' OR ');
const scan = async (word: string) => Number((await db.runAndReadAll(`SELECT count(*) FROM t WHERE ${predicate}`, { w: word })).getRows()[0]![0]);
/** The longest run of word characters: every row holding the text has a token containing it. */
const piece = (word: string) => word.toLowerCase().split(/[^a-z0-9_]+/).sort((a, b) => b.length - a.length)[0] ?? '';
/** The first try: blocks as a semi-join (DuckDB still reads every row group). */
const indexed = async (word: string) =>
  Number(
    (
      await db.runAndReadAll(
        `WITH hit AS (SELECT DISTINCT unnest(blocks) AS block FROM vocabulary WHERE contains(token, $p))
         SELECT count(*) FROM t WHERE (rowid // 2048) IN (SELECT block FROM hit) AND (${predicate})`,
        { w: word, p: piece(word) },
      )
    ).getRows()[0]![0],
  );

const lookupMs: number[] = [];
/** Blocks as rowid ranges DuckDB can skip row groups by; beyond 256 blocks, the plain scan. */
const ranged = async (word: string) => {
  const started = performance.now();
  const blocks = (await db.runAndReadAll('SELECT DISTINCT unnest(blocks) FROM vocabulary WHERE contains(token, $w) ORDER BY 1', { w: piece(word) })).getRows().map((r) => Number(r[0]));
  lookupMs.push(performance.now() - started);
  if (blocks.length > 256) return { count: await scan(word), blocks: blocks.length };
  if (blocks.length === 0) return { count: 0, blocks: 0 };
  const ranges = blocks.map((b) => `(rowid >= ${b * 2048} AND rowid < ${(b + 1) * 2048})`).join(' OR ');
  return { count: Number((await db.runAndReadAll(`SELECT count(*) FROM t WHERE (${ranges}) AND (${predicate})`, { w: word })).getRows()[0]![0]), blocks: blocks.length };
};

// A rare token (one client IP / id seen in the data), a mid one and a common word.
const sample = (await db.runAndReadAll(`SELECT ${columns.map(q).join(', ')} FROM t LIMIT 1 OFFSET ${Math.floor(rows / 2)}`)).getRows()[0]!.map(String);
const ip = sample[columns.indexOf('client_ip')] ?? '';
const words = [...new Set(['zzz-not-there', ip, ...sample.flatMap((v) => v.toLowerCase().split(/[^a-z0-9_]+/)).filter((w) => w.length >= 3)])].slice(0, 7);
console.log(JSON.stringify({ rows, columns, importMs: Math.round(importMs), indexMs: Math.round(indexMs), tokenRows, vocabulary, databaseBytes: bytes }));
for (const word of words) {
  const [a, b, c] = [await scan(word), mode === 'all' ? await indexed(word) : await scan(word), await ranged(word)];
  if (a !== b || a !== c.count) throw new Error(`index and scan disagree on ${word}: ${b}, ${c.count} vs ${a}`);
  const scanMs: number[] = [];
  const indexedMs: number[] = [];
  const rangedMs: number[] = [];
  lookupMs.length = 0;
  for (let r = 0; r < rounds; r++) {
    scanMs.push(await ms(() => scan(word)));
    if (mode === 'all') indexedMs.push(await ms(() => indexed(word)));
    rangedMs.push(await ms(() => ranged(word)));
  }
  const ratio = (xs: number[]) => (xs.length ? Number((median(scanMs) / median(xs)).toFixed(2)) : null);
  console.log(
    JSON.stringify({ word, matches: a, blocks: c.blocks, scanMs: Math.round(median(scanMs)), semiJoinMs: indexedMs.length ? Math.round(median(indexedMs)) : null, semiJoinRatio: ratio(indexedMs), rangesMs: Math.round(median(rangedMs)), lookupMs: Math.round(median(lookupMs)), rangesRatio: ratio(rangedMs) }),
  );
}
db.closeSync();
fs.rmSync(dir, { recursive: true, force: true });
