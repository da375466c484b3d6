import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Db } from '../db/database';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { SettingsService } from '../settings/settings';
import { createServiceLogGenerator, formatJsonLine } from '../../../shared/synth/serviceLog';
import { findDatasetByName, insertDatasetRecord, refreshDatasetStats } from '../catalog/datasets';

export const demoDatasetName = 'demo_service';
export const demoRecords = 30_000;

/**
 * A fresh data folder opens on a dataset, so the first screen already shows data: a week
 * of synthetic service logs from the same deterministic generator the tests use. Offered
 * once; a user who deletes it does not get it back.
 */
export async function seedDemoDataset({
  db,
  settings,
  clock,
  tempDir,
  log,
}: {
  db: Db;
  settings: SettingsService;
  clock: Clock;
  tempDir: string;
  log: Logger;
}): Promise<number | null> {
  if ((await settings.getFlag('demo_seeded')) !== null) {
    const existing = await findDatasetByName(await db.connection('catalog'), demoDatasetName);
    return existing?.id ?? null;
  }
  const file = path.join(tempDir, `demo-${process.pid}.jsonl`);
  const lines = (function* () {
    for (const record of createServiceLogGenerator({ lines: demoRecords, seed: 7 })) yield formatJsonLine(record) + '\n';
  })();
  await pipeline(Readable.from(lines), fs.createWriteStream(file));
  try {
    const catalog = await db.connection('catalog');
    const id = await catalog.transaction(async (tx) => {
      await tx.run(
        `CREATE TABLE main.${demoDatasetName} AS
         SELECT * REPLACE (time::TIMESTAMP AS time), row_number() OVER () AS _ls_line
         FROM read_json($file, format = 'newline_delimited', columns = {
           time: 'VARCHAR', level: 'VARCHAR', method: 'VARCHAR', path: 'VARCHAR', status: 'INTEGER',
           latency_ms: 'DOUBLE', bytes: 'BIGINT', "user": 'VARCHAR', message: 'VARCHAR',
           client: 'STRUCT(ip VARCHAR, user_agent VARCHAR)'
         })`,
        { file },
      );
      const datasetId = await insertDatasetRecord(tx, { name: demoDatasetName, timeColumn: 'time', now: clock.now() });
      await refreshDatasetStats(tx, { id: datasetId, name: demoDatasetName, timeColumn: 'time' }, clock.now());
      return datasetId;
    });
    await settings.setFlag('demo_seeded', clock.now().toISOString());
    log.info('demo dataset created', { id, rows: demoRecords });
    return id;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
