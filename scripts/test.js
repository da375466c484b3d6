#!/usr/bin/env node
// `npm test`: build first (command-line and end-to-end tests run the built app), then the
// whole suite. On Linux the suite runs under a throw-away unlocked GNOME keyring, so the
// keychain tests use the real Secret Service; elsewhere the OS keychain is used as it is.
import { spawnSync } from 'node:child_process';

const run = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

const vitestArgs = ['vitest', 'run', ...process.argv.slice(2)];
if (!process.env.LOGSCOPE_TEST_SKIP_BUILD) run('npx', ['electron-vite', 'build']);
const canWrap = process.platform === 'linux' && spawnSync('sh', ['-c', 'command -v dbus-run-session'], { stdio: 'ignore' }).status === 0;
if (canWrap) run('sh', ['scripts/with-keyring.sh', 'npx', ...vitestArgs]);
else run('npx', vitestArgs);
