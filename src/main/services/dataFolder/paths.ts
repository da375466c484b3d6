import path from 'node:path';

/**
 * The one data folder per OS, the same for the desktop app and the command:
 * `$XDG_DATA_HOME/logscope` (default `~/.local/share/logscope`) on Linux,
 * `~/Library/Application Support/Logscope` on macOS, `%APPDATA%\Logscope` on Windows.
 * `--data-dir` or `LOGSCOPE_DATA_DIR` choose another.
 */
export function defaultDataDir(platform: NodeJS.Platform, env: NodeJS.ProcessEnv, home: string): string {
  if (platform === 'win32') {
    return path.win32.join(env.APPDATA || path.win32.join(home, 'AppData', 'Roaming'), 'Logscope');
  }
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support', 'Logscope');
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : path.join(home, '.local', 'share');
  return path.join(xdg, 'logscope');
}

export function resolveDataDir(explicit: string | undefined, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  const chosen = explicit || env.LOGSCOPE_DATA_DIR;
  return chosen ? path.resolve(chosen) : defaultDataDir(platform, env, home);
}

/** Everything Logscope keeps in a data folder. */
export function dataFolderLayout(dataDir: string) {
  return {
    dataDir,
    databaseFile: path.join(dataDir, 'datasets.duckdb'),
    tempDir: path.join(dataDir, 'tmp'),
    ownerRecord: path.join(dataDir, 'owner.json'),
    uploadsDir: path.join(dataDir, 'uploads'),
    /** Passwords encrypted with the app's safeStorage, where the OS keychain cannot be used. */
    secretsFile: path.join(dataDir, 'secrets.json'),
  };
}

export type DataFolderLayout = ReturnType<typeof dataFolderLayout>;
