// The same statements as the Logscope worker, issued bare through @duckdb/node-api: no
// contract, no service, no result conversion. Also the plain-TIMESTAMP bucketing baseline.
import fs from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { finishChild, median } from '../lib';
import type { BenchSql, BenchStatement } from '../dashboardQueries';

const [databaseFile, sqlFile, roundsText = '5', memoryLimit = '8GB'] = process.argv.slice(2) as [string, string, string?, string?];
const rounds = Number(roundsText);
const statements = JSON.parse(fs.readFileSync(sqlFile, 'utf8')) as BenchSql;
const instance = await DuckDBInstance.create(databaseFile, { memory_limit: memoryLimit });
const connections: DuckDBConnection[] = [];
for (let i = 0; i < 2; i++) {
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  connections.push(connection);
}
const [first] = connections as [DuckDBConnection];

const run = async (connection: DuckDBConnection, s: BenchStatement) => (await connection.runAndReadAll(s.sql, s.params as never)).getRows();
const timed = async (work: () => Promise<unknown>) => {
  const started = performance.now();
  await work();
  return performance.now() - started;
};

// Warm-up: the same state the Logscope worker left (buffers, the endpoint index read once).
for (const s of statements.dashboard) await run(first, s);

const sequential: number[] = [];
const twoConnections: number[] = [];
const perChart = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) {
  sequential.push(
    await timed(async () => {
      for (const s of statements.dashboard) await run(first, s);
    }),
  );
  // As the service spreads them: each statement to the connection with less queued.
  twoConnections.push(
    await timed(async () => {
      const tails = connections.map(() => Promise.resolve());
      await Promise.all(
        statements.dashboard.map((s, i) => {
          const c = i % connections.length;
          const next = tails[c]!.then(() => run(connections[c]!, s)).then(() => undefined);
          tails[c] = next;
          return next;
        }),
      );
    }),
  );
  for (const s of statements.dashboard) perChart.set(s.name, [...(perChart.get(s.name) ?? []), await timed(() => run(first, s))]);
}

const six = new Map<string, number[]>();
for (let r = 0; r < rounds; r++) for (const s of statements.six) six.set(s.name, [...(six.get(s.name) ?? []), await timed(() => run(first, s))]);

// Bucketing in the zone (the service's SQL) against UTC, and against plain date_trunc.
const plain: Record<string, string> = {
  'events per hour': `SELECT date_trunc('hour', time) AS b, count(*) FROM main.bench_service GROUP BY 1`,
  'events per 2 h': `SELECT time_bucket(INTERVAL 2 HOUR, time) AS b, count(*) FROM main.bench_service GROUP BY 1`,
  'events per day': `SELECT date_trunc('day', time) AS b, count(*) FROM main.bench_service GROUP BY 1`,
  'p50/p95/p99 per 2 h': `SELECT time_bucket(INTERVAL 2 HOUR, time) AS b, quantile_cont(latency_ms, [0.5, 0.95, 0.99]) FROM main.bench_service GROUP BY 1`,
  'weekday × hour': `SELECT dayofweek(time), hour(time), count(*) FROM main.bench_service GROUP BY 1, 2`,
  'ICU: events per hour in Seoul': `SELECT date_trunc('hour', timezone('Asia/Seoul', time::TIMESTAMPTZ)) AS b, count(*) FROM main.bench_service GROUP BY 1`,
};
const tz = new Map<string, number[]>();
const tzRounds = Math.max(rounds, 7);
for (let r = 0; r < tzRounds; r++) {
  for (const s of statements.tz) tz.set(`${s.name}|${s.zone}`, [...(tz.get(`${s.name}|${s.zone}`) ?? []), await timed(() => run(first, s))]);
  for (const [name, sql] of Object.entries(plain)) tz.set(`${name}|plain`, [...(tz.get(`${name}|plain`) ?? []), await timed(() => run(first, { name, sql, params: {} }))]);
}

for (const c of connections) c.closeSync();
instance.closeSync();
const medians = (map: Map<string, number[]>) => Object.fromEntries([...map].map(([k, v]) => [k, median(v)]));
finishChild({
  sequentialMs: median(sequential),
  twoConnectionsMs: median(twoConnections),
  perChartMs: medians(perChart),
  sixMs: medians(six),
  tzMs: medians(tz),
});
