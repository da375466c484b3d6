import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { openAppCore, type AppCore, type AppCoreOptions } from '../../../src/main/app';
import { minerWorkerFromSource } from './minerWorker';

/** A fresh data folder per test file, removed afterwards. */
export function tempDataDir(prefix = 'logscope-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * The composition root as the app builds it (patterns mined in a worker thread), owning `dataDir`;
 * `options` adds what a test needs on top (a backoff, a browser stand-in).
 */
export async function openOwnedCore(dataDir: string, options: Partial<Omit<AppCoreOptions, 'dataDir'>> = {}): Promise<AppCore> {
  const core = await openAppCore({ dataDir, ownerKind: 'serve', seedDemo: false, memoryLimit: '1GB', minerWorker: minerWorkerFromSource, ...options });
  if ('served' in core) throw new Error('expected to own the data folder');
  return core;
}
