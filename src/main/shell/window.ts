import { BrowserWindow, session, type WebFrameMain } from 'electron';
import { grantedPermissions, isAppUrl, windowWebPreferences } from './security';

export interface AppWindow {
  window: BrowserWindow;
  isTrustedFrame(frame: WebFrameMain | null): boolean;
}

/**
 * The one window: hardened preferences, no navigation away from the app, no new
 * windows, no webviews, no permissions. Links in logs are never opened from here.
 */
export function createAppWindow({ preloadPath, appUrl, title }: { preloadPath: string; appUrl: string; title: string }): AppWindow {
  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    title,
    show: false,
    webPreferences: windowWebPreferences(preloadPath),
  });
  const contents = window.webContents;

  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(grantedPermissions.has(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => grantedPermissions.has(permission));

  window.once('ready-to-show', () => window.show());
  void window.loadURL(appUrl);

  return {
    window,
    isTrustedFrame: (frame) => frame !== null && isAppUrl(frame.url, appUrl),
  };
}
