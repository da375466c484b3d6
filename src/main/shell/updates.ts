import { app } from 'electron';
import electronUpdater from 'electron-updater';
import type { Logger } from '../services/logger';

/**
 * Installed builds check the release feed (electron-builder.yml `publish`) once at start and
 * install a downloaded update when the app quits. A development run or browser mode never
 * checks: only a packaged app has a feed and a signature to verify it against.
 */
export function checkForUpdates(log: Logger): void {
  if (!app.isPackaged) return;
  const { autoUpdater } = electronUpdater;
  autoUpdater.autoInstallOnAppQuit = true;
  autoUpdater.on('error', (error) => log.warn('update check failed', { error: String(error) }));
  autoUpdater.checkForUpdatesAndNotify().catch((error: unknown) => log.warn('update check failed', { error: String(error) }));
}
