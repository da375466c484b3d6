// Logscope's import path: the service the UI and the command call, without the UI.
import fs from 'node:fs';
import { openAppCore } from '../../../src/main/app';
import { finishChild } from '../lib';

const [file, dataDir, memoryLimit = '4GB'] = process.argv.slice(2) as [string, string, string?];
fs.rmSync(dataDir, { recursive: true, force: true });
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit });
if ('served' in core) throw new Error('data folder busy');
const started = performance.now();
const result = await core.imports.importFile({ path: file, origin: 'command', options: { timeZone: 'UTC' } });
const elapsedMs = performance.now() - started;
await core.dispose();
finishChild({ elapsedMs, rows: result.rows, rejected: result.rejected, phasesMs: result.phasesMs });
