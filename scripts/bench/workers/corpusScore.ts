// The format corpus through the real importer: every file into a dataset of its own,
// each line's time and level compared with the truth (test/corpus/score.ts).
import fs from 'node:fs';
import { openAppCore } from '../../../src/main/app';
import { fullCorpus, scoreCorpus, summarize } from '../../../test/corpus/score';
import { finishChild } from '../lib';

const [dataDir] = process.argv.slice(2) as [string];
fs.rmSync(dataDir, { recursive: true, force: true });
const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit: '2GB' });
if ('served' in core) throw new Error('data folder busy');
const scores = await scoreCorpus(core, fullCorpus());
await core.dispose();
finishChild({ scores, summary: summarize(scores) });
