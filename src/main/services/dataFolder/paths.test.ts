import { describe, expect, it } from 'vitest';
import { defaultDataDir, resolveDataDir } from './paths';

describe('defaultDataDir', () => {
  it('follows XDG_DATA_HOME on Linux', () => {
    expect(defaultDataDir('linux', { XDG_DATA_HOME: '/data/xdg' }, '/home/ana')).toBe('/data/xdg/logscope');
  });
  it('falls back to ~/.local/share on Linux, ignoring a relative XDG_DATA_HOME', () => {
    expect(defaultDataDir('linux', {}, '/home/ana')).toBe('/home/ana/.local/share/logscope');
    expect(defaultDataDir('linux', { XDG_DATA_HOME: 'rel' }, '/home/ana')).toBe('/home/ana/.local/share/logscope');
  });
  it('uses Application Support on macOS', () => {
    expect(defaultDataDir('darwin', {}, '/Users/ana')).toBe('/Users/ana/Library/Application Support/Logscope');
  });
  it('uses APPDATA on Windows', () => {
    expect(defaultDataDir('win32', { APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'C:\\Users\\ana')).toBe(
      'C:\\Users\\ana\\AppData\\Roaming\\Logscope',
    );
  });
});

describe('resolveDataDir', () => {
  it('prefers --data-dir, then LOGSCOPE_DATA_DIR', () => {
    expect(resolveDataDir('/a', { LOGSCOPE_DATA_DIR: '/b' }, 'linux', '/h')).toBe('/a');
    expect(resolveDataDir(undefined, { LOGSCOPE_DATA_DIR: '/b' }, 'linux', '/h')).toBe('/b');
  });
});
