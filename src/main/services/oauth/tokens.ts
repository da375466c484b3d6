import { isAbsolute } from 'node:path';
import * as oauth from 'oauth4webapi';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { OAuthProviderId } from '../../../shared/api/contract/mail';
import type { SecretRef, SecretStore } from '../secrets/secrets';
import { isLoopbackUrl } from './providers';

/**
 * One token store for every account that signs in with OAuth2 (issue 22). A grant — the
 * refresh token, the current access token and its expiry, and the client it was issued to —
 * is one JSON line in the SecretStore, never in the catalogue. IMAP and SMTP accounts that
 * name the same grant share it; refreshes of one grant are serialised, because Microsoft
 * rotates refresh tokens and two refreshes with the same old token would void the grant.
 */

export const GrantRecord = z.object({
  v: z.literal(1),
  provider: OAuthProviderId,
  issuer: z.string().url(),
  tokenEndpoint: z.string().url(),
  /** Kept so "sign in again" needs nothing but the grant's name. */
  authorizationEndpoint: z.string().url().optional(),
  deviceAuthorizationEndpoint: z.string().url().nullable().default(null),
  clientId: z.string().min(1),
  clientSecret: z.string().min(1).optional(),
  scope: z.string(),
  /** The mailbox the grant was issued for, as shown to the user. */
  user: z.string().nullable(),
  refreshToken: z.string().min(1),
  accessToken: z.string().nullable(),
  /** Epoch milliseconds; null when the server did not say. */
  expiresAt: z.number().nullable(),
});
export type GrantRecord = z.infer<typeof GrantRecord>;

/** A name in the secure store, or a credentials file for headless servers. */
export function grantRef(grant: string): SecretRef {
  return isAbsolute(grant) ? { kind: 'file', path: grant } : { kind: 'keychain', account: `oauth:${grant}` };
}

/** The grant name an account gets by default: one per provider and mailbox user. */
export const defaultGrantName = (provider: string, user: string) => `${provider}:${user.toLowerCase()}`;

/** How long before expiry an access token is replaced, so a connection never starts on a dying token. */
const REFRESH_MARGIN_MS = 120_000;

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The oauth4webapi view of a grant's server and client. */
export function clientOf(record: Pick<GrantRecord, 'issuer' | 'tokenEndpoint' | 'deviceAuthorizationEndpoint' | 'clientId' | 'clientSecret'>) {
  const as: oauth.AuthorizationServer = {
    issuer: record.issuer,
    token_endpoint: record.tokenEndpoint,
    ...(record.deviceAuthorizationEndpoint ? { device_authorization_endpoint: record.deviceAuthorizationEndpoint } : {}),
  };
  const client: oauth.Client = { client_id: record.clientId };
  // Google's desktop clients come with a "secret" that is not secret (RFC 8252 §8.5); others none.
  const auth = record.clientSecret ? oauth.ClientSecretPost(record.clientSecret) : oauth.None();
  return { as, client, auth, options: { [oauth.allowInsecureRequests]: isLoopbackUrl(record.tokenEndpoint) } };
}

/** Turns a token endpoint answer into the stored record; a missing refresh token keeps the old one. */
export function withTokens(record: Omit<GrantRecord, 'refreshToken' | 'accessToken' | 'expiresAt'> & { refreshToken?: string }, response: oauth.TokenEndpointResponse, now: Date): GrantRecord {
  const refreshToken = response.refresh_token ?? record.refreshToken;
  if (!refreshToken) throw new AppError('oauth_no_refresh_token', { issuer: record.issuer });
  return {
    ...record,
    refreshToken,
    accessToken: response.access_token,
    expiresAt: typeof response.expires_in === 'number' ? now.getTime() + response.expires_in * 1000 : null,
    scope: response.scope ?? record.scope,
  };
}

/** Wraps a failure of a token endpoint: a refused grant means the user must sign in again. */
export function tokenError(error: unknown, context: { grant: string; issuer: string }): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof oauth.ResponseBodyError && (error.error === 'invalid_grant' || error.error === 'unauthorized_client')) {
    return new AppError('oauth_sign_in_again', { grant: context.grant, reason: error.error_description ?? error.error }, { cause: error });
  }
  const reason = error instanceof oauth.ResponseBodyError ? `${error.error}${error.error_description ? `: ${error.error_description}` : ''}` : messageOf(error);
  return new AppError('oauth_token_failed', { issuer: context.issuer, reason }, { cause: error });
}

export function createOAuthTokens({ secrets, clock }: { secrets: SecretStore; clock: { now(): Date } }) {
  const refreshing = new Map<string, Promise<string>>();

  async function read(grant: string): Promise<GrantRecord> {
    let text: string;
    try {
      text = await secrets.get(grantRef(grant));
    } catch (error) {
      if (error instanceof AppError && (error.code === 'secret_not_found' || error.code === 'credentials_file_missing')) {
        throw new AppError('oauth_grant_not_found', { grant }, { cause: error });
      }
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AppError('oauth_grant_not_found', { grant }, { cause: error });
    }
    const record = GrantRecord.safeParse(parsed);
    if (!record.success) throw new AppError('oauth_grant_not_found', { grant });
    return record.data;
  }

  const save = (grant: string, record: GrantRecord) => secrets.set(grantRef(grant), JSON.stringify(GrantRecord.parse(record)));

  async function refresh(grant: string, record: GrantRecord, signal?: AbortSignal): Promise<string> {
    const { as, client, auth, options } = clientOf(record);
    let next: GrantRecord;
    try {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, record.refreshToken, { ...options, signal });
      next = withTokens(record, await oauth.processRefreshTokenResponse(as, client, response), clock.now());
    } catch (error) {
      throw tokenError(error, { grant, issuer: record.issuer });
    }
    await save(grant, next);
    return next.accessToken ?? '';
  }

  return {
    read,
    save,

    /**
     * A current access token for the grant. Refreshed when it expires within two minutes, or
     * when `rejected` is the token the server just refused (once per rejection: a token
     * refreshed meanwhile by another connection is returned as it is).
     */
    async accessToken(grant: string, { rejected, signal }: { rejected?: string; signal?: AbortSignal } = {}): Promise<string> {
      const running = refreshing.get(grant);
      if (running) return running;
      const record = await read(grant);
      const fresh =
        record.accessToken !== null &&
        record.accessToken !== rejected &&
        (record.expiresAt === null ? rejected === undefined : record.expiresAt - clock.now().getTime() > REFRESH_MARGIN_MS);
      if (fresh && record.accessToken) return record.accessToken;
      const promise = refresh(grant, record, signal).finally(() => refreshing.delete(grant));
      refreshing.set(grant, promise);
      return promise;
    },

    async remove(grant: string): Promise<boolean> {
      return secrets.delete(grantRef(grant));
    },
  };
}

export type OAuthTokens = ReturnType<typeof createOAuthTokens>;
