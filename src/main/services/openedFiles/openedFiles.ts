import fs from 'node:fs';
import path from 'node:path';
import type { OpenedFile } from '../../../shared/api/contract/core';
import type { EventBus } from '../events';

/**
 * Files the operating system asked the app to open (a double-click on a `.log`, "Open with",
 * a second launch with file arguments) wait here until the window takes them into the
 * import preview. The window may not be listening yet when the first launch's files arrive,
 * so it takes them — each once — on start and whenever `app.filesOpened` says more came.
 */
export interface OpenedFilesService {
  push(files: OpenedFile[]): void;
  take(): OpenedFile[];
}

export function createOpenedFilesService({ events }: { events: EventBus }): OpenedFilesService {
  let waiting: OpenedFile[] = [];
  return {
    push(files) {
      const known = new Set(waiting.map((f) => f.path));
      const added = files.filter((f) => !known.has(f.path));
      if (added.length === 0) return;
      waiting = [...waiting, ...added];
      events.emit('app.filesOpened', { count: waiting.length });
    },
    take() {
      const taken = waiting;
      waiting = [];
      return taken;
    },
  };
}

/**
 * The files among a launch's arguments: existing regular files, relative to the folder the
 * launch came from. Flags (Chromium's and ours) and the app's own path are not files to open.
 */
export function openedFilesOf(args: readonly string[], cwd: string, stat: (file: string) => fs.Stats | null = statOrNull): OpenedFile[] {
  const files: OpenedFile[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg.startsWith('-')) {
      // Our own flag with a separate value: `--data-dir DIR`.
      if (arg === '--data-dir') i++;
      continue;
    }
    const file = path.resolve(cwd, arg);
    const stats = stat(file);
    if (stats?.isFile()) files.push({ path: file, name: path.basename(file), size: stats.size });
  }
  return files;
}

function statOrNull(file: string): fs.Stats | null {
  try {
    return fs.statSync(file);
  } catch {
    return null;
  }
}
