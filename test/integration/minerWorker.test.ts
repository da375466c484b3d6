import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/api/errors';
import { createInProcessMinerHost, createWorkerMinerHost, type MinerHost } from '../../src/main/services/patterns/minerHost';
import { minerWorkerFromSource } from './support/minerWorker';
import { openAppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Logger } from '../../src/main/services/logger';
import { createMiner } from '../../src/shared/patterns/miner';
import { tempDataDir } from './support/dataDir';

const lines = (name: string) => fs.readFileSync(path.join(__dirname, '../fixtures/loghub', name), 'utf8').split('\n').filter(Boolean);

const hosts: MinerHost[] = [];
const track = (host: MinerHost) => (hosts.push(host), host);
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.close()));
});

describe('the miner in a worker thread', () => {
  it('mines what the in-process miner mines, batch by batch, and resumes from a stored state alike', async () => {
    const messages = [...lines('Linux_2k.log'), ...lines('Zookeeper_2k.log')];
    const worker = track(createWorkerMinerHost(minerWorkerFromSource));
    const local = track(createInProcessMinerHost());
    const batches = [messages.slice(0, 1500), messages.slice(1500, 2600), messages.slice(2600)];
    await worker.reset({}, null);
    await local.reset({}, null);
    let state = '';
    for (const [index, batch] of batches.entries()) {
      if (index === 2) {
        // A restart: both continue from the state stored after the second batch.
        expect(await worker.reset({}, state)).toEqual(await local.reset({}, state));
      }
      const [fromWorker, fromLocal] = await Promise.all([worker.mine(batch), local.mine(batch)]);
      expect(fromWorker.patternIds).toBeInstanceOf(Int32Array);
      expect([...fromWorker.patternIds]).toEqual([...fromLocal.patternIds]);
      expect(fromWorker.counts).toEqual(fromLocal.counts);
      expect(fromWorker.texts).toEqual(fromLocal.texts);
      expect(fromWorker.merges).toEqual(fromLocal.merges);
      expect(fromWorker.state).toEqual(fromLocal.state);
      state = fromWorker.state;
    }
    expect(new Set(JSON.parse(state).templates.map((t: { id: number }) => t.id)).size).toBeGreaterThan(100);
  });

  it('reports the miner’s own errors as the app’s errors', async () => {
    const worker = track(createWorkerMinerHost(minerWorkerFromSource));
    await expect(worker.mine(['a'])).rejects.toMatchObject({ code: 'internal' });
    const refused = await worker.reset({}, JSON.stringify({ version: 99 })).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect((refused as AppError).code).not.toBe('internal');
    // The thread survives its errors and mines on.
    await worker.reset({}, null);
    expect((await worker.mine(['user 1 logged in', 'user 2 logged in'])).counts).toEqual([{ id: 1, count: 2, exampleIndex: 0 }]);
  });

  it('fails the calls in flight when the thread dies, and starts a new thread on the next call', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logscope-miner-'));
    const dying = path.join(dir, 'dying.mjs');
    fs.writeFileSync(dying, `import { parentPort } from 'node:worker_threads';\nparentPort.on('message', () => process.exit(3));\n`);
    const host = track(createWorkerMinerHost({ file: dying }));
    await expect(host.reset({}, null)).rejects.toMatchObject({ code: 'patterns_failed', params: { detail: expect.stringContaining('exit code 3') } });
    await expect(host.reset({}, null)).rejects.toMatchObject({ code: 'patterns_failed' });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('the pattern service with its miner in a worker thread', () => {
  it('reads and mines each batch while the one before is written, and assigns what one miner over the same batches would', async () => {
    const batches: { readAhead: boolean; lines: number }[] = [];
    const log: Logger = {
      debug: (message, fields = {}) => {
        if (message === 'patterns batch') batches.push({ readAhead: Boolean(fields.readAhead), lines: Number(fields.lines) });
      },
      info() {},
      warn() {},
      error() {},
    };
    const batchRows = 300;
    const core = await openAppCore({ dataDir: tempDataDir(), ownerKind: 'serve', memoryLimit: '1GB', log, minerWorker: minerWorkerFromSource, patternBatchRows: batchRows });
    if ('served' in core) throw new Error('expected to own the data folder');
    try {
      const api = createLocalApi(core.rpc, core.events);
      const imported = await core.imports.importFile({ path: path.join(__dirname, '../fixtures/loghub/Linux_2k.log'), origin: 'command', options: {} });
      const status = await api.call('patterns.wait', { datasetId: imported.datasetId! });
      expect(status).toMatchObject({ state: 'done', rowsDone: 2000, rowsTotal: 2000 });
      expect(batches.map((b) => b.lines)).toEqual([300, 300, 300, 300, 300, 300, 200]);
      // Every batch after the first was read ahead, and none had to be read again.
      expect(batches.map((b) => b.readAhead)).toEqual([false, true, true, true, true, true, true]);

      const column = status.messageColumn!;
      const { rows } = await api.call('query.run', { sql: `SELECT "${column}", _ls_pattern FROM linux_2k ORDER BY _ls_line`, limit: 10_000 });
      const miner = createMiner();
      const assigned: number[] = [];
      for (let from = 0; from < rows.length; from += batchRows) assigned.push(...miner.addBatch(rows.slice(from, from + batchRows).map((r) => String(r[0] ?? ''))));
      expect(rows.map((r) => Number(r[1]))).toEqual(assigned.map((id) => miner.mergedInto(id)));
    } finally {
      await core.dispose();
    }
  });
});
