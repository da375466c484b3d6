import path from 'node:path';
import { app, dialog, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import type { i18n } from 'i18next';
import { installLauncher } from '../services/cliLauncher/cliLauncher';

/**
 * The application menu: the standard roles, plus the data folder and the `logscope` command,
 * so a user of the installed app finds both without reading the README.
 */
export function setApplicationMenu({ t, dataDir }: { t: i18n; dataDir: string }): void {
  const installCli = async () => {
    try {
      const installed = installLauncher({
        platform: process.platform,
        homeDir: app.getPath('home'),
        env: process.env,
        // An AppImage runs from a temporary mount; $APPIMAGE is the file the user keeps.
        executable: process.env.APPIMAGE ?? process.execPath,
        cliScript: path.join(app.getAppPath(), 'out', 'main', 'cli.js'),
      });
      const hint = installed.onPath ? t.t('menu.cliOnPath') : t.t('menu.cliAddToPath', { folder: installed.folder });
      await dialog.showMessageBox({ type: 'info', message: t.t('menu.cliInstalled', { path: installed.path }), detail: hint });
    } catch (error) {
      dialog.showErrorBox('Logscope', t.t('menu.cliFailed', { message: error instanceof Error ? error.message : String(error) }));
    }
  };
  const fileMenu: MenuItemConstructorOptions = {
    label: t.t('menu.file'),
    submenu: [
      { label: t.t('menu.openDataFolder'), click: () => void shell.openPath(dataDir) },
      { label: t.t('menu.installCli'), click: () => void installCli() },
      { type: 'separator' },
      process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
    ],
  };
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' } as const] : []),
    fileMenu,
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
