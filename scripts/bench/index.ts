import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './lib';

/**
 * `npm run bench [-- PART...]`: every part of the benchmark, each in its own process, one
 * after the other (two cores: parallel parts would measure each other). A part is a
 * `scripts/bench/<part>.bench.ts` file; its tables go to stdout, its figures to
 * `bench-output/<part>.json`. `--scale` (or the part `scale`) runs the scaling part, which
 * imports millions of rows and so is left out of a plain `npm run bench`; other `--flags`
 * (such as `--50m`) go on to the parts.
 */
const available = fs
  .readdirSync(path.join(repoRoot, 'scripts/bench'))
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace('.bench.ts', ''))
  .sort();
const optIn = ['scale'];
const args = process.argv.slice(2);
const flags = args.filter((a) => a.startsWith('--') && a !== '--scale');
const requested = [...args.filter((a) => !a.startsWith('--')), ...(args.includes('--scale') ? ['scale'] : [])];
const unknown = requested.filter((p) => !available.includes(p));
if (unknown.length) {
  console.error(`unknown bench part(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
  process.exit(2);
}
let failed = false;
for (const part of requested.length ? requested : available.filter((p) => !optIn.includes(p))) {
  console.log(`\n## ${part}`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'scripts/bench', `${part}.bench.ts`), ...flags], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
