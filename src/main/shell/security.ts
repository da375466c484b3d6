import type { WebPreferences } from 'electron';

/**
 * The window's hardening, per Electron's security checklist, as plain values so unit
 * tests can check them (no Electron window can start on the build machines).
 */
export function windowWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
  };
}

/**
 * Only the app's own page may be shown or send IPC: the built `index.html` (a file URL)
 * or, under `electron-vite dev`, the dev server's origin.
 */
export function isAppUrl(candidate: string, appUrl: string): boolean {
  let url: URL;
  let app: URL;
  try {
    url = new URL(candidate);
    app = new URL(appUrl);
  } catch {
    return false;
  }
  if (app.protocol === 'file:') return url.protocol === 'file:' && url.pathname === app.pathname;
  return url.origin === app.origin;
}

/** Permissions the renderer may ask for: none (no camera, notifications, geolocation…). */
export const grantedPermissions: ReadonlySet<string> = new Set();

/**
 * The hidden window that prints a report to PDF: no preload, no JavaScript (the report has
 * none), its own in-memory session so no cookie or cache of the app's is near it.
 */
export function printWebPreferences(partition: string): WebPreferences {
  return {
    partition,
    javascript: false,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  };
}
