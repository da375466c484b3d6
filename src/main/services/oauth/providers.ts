import type { OAuthProviderId } from '../../../shared/api/contract/mail';

/**
 * Where each provider signs users in and which scopes a mail client asks for. Values from
 * the providers' documentation: Google "OAuth 2.0 for Mobile & Desktop Apps" and "Gmail
 * IMAP/SMTP: OAuth 2.0 mechanism" (`https://mail.google.com/`, a restricted scope);
 * Microsoft identity platform v2.0 endpoints and "Authenticate an IMAP, POP or SMTP
 * connection using OAuth" (`https://outlook.office.com/IMAP.AccessAsUser.All`,
 * `…/SMTP.Send`, plus `offline_access` for a refresh token).
 */
export interface ProviderEndpoints {
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  /** RFC 8628; null where the provider does not allow mail scopes in the device flow. */
  deviceAuthorizationEndpoint: string | null;
  /** One grant serves IMAP and SMTP: ask for both at once. */
  scope: string;
}

export function presetEndpoints(provider: Exclude<OAuthProviderId, 'custom'>, { tenant = 'organizations' }: { tenant?: string } = {}): ProviderEndpoints {
  if (provider === 'google') {
    return {
      issuer: 'https://accounts.google.com',
      authorizationEndpoint: 'https://accounts.google.com/o/oauth2/v2/auth',
      tokenEndpoint: 'https://oauth2.googleapis.com/token',
      // Google's device flow allows only a short list of scopes, and Gmail's is not on it.
      deviceAuthorizationEndpoint: null,
      scope: 'https://mail.google.com/',
    };
  }
  const base = `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/oauth2/v2.0`;
  return {
    issuer: `https://login.microsoftonline.com/${encodeURIComponent(tenant)}/v2.0`,
    authorizationEndpoint: `${base}/authorize`,
    tokenEndpoint: `${base}/token`,
    deviceAuthorizationEndpoint: `${base}/devicecode`,
    scope: 'https://outlook.office.com/IMAP.AccessAsUser.All https://outlook.office.com/SMTP.Send offline_access',
  };
}

/** Plain http is accepted only on this machine (RFC 8252 loopback; test servers). */
export function isLoopbackUrl(url: string | URL): boolean {
  const { protocol, hostname } = new URL(url);
  return protocol === 'http:' && (hostname === '127.0.0.1' || hostname === '[::1]' || hostname === 'localhost');
}
