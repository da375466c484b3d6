import { useState } from 'react';
import { Alert, Button, Checkbox, Group, NumberInput, PasswordInput, SegmentedControl, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../ui/Dialog';
import { IconAlertTriangle } from '@tabler/icons-react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { defaultImapPort, type MailAccount, type MailSecurity, type OAuthSignedIn, type TlsTrust } from '@shared/api/contract/mail';
import { useApi } from '../../app/api';
import { useErrorText } from '../../ui/useErrorText';
import { mailKeys } from './useMail';
import { SecureStoreNote } from './SecureStoreNote';
import { OAuthSignInFields, presetHosts } from './OAuthSignInFields';

type TrustKind = TlsTrust['kind'];

/**
 * A new IMAP account. The password is sent once, to be stored in the keychain (or a
 * credentials file when no keychain is reachable); nothing here ever reads it back. With
 * OAuth2, the user signs in in the browser instead and the account names the grant.
 */
export function AccountDialog({
  opened,
  onClose,
  onCreated,
  keychainAvailable,
}: {
  opened: boolean;
  onClose: () => void;
  onCreated: (account: MailAccount) => void;
  keychainAvailable: boolean;
}) {
  const { t } = useTranslation();
  const api = useApi();
  const client = useQueryClient();
  const errorText = useErrorText();
  const [name, setName] = useState('');
  const [host, setHost] = useState('');
  const [security, setSecurity] = useState<MailSecurity>('tls');
  const [port, setPort] = useState<number | ''>('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [auth, setAuth] = useState<'password' | 'oauth2'>('password');
  const [signedIn, setSignedIn] = useState<OAuthSignedIn | null>(null);
  const [store, setStore] = useState<'keychain' | 'file'>(keychainAvailable ? 'keychain' : 'file');
  const [credentialsPath, setCredentialsPath] = useState('');
  const [trustKind, setTrustKind] = useState<TrustKind>('system');
  const [trustValue, setTrustValue] = useState('');
  const [plainConfirmed, setPlainConfirmed] = useState(false);

  const reset = () => {
    setName('');
    setHost('');
    setSecurity('tls');
    setPort('');
    setUser('');
    setPassword('');
    setAuth('password');
    setSignedIn(null);
    setCredentialsPath('');
    setTrustKind('system');
    setTrustValue('');
    setPlainConfirmed(false);
  };

  const create = useMutation({
    mutationFn: () => {
      const trust: TlsTrust =
        trustKind === 'ca_file' ? { kind: 'ca_file', path: trustValue.trim() } : trustKind === 'pinned' ? { kind: 'pinned', fingerprint256: trustValue.trim() } : { kind: 'system' };
      return api.call('mail.accounts.create', {
        ...(name.trim() ? { name: name.trim() } : {}),
        host: host.trim(),
        ...(port === '' ? {} : { port }),
        security,
        user: user.trim(),
        trust,
        secret:
          auth === 'oauth2' && signedIn
            ? { store: 'oauth2', grant: signedIn.grant }
            : store === 'keychain'
              ? { store: 'keychain', password }
              : { store: 'file', path: credentialsPath.trim(), password },
      });
    },
    onSuccess: async (account) => {
      await client.invalidateQueries({ queryKey: mailKeys.accounts });
      reset();
      onCreated(account);
    },
  });

  const secretReady = auth === 'oauth2' ? signedIn !== null : password && (store === 'keychain' || credentialsPath.trim());
  const canSave = host.trim() && user.trim() && secretReady && (security !== 'plain' || plainConfirmed);

  return (
    <Dialog opened={opened} onClose={onClose} title={t('mail.accounts.addTitle')} size="lg">
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (canSave) create.mutate();
        }}
      >
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              label={t('mail.accounts.host')}
              placeholder="imap.example.com"
              value={host}
              onChange={(e) => setHost(e.currentTarget.value)}
              required
              data-autofocus
              style={{ gridColumn: 'span 2' }}
            />
            <NumberInput
              label={t('mail.accounts.port')}
              placeholder={String(defaultImapPort[security])}
              value={port}
              onChange={(value) => setPort(typeof value === 'number' ? value : '')}
              min={1}
              max={65535}
              allowDecimal={false}
              thousandSeparator=""
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('mail.accounts.security')}
            </Text>
            <SegmentedControl
              fullWidth
              value={security}
              onChange={(value) => setSecurity(value as MailSecurity)}
              data={[
                { value: 'tls', label: t('mail.accounts.securityTls') },
                { value: 'starttls', label: t('mail.accounts.securityStarttls') },
                { value: 'plain', label: t('mail.accounts.securityPlain') },
              ]}
            />
          </Stack>
          {security === 'plain' && (
            <Alert color="red" icon={<IconAlertTriangle size={18} />}>
              <Stack gap="xs">
                <Text size="sm">{t('mail.accounts.plainWarning')}</Text>
                <Checkbox label={t('mail.accounts.plainConfirm')} checked={plainConfirmed} onChange={(e) => setPlainConfirmed(e.currentTarget.checked)} />
              </Stack>
            </Alert>
          )}
          <Stack gap={4}>
            <Text size="sm" fw={500}>
              {t('oauth.fields.auth')}
            </Text>
            <SegmentedControl
              value={auth}
              onChange={(value) => setAuth(value as 'password' | 'oauth2')}
              data={[
                { value: 'password', label: t('oauth.auth.password') },
                { value: 'oauth2', label: t('oauth.auth.oauth2') },
              ]}
              data-testid="account-auth"
            />
          </Stack>
          {auth === 'oauth2' ? (
            <>
              <TextInput label={t('oauth.fields.mailbox')} placeholder="logs@example.com" value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoComplete="off" />
              <OAuthSignInFields
                user={user}
                signedIn={signedIn}
                onSignedIn={setSignedIn}
                onProvider={(provider) => {
                  if (provider !== 'custom' && !host.trim()) setHost(presetHosts[provider].imap);
                }}
              />
            </>
          ) : (
            <>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label={t('mail.accounts.user')} value={user} onChange={(e) => setUser(e.currentTarget.value)} required autoComplete="off" />
                <PasswordInput
                  label={t('mail.accounts.password')}
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                  required
                  autoComplete="new-password"
                />
              </SimpleGrid>
              <Stack gap={4}>
                <Text size="sm" fw={500}>
                  {t('mail.accounts.store')}
                </Text>
                <SegmentedControl
                  value={store}
                  onChange={(value) => setStore(value as 'keychain' | 'file')}
                  data={[
                    { value: 'keychain', label: t('mail.accounts.storeKeychain'), disabled: !keychainAvailable },
                    { value: 'file', label: t('mail.accounts.storeFile') },
                  ]}
                />
                {store === 'keychain' && <SecureStoreNote />}
                <Text size="xs" c="dimmed">
                  {t('mail.accounts.passwordHelp')}
                </Text>
              </Stack>
              {store === 'file' && (
                <TextInput
                  label={t('mail.accounts.credentialsPath')}
                  description={t('mail.accounts.credentialsPathHelp')}
                  placeholder="/home/logs/.config/logscope/imap.pw"
                  value={credentialsPath}
                  onChange={(e) => setCredentialsPath(e.currentTarget.value)}
                  required
                />
              )}
            </>
          )}
          {security !== 'plain' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <Select
                label={t('mail.accounts.trust')}
                value={trustKind}
                onChange={(value) => setTrustKind((value as TrustKind | null) ?? 'system')}
                allowDeselect={false}
                data={[
                  { value: 'system', label: t('mail.accounts.trustSystem') },
                  { value: 'ca_file', label: t('mail.accounts.trustCaFile') },
                  { value: 'pinned', label: t('mail.accounts.trustPinned') },
                ]}
              />
              {trustKind !== 'system' && (
                <TextInput
                  label={trustKind === 'ca_file' ? t('mail.accounts.caFile') : t('mail.accounts.fingerprint')}
                  placeholder={trustKind === 'ca_file' ? '/etc/ssl/private-ca.pem' : 'AB:CD:…'}
                  value={trustValue}
                  onChange={(e) => setTrustValue(e.currentTarget.value)}
                  ff={trustKind === 'pinned' ? 'monospace' : undefined}
                  required
                />
              )}
            </SimpleGrid>
          )}
          <TextInput
            label={t('mail.accounts.name')}
            placeholder={user && host ? `${user}@${host}` : t('mail.accounts.namePlaceholder')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          {create.error && (
            <Alert color="red" data-testid="account-create-error">
              {errorText(create.error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              {t('common.cancel')}
            </Button>
            <Button type="submit" loading={create.isPending} disabled={!canSave}>
              {t('mail.accounts.save')}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
