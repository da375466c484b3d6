import fs from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { Db } from '../db/database';
import type { Logger } from '../logger';
import type { SettingsService } from '../settings/settings';
import type { ImportService } from '../importer/importer';
import { createServiceLogGenerator, formatJsonLine } from '../../../shared/synth/serviceLog';
import { findDatasetByName } from '../catalog/datasets';

export const demoDatasetName = 'demo_service';
export const demoRecords = 30_000;

/**
 * A fresh data folder opens on a dataset, so the first screen already shows data: a week
 * of synthetic service logs from the same deterministic generator the tests use, loaded
 * through the ordinary importer. Offered once; a user who deletes it does not get it back.
 */
export async function seedDemoDataset({
  db,
  settings,
  imports,
  tempDir,
  log,
}: {
  db: Db;
  settings: SettingsService;
  imports: ImportService;
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
    const result = await imports.importFile({
      path: file,
      name: `${demoDatasetName}.jsonl`,
      origin: 'demo',
      options: { dataset: { kind: 'new', name: demoDatasetName }, timeZone: 'UTC' },
    });
    await settings.setFlag('demo_seeded', new Date().toISOString());
    log.info('demo dataset created', { id: result.datasetId, rows: result.rows });
    return result.datasetId;
  } finally {
    fs.rmSync(file, { force: true });
  }
}
