#!/usr/bin/env node
// `npm start`: the desktop window where one can open, and otherwise the same UI in a browser.
// A log server reached over SSH has no display, and some machines cannot download Electron's
// binary (a proxy, an offline mirror): there the user gets one sentence and a URL, not
// electron-vite's "Electron uninstall" stack trace.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runOnSupportedNode } from './supported-node.js';

runOnSupportedNode(fileURLToPath(import.meta.url));

const repoRoot = path.resolve(import.meta.dirname, '..');

/** Why the window cannot open here, or null when it can. */
function whyNoWindow() {
  // The display first: without one there is no point in downloading Electron.
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'this machine has no display';
  if (!findElectronBinary()) return 'Electron’s binary could not be downloaded';
  return null;
}

function findElectronBinary() {
  try {
    // The electron package downloads its binary on first use and exports its path; it throws
    // when the download fails.
    const binary = createRequire(import.meta.url)('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : null;
  } catch {
    return null;
  }
}

function run(command, args) {
  const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', shell: process.platform === 'win32' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const reason = whyNoWindow();
if (reason) {
  // Arguments after `npm start --` go to `logscope serve` (e.g. `--port 8080`, `--data-dir`).
  process.stdout.write(`Logscope: ${reason}, so it runs in browser mode — open the URL below.\n`);
  run(process.execPath, ['bin/logscope.js', 'serve', ...process.argv.slice(2)]);
} else {
  run('npx', ['electron-vite', 'preview']);
}
