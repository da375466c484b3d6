import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { setTimeout as wait } from 'node:timers/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as oauth from 'oauth4webapi';
import { AppError } from '../../../shared/api/errors';
import type { OAuthProviderId, OAuthSignedIn, OAuthSignInInput } from '../../../shared/api/contract/mail';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Handlers } from '../../transport/rpc';
import { isLoopbackUrl, presetEndpoints } from './providers';
import { clientOf, defaultGrantName, tokenError, withTokens, type GrantRecord, type OAuthTokens } from './tokens';

/**
 * Browser sign-in for mail accounts (issue 22): the authorization-code flow with PKCE (S256)
 * and a loopback redirect as RFC 8252 describes for native apps — a one-shot listener on
 * 127.0.0.1 with a port the OS chooses, the `state` checked, the system browser opened by the
 * shell (never an embedded web view). The grant goes to the token store; the caller gets
 * only its name.
 */

/** What is needed to ask a provider for a grant, before any token exists. */
export interface GrantSettings {
  provider: OAuthProviderId;
  issuer: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  deviceAuthorizationEndpoint: string | null;
  clientId: string;
  clientSecret?: string;
  scope: string;
  /** Extra query parameters of the authorization request (Google: a refresh token needs offline access and consent). */
  extraParams: Record<string, string>;
  user: string;
}

export interface OAuthSignInDeps {
  tokens: OAuthTokens;
  clock: Clock;
  log: Logger;
  /** Opens a URL in the system browser (Electron's shell.openExternal); absent in browser mode, where the page opens it. */
  openExternal?: (url: string) => Promise<void>;
  /** How long a sign-in waits for the browser; default five minutes. */
  timeoutMs?: number;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

const googleExtra = { access_type: 'offline', prompt: 'consent' };

/** Reads an OpenID provider's configuration from `/.well-known/openid-configuration`. */
export async function discover(issuer: string, signal?: AbortSignal): Promise<oauth.AuthorizationServer> {
  const url = new URL(issuer);
  if (url.protocol !== 'https:' && !isLoopbackUrl(url)) throw new AppError('oauth_discovery_failed', { issuer, reason: 'the issuer must be an https URL' });
  try {
    const response = await oauth.discoveryRequest(url, { algorithm: 'oidc', signal, [oauth.allowInsecureRequests]: isLoopbackUrl(url) });
    return await oauth.processDiscoveryResponse(url, response);
  } catch (error) {
    throw new AppError('oauth_discovery_failed', { issuer, reason: messageOf(error) }, { cause: error });
  }
}

/** The endpoints and scope a sign-in asks for, from a preset, discovery, or an existing grant. */
export async function grantSettings(input: OAuthSignInInput, tokens: OAuthTokens, signal?: AbortSignal): Promise<GrantSettings> {
  if (input.provider === 'again') {
    const record = await tokens.read(input.grant);
    const authorizationEndpoint =
      record.authorizationEndpoint ??
      (record.provider === 'custom' ? (await discover(record.issuer, signal)).authorization_endpoint : presetEndpoints(record.provider).authorizationEndpoint);
    if (!authorizationEndpoint) throw new AppError('oauth_discovery_failed', { issuer: record.issuer, reason: 'no authorization_endpoint' });
    return {
      provider: record.provider,
      issuer: record.issuer,
      authorizationEndpoint,
      tokenEndpoint: record.tokenEndpoint,
      deviceAuthorizationEndpoint: record.deviceAuthorizationEndpoint,
      clientId: record.clientId,
      ...(record.clientSecret ? { clientSecret: record.clientSecret } : {}),
      scope: record.scope,
      extraParams: record.provider === 'google' ? googleExtra : {},
      user: record.user ?? '',
    };
  }
  const client = { clientId: input.clientId, ...(input.clientSecret ? { clientSecret: input.clientSecret } : {}), user: input.user };
  if (input.provider === 'custom') {
    const as = await discover(input.issuer, signal);
    if (!as.authorization_endpoint || !as.token_endpoint) {
      throw new AppError('oauth_discovery_failed', { issuer: input.issuer, reason: 'no authorization_endpoint or token_endpoint' });
    }
    return {
      provider: 'custom',
      issuer: as.issuer,
      authorizationEndpoint: as.authorization_endpoint,
      tokenEndpoint: as.token_endpoint,
      deviceAuthorizationEndpoint: as.device_authorization_endpoint ?? null,
      scope: input.scope ?? 'openid offline_access',
      extraParams: {},
      ...client,
    };
  }
  const preset = presetEndpoints(input.provider, input.provider === 'microsoft' && input.tenant ? { tenant: input.tenant } : {});
  return { provider: input.provider, ...preset, extraParams: input.provider === 'google' ? googleExtra : {}, ...client };
}

/** The grant record for a token answer, and the user it is for (an ID token's e-mail when there is one). */
export function recordOf(settings: GrantSettings, response: oauth.TokenEndpointResponse, now: Date): { record: GrantRecord; user: string } {
  const claims = oauth.getValidatedIdTokenClaims(response);
  const claimed = claims && (typeof claims.email === 'string' ? claims.email : typeof claims.preferred_username === 'string' ? claims.preferred_username : null);
  const user = claimed ?? settings.user;
  const record = withTokens(
    {
      v: 1,
      provider: settings.provider,
      issuer: settings.issuer,
      tokenEndpoint: settings.tokenEndpoint,
      authorizationEndpoint: settings.authorizationEndpoint,
      deviceAuthorizationEndpoint: settings.deviceAuthorizationEndpoint,
      clientId: settings.clientId,
      ...(settings.clientSecret ? { clientSecret: settings.clientSecret } : {}),
      scope: settings.scope,
      user,
    },
    response,
    now,
  );
  return { record, user };
}

const donePage = (ok: boolean) =>
  `<!doctype html><meta charset="utf-8"><title>Logscope</title><body style="font-family:system-ui,sans-serif;margin:3rem">` +
  (ok
    ? '<h1>Signed in</h1><p>You can close this window and go back to Logscope.</p><p lang="ko">로그인되었습니다. 이 창을 닫고 Logscope로 돌아가세요.</p>'
    : '<h1>Sign-in did not succeed</h1><p>Go back to Logscope to see why.</p><p lang="ko">로그인하지 못했습니다. Logscope에서 이유를 확인하세요.</p>') +
  '</body>';

interface Session {
  result: Promise<OAuthSignedIn>;
  cancel(): void;
}

export function createOAuthSignIn({ tokens, clock, log, openExternal, timeoutMs = 5 * 60_000 }: OAuthSignInDeps) {
  const sessions = new Map<string, Session>();

  async function begin(input: OAuthSignInInput, signal?: AbortSignal) {
    const settings = await grantSettings(input, tokens, signal);
    const { as, client, auth, options } = clientOf(settings);
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();

    const server = http.createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

    const url = new URL(settings.authorizationEndpoint);
    const params = {
      client_id: settings.clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: settings.scope,
      state,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      ...(settings.user ? { login_hint: settings.user } : {}),
      ...settings.extraParams,
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);

    let settle: (error: AppError | null, verified?: URLSearchParams) => void = () => undefined;
    const callback = new Promise<URLSearchParams>((resolve, reject) => {
      settle = (error, verified) => {
        clearTimeout(timer);
        server.closeAllConnections();
        server.close();
        if (error) reject(error);
        else resolve(verified as URLSearchParams);
      };
    });
    const timer = setTimeout(() => settle(new AppError('oauth_sign_in_timeout', { minutes: Math.round(timeoutMs / 60_000) })), timeoutMs);
    // One shot: the first request to the redirect path ends the listener, whatever it carries;
    // a wrong `state` (a forged redirect) ends the sign-in rather than waiting for another.
    server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      const answered = new URL(req.url ?? '/', redirectUri);
      if (req.method !== 'GET' || answered.pathname !== '/') {
        res.writeHead(404).end();
        return;
      }
      let error: AppError | null = null;
      let verified: URLSearchParams | undefined;
      try {
        verified = oauth.validateAuthResponse(as, client, answered.searchParams, state);
      } catch (cause) {
        const reason = cause instanceof oauth.AuthorizationResponseError ? `${cause.error}${cause.error_description ? `: ${cause.error_description}` : ''}` : messageOf(cause);
        error = new AppError('oauth_sign_in_failed', { issuer: settings.issuer, reason }, { cause });
      }
      res.writeHead(error ? 400 : 200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'" });
      res.end(donePage(error === null), () => settle(error, verified));
    });

    const sessionId = randomUUID();
    const result = (async (): Promise<OAuthSignedIn> => {
      const verified = await callback;
      let tokensAnswer: oauth.TokenEndpointResponse;
      try {
        const response = await oauth.authorizationCodeGrantRequest(as, client, auth, verified, redirectUri, verifier, options);
        tokensAnswer = await oauth.processAuthorizationCodeResponse(as, client, response);
      } catch (error) {
        const wrapped = tokenError(error, { grant: '', issuer: settings.issuer });
        throw wrapped.code === 'oauth_sign_in_again' ? new AppError('oauth_sign_in_failed', { issuer: settings.issuer, reason: String(wrapped.params.reason) }, { cause: error }) : wrapped;
      }
      const { record, user } = recordOf(settings, tokensAnswer, clock.now());
      const grant = input.provider === 'again' ? input.grant : defaultGrantName(settings.provider, user);
      await tokens.save(grant, record);
      log.info('oauth sign-in stored', { provider: settings.provider, grant });
      return { grant, provider: settings.provider, user };
    })();
    // A settled sign-in waits a minute to be collected; handling it here also keeps a session
    // nobody waits for from surfacing as an unhandled rejection.
    const forget = () => setTimeout(() => sessions.delete(sessionId), 60_000).unref();
    result.then(forget, forget);
    sessions.set(sessionId, { result, cancel: () => settle(new AppError('cancelled', {})) });

    let opened = false;
    if (openExternal) {
      try {
        await openExternal(url.toString());
        opened = true;
      } catch (error) {
        log.warn('could not open the system browser', { error: messageOf(error) });
      }
    }
    return { sessionId, authorizationUrl: url.toString(), opened };
  }

  /**
   * RFC 8628 for headless servers (`logscope account login`): the provider hands out a user
   * code to type in on any device; the token endpoint is polled every `interval` seconds
   * (five more after each `slow_down`, §3.5) until the user approves, denies, or the code
   * expires. The grant goes to the same token store as a browser sign-in's.
   */
  async function beginDevice(input: OAuthSignInInput, signal?: AbortSignal) {
    const settings = await grantSettings(input, tokens, signal);
    if (!settings.deviceAuthorizationEndpoint) throw new AppError('oauth_device_unsupported', { provider: settings.provider === 'google' ? 'Google' : settings.issuer });
    const { as, client, auth, options } = clientOf(settings);
    let device: oauth.DeviceAuthorizationResponse;
    try {
      const response = await oauth.deviceAuthorizationRequest(as, client, auth, { scope: settings.scope }, { ...options, signal });
      device = await oauth.processDeviceAuthorizationResponse(as, client, response);
    } catch (error) {
      const wrapped = tokenError(error, { grant: '', issuer: settings.issuer });
      throw wrapped.code === 'oauth_token_failed' ? wrapped : new AppError('oauth_sign_in_failed', { issuer: settings.issuer, reason: String(wrapped.params.reason) }, { cause: error });
    }
    const controller = new AbortController();
    const expiresAt = clock.now().getTime() + device.expires_in * 1000;
    const expired = () => new AppError('oauth_device_expired', { userCode: device.user_code });
    const result = (async (): Promise<OAuthSignedIn> => {
      let intervalMs = (device.interval ?? 5) * 1000;
      for (;;) {
        try {
          await wait(intervalMs, undefined, { signal: controller.signal });
        } catch {
          throw new AppError('cancelled', {});
        }
        if (clock.now().getTime() >= expiresAt) throw expired();
        let answer: oauth.TokenEndpointResponse;
        try {
          const response = await oauth.deviceCodeGrantRequest(as, client, auth, device.device_code, { ...options, signal: controller.signal });
          answer = await oauth.processDeviceCodeResponse(as, client, response);
        } catch (error) {
          if (controller.signal.aborted) throw new AppError('cancelled', {});
          if (error instanceof oauth.ResponseBodyError) {
            if (error.error === 'authorization_pending') continue;
            if (error.error === 'slow_down') {
              intervalMs += 5000;
              continue;
            }
            if (error.error === 'expired_token') throw expired();
            if (error.error === 'access_denied') {
              throw new AppError('oauth_sign_in_failed', { issuer: settings.issuer, reason: error.error_description ?? 'access_denied' }, { cause: error });
            }
          }
          throw tokenError(error, { grant: '', issuer: settings.issuer });
        }
        const { record, user } = recordOf(settings, answer, clock.now());
        const grant = input.provider === 'again' ? input.grant : defaultGrantName(settings.provider, user);
        await tokens.save(grant, record);
        log.info('oauth device sign-in stored', { provider: settings.provider, grant });
        return { grant, provider: settings.provider, user };
      }
    })();
    const sessionId = randomUUID();
    const forget = () => setTimeout(() => sessions.delete(sessionId), 60_000).unref();
    result.then(forget, forget);
    sessions.set(sessionId, { result, cancel: () => controller.abort() });
    return {
      sessionId,
      verificationUri: device.verification_uri,
      verificationUriComplete: device.verification_uri_complete ?? null,
      userCode: device.user_code,
      expiresInS: device.expires_in,
    };
  }

  async function complete(sessionId: string, signal?: AbortSignal): Promise<OAuthSignedIn> {
    const session = sessions.get(sessionId);
    if (!session) throw new AppError('not_found', { sessionId });
    signal?.addEventListener('abort', () => session.cancel(), { once: true });
    try {
      return await session.result;
    } finally {
      sessions.delete(sessionId);
    }
  }

  return {
    begin,
    beginDevice,
    complete,
    cancel(sessionId: string): boolean {
      const session = sessions.get(sessionId);
      session?.cancel();
      return session !== undefined;
    },
    dispose() {
      for (const session of sessions.values()) session.cancel();
    },
  };
}

export type OAuthSignIn = ReturnType<typeof createOAuthSignIn>;

export function createOAuthHandlers(signIn: OAuthSignIn): Pick<Handlers, 'mail.oauth.begin' | 'mail.oauth.deviceBegin' | 'mail.oauth.complete' | 'mail.oauth.cancel'> {
  return {
    'mail.oauth.begin': (input, { signal }) => signIn.begin(input, signal),
    'mail.oauth.deviceBegin': (input, { signal }) => signIn.beginDevice(input, signal),
    'mail.oauth.complete': (input, { signal }) => signIn.complete(input.sessionId, signal),
    'mail.oauth.cancel': async (input) => ({ cancelled: signIn.cancel(input.sessionId) }),
  };
}
