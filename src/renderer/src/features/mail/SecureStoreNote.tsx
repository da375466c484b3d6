import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Output } from '@shared/api/contract';
import { useMailStatus } from './useMail';

type MailStatus = Output<'mail.status'>;

/**
 * Where "keychain" passwords go on the machine that owns the data folder, and why: the OS
 * keychain, the app's encrypted file (with the reason the keychain was passed over), or none.
 */
export function secureStoreText(t: (key: string, params?: Record<string, unknown>) => string, status: MailStatus): string {
  const { keychain } = status;
  if (!keychain.available) {
    return t(status.ownerKind === 'serve' ? 'mail.keychain.unavailableServe' : 'mail.keychain.unavailable', { reason: keychain.reason ?? '' });
  }
  if (keychain.store?.kind === 'encrypted_file') {
    return t('mail.keychain.encryptedFile', { path: keychain.store.path, protection: keychain.store.protection, reason: keychain.store.keychainReason });
  }
  return t('mail.keychain.available');
}

/** One line under a password-store choice, so the dialog says which store "Keychain" means here. */
export function SecureStoreNote() {
  const { t } = useTranslation();
  const status = useMailStatus().data;
  if (!status) return null;
  return (
    <Text size="xs" c="dimmed" data-testid="secure-store-note">
      {secureStoreText(t, status)}
    </Text>
  );
}
