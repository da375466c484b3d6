// The one Node.js range Logscope supports is `engines.node` in package.json (Electron 45 and
// its download and packaging tools require 22.12; Node 20 reached its end of life in April
// 2026). `npm start` and `npm test` on an older Node say so and run themselves with a Node 22
// from the npm registry (the `node` package), so a machine with Debian's or an old Node still
// works with the README's two commands.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const { engines } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const [, major, minor] = /^>=(\d+)\.(\d+)$/.exec(engines.node) ?? [];
if (!major) throw new Error(`package.json engines.node must read ">=MAJOR.MINOR", not ${engines.node}`);

/** Returns when this Node is supported; otherwise reruns `script` under a supported one and exits with its status. */
export function runOnSupportedNode(script) {
  const [currentMajor, currentMinor] = process.versions.node.split('.').map(Number);
  if (currentMajor > Number(major) || (currentMajor === Number(major) && currentMinor >= Number(minor))) return;
  process.stderr.write(`Logscope needs Node.js ${engines.node} and this is ${process.versions.node}: running with Node ${major} from the npm registry (npx node@${major}).\n`);
  const result = spawnSync('npx', ['--yes', `node@${major}`, script, ...process.argv.slice(2)], { stdio: 'inherit', shell: process.platform === 'win32' });
  process.exit(result.status ?? 1);
}
