import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { app, BrowserWindow, dialog } from 'electron';
import { AppError, toWireError } from '../shared/api/errors';
import { createTranslator, errorMessage } from '../shared/i18n/format';
import { pickLanguage } from '../shared/i18n';
import { eventChannelPrefix } from '../shared/api/names';
import { isServed, openAppCore, type AppCore } from './app';
import { resolveDataDir } from './services/dataFolder/paths';
import { createLogger } from './services/logger';
import { startLoopbackServer, type LoopbackServer } from './transport/loopback';
import type { RpcServer } from './transport/rpc';
import { createAppWindow } from './shell/window';
import { bindIpc, forwardEvents } from './shell/ipc';
import { keepRunningInTray } from './shell/tray';
import { safeStorageEncryptor } from './shell/safeStorage';
import { electronPdfPrinter } from './shell/printPdf';
import { setApplicationMenu } from './shell/menu';
import { checkForUpdates } from './shell/updates';
import { openSignInPage } from './shell/browser';
import { openedFilesOf } from './services/openedFiles/openedFiles';
// Built as its own file beside this one (electron-vite); the path is where it is at run time.
import minerWorkerPath from './services/patterns/minerWorker?modulePath';
import type { OpenedFile } from '../shared/api/contract/core';

/**
 * The Electron entry: the thin shell around the same services `logscope serve` runs.
 * It owns the data folder, serves the contract over IPC to its window and over the
 * loopback transport to `logscope` commands, and disposes of everything on quit.
 */
const dataDir = resolveDataDir(argValue('--data-dir'), process.env, process.platform, os.homedir());
app.setPath('userData', dataDir);
const log = createLogger({ level: 'info', write: (line) => process.stdout.write(line) });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let core: AppCore | null = null;
  let server: LoopbackServer | null = null;
  let resolveRpc: (rpc: RpcServer) => void = () => undefined;
  const rpcReady = new Promise<RpcServer>((resolve) => (resolveRpc = resolve));

  // Files the OS asks us to open (file associations, "Open with", a second launch) go to the
  // import preview; those that come before the services are ready wait for them.
  let filesBeforeReady: OpenedFile[] = openedFilesOf(process.argv.slice(1), process.cwd());
  const openFiles = (files: OpenedFile[]) => {
    if (core) core.openedFiles.push(files);
    else filesBeforeReady = [...filesBeforeReady, ...files];
  };
  // macOS hands files over by event, before or after launch.
  app.on('open-file', (event, file) => {
    event.preventDefault();
    openFiles(openedFilesOf([file], '/'));
  });

  app.on('second-instance', (_event, argv, workingDirectory) => {
    openFiles(openedFilesOf(argv.slice(1), workingDirectory));
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.whenReady().then(async () => {
    setApplicationMenu({ t: createTranslator(pickLanguage([app.getLocale()])), dataDir });
    const appUrl = process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(fileURLToPath(new URL('../renderer/index.html', import.meta.url))).href;
    const { window, isTrustedFrame } = createAppWindow({
      preloadPath: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      appUrl,
      title: 'Logscope',
    });
    bindIpc({ rpc: rpcReady, isTrustedFrame });
    try {
      const opened = await openAppCore({
        dataDir,
        ownerKind: 'app',
        seedDemo: true,
        log,
        secretEncryptor: safeStorageEncryptor(),
        minerWorker: { file: minerWorkerPath },
        openExternal: openSignInPage,
        printPdf: electronPdfPrinter(),
        onWaiting: (holder) =>
          window.webContents.send(`${eventChannelPrefix}app.status`, { state: 'waiting_for_owner', message: String(holder.pid) }),
      });
      if (isServed(opened)) throw new AppError('data_dir_owned', { pid: opened.served.pid, kind: opened.served.kind });
      core = opened;
      core.openedFiles.push(filesBeforeReady);
      server = await startLoopbackServer({ rpc: core.rpc, events: core.events, log, rendererDir: null });
      await core.publish({ port: server.port, token: server.token });
      core.scheduler.start();
      void core.mailListeners.start();
      const owner = core;
      const t = createTranslator(pickLanguage([app.getLocale()]));
      const tray = keepRunningInTray({
        window,
        iconPath: path.join(app.getAppPath(), 'resources', 'icon-tray.png'),
        hasEnabledJobs: async () => (await owner.scheduler.list()).some((job) => job.enabled),
        labels: { open: t.t('tray.open'), quit: t.t('tray.quit'), tooltip: t.t('tray.tooltip') },
        onQuit: () => app.quit(),
      });
      // Quitting from the menu or ⌘Q closes the window for real.
      app.on('before-quit', () => tray.allowClose());
      forwardEvents(core.events, window.webContents);
      resolveRpc(core.rpc);
      window.webContents.send(`${eventChannelPrefix}app.status`, { state: 'ready' });
      checkForUpdates(log);
    } catch (error) {
      const t = createTranslator(pickLanguage([app.getLocale()]));
      dialog.showErrorBox('Logscope', errorMessage(t, toWireError(error)));
      app.quit();
    }
  });

  // With jobs enabled the window hides to the tray instead of closing (see shell/tray.ts).
  app.on('window-all-closed', () => app.quit());

  let disposed = false;
  app.on('will-quit', (event) => {
    if (disposed) return;
    event.preventDefault();
    disposed = true;
    void (async () => {
      await server?.close();
      await core?.dispose();
      app.quit();
    })();
  });
}

function argValue(flag: string): string | undefined {
  const index = process.argv.indexOf(flag);
  if (index >= 0) return process.argv[index + 1];
  return process.argv.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}
