import fs from 'node:fs';
import path from 'node:path';

/**
 * "Install command line tool": the installed app has no Node of its own, but Electron runs as
 * Node with ELECTRON_RUN_AS_NODE=1 and reads the CLI bundle from inside the asar, so the
 * `logscope` command is a two-line launcher in a folder the user owns (no admin rights):
 * ~/.local/bin on Linux and macOS, %LOCALAPPDATA%\Logscope\bin on Windows.
 */
export interface LauncherTarget {
  platform: NodeJS.Platform;
  homeDir: string;
  env: NodeJS.ProcessEnv;
  /** The binary that runs as Node: the app's executable (on Linux AppImages, $APPIMAGE). */
  executable: string;
  /** The CLI bundle, `…/app.asar/out/main/cli.js` in the installed app. */
  cliScript: string;
}

export interface InstalledLauncher {
  path: string;
  /** Whether its folder is on PATH already; if not, the user is told to add it. */
  onPath: boolean;
  folder: string;
}

export function launcherFile(target: LauncherTarget): { folder: string; name: string; content: string } {
  if (target.platform === 'win32') {
    const folder = path.win32.join(target.env.LOCALAPPDATA ?? path.win32.join(target.homeDir, 'AppData', 'Local'), 'Logscope', 'bin');
    return {
      folder,
      name: 'logscope.cmd',
      content: `@echo off\r\nset ELECTRON_RUN_AS_NODE=1\r\n"${target.executable}" "${target.cliScript}" %*\r\n`,
    };
  }
  return {
    folder: path.posix.join(target.homeDir, '.local', 'bin'),
    name: 'logscope',
    content: `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${shellQuote(target.executable)} ${shellQuote(target.cliScript)} "$@"\n`,
  };
}

export function installLauncher(target: LauncherTarget): InstalledLauncher {
  const file = launcherFile(target);
  fs.mkdirSync(file.folder, { recursive: true });
  const launcher = path.join(file.folder, file.name);
  fs.writeFileSync(launcher, file.content, { mode: 0o755 });
  fs.chmodSync(launcher, 0o755);
  const separator = target.platform === 'win32' ? ';' : ':';
  const pathDirs = (target.env.PATH ?? target.env.Path ?? '').split(separator).map((dir) => path.resolve(dir));
  return { path: launcher, folder: file.folder, onPath: pathDirs.includes(path.resolve(file.folder)) };
}

const shellQuote = (text: string) => `'${text.replaceAll("'", `'\\''`)}'`;
