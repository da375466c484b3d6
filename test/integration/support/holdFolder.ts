// A real second process for the ownership tests. `cli`: owns the data folder as a one-shot
// `logscope` command would (lock + discovery record). `bare`: holds DuckDB's lock with no
// record, like a foreign or hung process. Prints "ready", releases on a line "release".
import readline from 'node:readline';
import { DuckDBInstance } from '@duckdb/node-api';
import { openAppCore } from '../../../src/main/app';
import { dataFolderLayout } from '../../../src/main/services/dataFolder/paths';

const [mode, dataDir] = process.argv.slice(2) as ['cli' | 'bare', string];
let release: () => Promise<void>;
if (mode === 'cli') {
  const core = await openAppCore({ dataDir, ownerKind: 'cli', memoryLimit: '512MB' });
  if ('served' in core) throw new Error('folder is served');
  await core.publish(null);
  release = () => core.dispose();
} else {
  const instance = await DuckDBInstance.create(dataFolderLayout(dataDir).databaseFile);
  release = async () => instance.closeSync();
}
process.stdout.write('ready\n');
const lines = readline.createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === 'release') {
    await release();
    process.stdout.write('released\n');
    process.exit(0);
  }
}
