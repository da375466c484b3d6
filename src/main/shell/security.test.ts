import { describe, expect, it } from 'vitest';
import { grantedPermissions, isAppUrl, windowWebPreferences } from './security';

describe('window hardening', () => {
  it('isolates the renderer: context isolation, sandbox, no Node, no webview', () => {
    const prefs = windowWebPreferences('/app/out/preload/index.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
  });

  it('grants no permission', () => expect(grantedPermissions.size).toBe(0));
});

describe('isAppUrl', () => {
  const built = 'file:///opt/logscope/out/renderer/index.html';
  it('accepts the app page itself, with a hash or query', () => {
    expect(isAppUrl('file:///opt/logscope/out/renderer/index.html#/datasets/1', built)).toBe(true);
  });
  it('refuses other files and any web page', () => {
    expect(isAppUrl('file:///etc/passwd', built)).toBe(false);
    expect(isAppUrl('https://example.com/', built)).toBe(false);
    expect(isAppUrl('not a url', built)).toBe(false);
  });
  it('accepts only the dev server origin under electron-vite dev', () => {
    expect(isAppUrl('http://localhost:5173/src/x', 'http://localhost:5173/')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173/')).toBe(false);
  });
});
