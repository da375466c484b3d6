import { safeStorage } from 'electron';
import { safeStorageProblem, type SecretEncryptor } from '../services/secrets/encryptedFile';

const platformStore: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS Keychain', win32: 'Windows DPAPI' };

/**
 * Electron's safeStorage as the secret store's encryptor, for when keytar is missing or the
 * OS keychain does not answer. Call after `app.whenReady()`: before it, Linux reports no backend.
 * The asynchronous calls: Electron 45 marks the synchronous ones deprecated.
 */
export function safeStorageEncryptor(platform: NodeJS.Platform = process.platform): SecretEncryptor {
  const linuxBackend = () => (platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null);
  return {
    async unavailableReason() {
      return safeStorageProblem({ platform, available: await safeStorage.isAsyncEncryptionAvailable(), linuxBackend: linuxBackend() });
    },
    protection: () => `Electron safeStorage (${linuxBackend() ?? platformStore[platform] ?? platform})`,
    encrypt: (plaintext) => safeStorage.encryptStringAsync(plaintext),
    decrypt: async (ciphertext) => (await safeStorage.decryptStringAsync(ciphertext)).result,
  };
}
