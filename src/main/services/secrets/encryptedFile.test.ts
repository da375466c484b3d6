import { describe, expect, it } from 'vitest';
import { safeStorageProblem } from './encryptedFile';

describe('safeStorageProblem', () => {
  it('When Linux safeStorage would use basic_text (or none, or before ready), Then it is refused: the key is built into Chromium', () => {
    for (const linuxBackend of ['basic_text', 'unknown', null]) {
      expect(safeStorageProblem({ platform: 'linux', available: true, linuxBackend })).toMatch(/a key built into Chromium, which protects nothing/);
    }
  });

  it('When Linux has the Secret Service or KWallet, or on macOS and Windows, Then safeStorage is used if it can encrypt', () => {
    for (const linuxBackend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      expect(safeStorageProblem({ platform: 'linux', available: true, linuxBackend })).toBeNull();
    }
    expect(safeStorageProblem({ platform: 'darwin', available: true, linuxBackend: null })).toBeNull();
    expect(safeStorageProblem({ platform: 'win32', available: true, linuxBackend: null })).toBeNull();
    expect(safeStorageProblem({ platform: 'win32', available: false, linuxBackend: null })).toMatch(/cannot encrypt here/);
  });
});
