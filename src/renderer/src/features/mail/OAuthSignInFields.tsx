import { useState } from 'react';
import { Alert, Anchor, Button, Group, Loader, PasswordInput, Select, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { IconCircleCheck } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { Input } from '@shared/api/contract';
import type { OAuthProviderId, OAuthSignedIn } from '@shared/api/contract/mail';
import { useErrorText } from '../../ui/useErrorText';
import { useOAuthSignIn } from './useOAuthSignIn';

/** Where each preset's mail servers are, to fill in an empty host. */
export const presetHosts: Record<Exclude<OAuthProviderId, 'custom'>, { imap: string; smtp: string }> = {
  google: { imap: 'imap.gmail.com', smtp: 'smtp.gmail.com' },
  microsoft: { imap: 'outlook.office365.com', smtp: 'smtp.office365.com' },
};

/**
 * The OAuth2 part of an account dialog: a provider (Google, Microsoft 365 or any OpenID
 * provider by its issuer URL), the client id the organisation registered, and a "Sign in
 * with …" button that runs the browser sign-in. Only the grant's name comes back.
 */
export function OAuthSignInFields({
  user,
  signedIn,
  onSignedIn,
  onProvider,
}: {
  user: string;
  signedIn: OAuthSignedIn | null;
  onSignedIn: (signedIn: OAuthSignedIn | null) => void;
  onProvider?: (provider: OAuthProviderId) => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const { state, signIn, cancel } = useOAuthSignIn();
  const [provider, setProvider] = useState<OAuthProviderId>('google');
  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [tenant, setTenant] = useState('');
  const [issuer, setIssuer] = useState('');
  const [scope, setScope] = useState('');

  const optional = (value: string) => (value.trim() ? value.trim() : undefined);
  const input = (): Input<'mail.oauth.begin'> => {
    const common = { clientId: clientId.trim(), clientSecret: optional(clientSecret), user: user.trim() };
    if (provider === 'microsoft') return { provider, ...common, tenant: optional(tenant) };
    if (provider === 'custom') return { provider, ...common, issuer: issuer.trim(), scope: optional(scope) };
    return { provider, ...common };
  };
  const ready = clientId.trim() && user.trim() && (provider !== 'custom' || issuer.trim());
  const waiting = state.phase === 'waiting';

  return (
    <Stack gap="sm" data-testid="oauth-fields">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <Select
          label={t('oauth.fields.provider')}
          value={provider}
          allowDeselect={false}
          onChange={(value) => {
            const next = (value as OAuthProviderId | null) ?? 'google';
            setProvider(next);
            onSignedIn(null);
            onProvider?.(next);
          }}
          data={(['google', 'microsoft', 'custom'] as const).map((p) => ({ value: p, label: t(`oauth.providers.${p}`) }))}
        />
        {provider === 'microsoft' && (
          <TextInput label={t('oauth.fields.tenant')} placeholder="organizations" value={tenant} onChange={(e) => setTenant(e.currentTarget.value)} />
        )}
        {provider === 'custom' && (
          <TextInput label={t('oauth.fields.issuer')} placeholder="https://login.example.com/realms/mail" value={issuer} onChange={(e) => setIssuer(e.currentTarget.value)} required />
        )}
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput label={t('oauth.fields.clientId')} value={clientId} onChange={(e) => setClientId(e.currentTarget.value)} required autoComplete="off" />
        <PasswordInput label={t('oauth.fields.clientSecret')} value={clientSecret} onChange={(e) => setClientSecret(e.currentTarget.value)} autoComplete="off" />
      </SimpleGrid>
      {provider === 'custom' && (
        <TextInput label={t('oauth.fields.scope')} placeholder="openid offline_access" value={scope} onChange={(e) => setScope(e.currentTarget.value)} />
      )}
      <Text size="xs" c="dimmed">
        {t(`oauth.help.${provider}`)}
      </Text>
      <Group gap="sm">
        <Button
          variant={signedIn ? 'default' : 'filled'}
          disabled={!ready || waiting}
          onClick={() => void signIn(input()).then((result) => result && onSignedIn(result))}
          data-testid="oauth-sign-in"
        >
          {t('oauth.signIn', { provider: t(`oauth.providers.${provider}`) })}
        </Button>
        {waiting && (
          <Button variant="subtle" onClick={cancel}>
            {t('common.cancel')}
          </Button>
        )}
        {signedIn && !waiting && (
          <Group gap={6} data-testid="oauth-signed-in">
            <IconCircleCheck size={18} color="var(--mantine-color-teal-6)" />
            <Text size="sm">{t('oauth.signedIn', { user: signedIn.user })}</Text>
          </Group>
        )}
      </Group>
      {waiting && (
        <Alert color="blue" icon={<Loader size={16} />} data-testid="oauth-waiting">
          <Stack gap={4}>
            <Text size="sm">{t('oauth.waiting')}</Text>
            {state.url && (
              <Text size="xs">
                {t('oauth.openManually')}{' '}
                <Anchor href={state.url} target="_blank" rel="noopener noreferrer" style={{ wordBreak: 'break-all' }} data-testid="oauth-url">
                  {state.url}
                </Anchor>
              </Text>
            )}
          </Stack>
        </Alert>
      )}
      {state.phase === 'failed' && (
        <Alert color="red" data-testid="oauth-error">
          {errorText(state.error)}
        </Alert>
      )}
    </Stack>
  );
}
