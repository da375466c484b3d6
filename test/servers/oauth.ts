import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small OAuth 2.0 authorization server on loopback, since the real providers cannot be
 * reached from tests: authorization code with PKCE (S256 checked, RFC 7636), refresh with
 * rotation (as Microsoft does: a used refresh token is void), the device flow (RFC 8628),
 * OpenID discovery, and token introspection (RFC 7662) for Dovecot's oauth2 passdb.
 * Everything is real HTTP; the controls below stand in for a user and an administrator.
 */

export interface OAuthTestServer {
  issuer: string;
  clientId: string;
  /** The user every sign-in is approved for (the test's mailbox user). */
  user: string;
  introspectionUrl: string;
  /** Whose the access token is, as the introspection endpoint would answer (null: not active). */
  userOf(accessToken: string): string | null;
  /** Mints a grant without a browser (for tests that start signed in). */
  issueGrant(): { accessToken: string; refreshToken: string; expiresIn: number };
  /** Makes every access token issued so far invalid (as if its hour had passed). */
  expireAccessTokens(): void;
  /** Revokes every grant: refresh tokens and access tokens stop working. */
  revokeGrants(): void;
  /** Approves (or denies) the pending device-code sign-in with this user code. */
  approveDevice(userCode: string, approve?: boolean): void;
  /** Answers the next device-code poll with `slow_down` (RFC 8628 §3.5). */
  slowDownNextPoll(): void;
  /** Forgets every pending device code, so the next poll gets `expired_token`. */
  expireDeviceCodes(): void;
  /** Fires with each device authorization, so a test can "type in" the code. */
  onDeviceCode(listener: (userCode: string) => void): void;
  counts: { authorize: number; code: number; refresh: number; device: number; introspect: number; introspectActive: number };
  stop(): Promise<void>;
}

interface Grant {
  revoked: boolean;
  refreshToken: string;
  scope: string;
}

const token = () => randomBytes(24).toString('base64url');

function readForm(req: http.IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(new URLSearchParams(body)));
    req.on('error', reject);
  });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startOAuthServer({
  user,
  clientId = 'logscope-test',
  clientSecret,
  accessTokenTtlS = 3600,
}: {
  user: string;
  clientId?: string;
  /** When set, the token endpoint requires it (client_secret_post or basic). */
  clientSecret?: string;
  accessTokenTtlS?: number;
}): Promise<OAuthTestServer> {
  const grants = new Set<Grant>();
  const accessTokens = new Map<string, Grant>();
  const codes = new Map<string, { challenge: string; redirectUri: string; scope: string }>();
  const devices = new Map<string, { userCode: string; scope: string; state: 'pending' | 'approved' | 'denied' }>();
  const deviceListeners: ((userCode: string) => void)[] = [];
  let slowDown = false;
  const counts = { authorize: 0, code: 0, refresh: 0, device: 0, introspect: 0, introspectActive: 0 };

  const newGrant = (scope: string) => {
    const grant: Grant = { revoked: false, refreshToken: token(), scope };
    grants.add(grant);
    return grant;
  };
  const tokensOf = (grant: Grant) => {
    const accessToken = token();
    accessTokens.set(accessToken, grant);
    return { access_token: accessToken, token_type: 'Bearer', expires_in: accessTokenTtlS, refresh_token: grant.refreshToken, scope: grant.scope };
  };

  const clientOk = (req: http.IncomingMessage, form: URLSearchParams): boolean => {
    const basic = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    const [id, secret] = basic
      ? Buffer.from(basic[1] ?? '', 'base64').toString().split(':').map(decodeURIComponent)
      : [form.get('client_id'), form.get('client_secret')];
    return id === clientId && (clientSecret === undefined || secret === clientSecret);
  };

  let issuer = '';
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          device_authorization_endpoint: `${issuer}/device`,
          introspection_endpoint: `${issuer}/introspect`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token', 'urn:ietf:params:oauth:grant-type:device_code'],
          code_challenge_methods_supported: ['S256'],
        });
      }
      if (req.method === 'GET' && url.pathname === '/authorize') {
        counts.authorize += 1;
        const q = url.searchParams;
        const redirect = q.get('redirect_uri') ?? '';
        // RFC 8252 §7.3: a native app's redirect is http on a loopback IP with any port.
        if (q.get('client_id') !== clientId || !/^http:\/\/127\.0\.0\.1:\d+\//.test(redirect)) {
          res.writeHead(400).end('bad client or redirect_uri');
          return;
        }
        const back = new URL(redirect);
        const state = q.get('state');
        if (state !== null) back.searchParams.set('state', state);
        if (q.get('response_type') !== 'code' || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) {
          back.searchParams.set('error', 'invalid_request');
        } else if (q.get('login_hint') === 'deny') {
          back.searchParams.set('error', 'access_denied');
        } else {
          const code = token();
          codes.set(code, { challenge: q.get('code_challenge') ?? '', redirectUri: redirect, scope: q.get('scope') ?? '' });
          back.searchParams.set('code', code);
        }
        // The "user" approves at once: the browser follows this redirect to the app's listener.
        res.writeHead(302, { location: back.toString() }).end();
        return;
      }
      if (req.method === 'POST' && url.pathname === '/device') {
        const form = await readForm(req);
        if (!clientOk(req, form)) return json(res, 401, { error: 'invalid_client' });
        const deviceCode = token();
        const userCode = randomBytes(4).toString('hex').toUpperCase();
        devices.set(deviceCode, { userCode, scope: form.get('scope') ?? '', state: 'pending' });
        for (const listener of deviceListeners) listener(userCode);
        return json(res, 200, {
          device_code: deviceCode,
          user_code: userCode,
          verification_uri: `${issuer}/activate`,
          expires_in: 600,
          interval: 1,
        });
      }
      if (req.method === 'POST' && url.pathname === '/token') {
        const form = await readForm(req);
        if (!clientOk(req, form)) return json(res, 401, { error: 'invalid_client' });
        const grantType = form.get('grant_type');
        if (grantType === 'authorization_code') {
          counts.code += 1;
          const code = codes.get(form.get('code') ?? '');
          codes.delete(form.get('code') ?? '');
          const verifier = form.get('code_verifier') ?? '';
          const challenge = createHash('sha256').update(verifier).digest('base64url');
          if (!code || code.redirectUri !== form.get('redirect_uri') || code.challenge !== challenge) {
            return json(res, 400, { error: 'invalid_grant', error_description: 'code, redirect_uri or code_verifier does not match' });
          }
          return json(res, 200, tokensOf(newGrant(code.scope)));
        }
        if (grantType === 'refresh_token') {
          counts.refresh += 1;
          const grant = [...grants].find((g) => g.refreshToken === form.get('refresh_token'));
          if (!grant || grant.revoked) return json(res, 400, { error: 'invalid_grant', error_description: 'the refresh token was revoked' });
          grant.refreshToken = token();
          return json(res, 200, tokensOf(grant));
        }
        if (grantType === 'urn:ietf:params:oauth:grant-type:device_code') {
          counts.device += 1;
          const device = devices.get(form.get('device_code') ?? '');
          if (!device) return json(res, 400, { error: 'expired_token' });
          if (slowDown) {
            slowDown = false;
            return json(res, 400, { error: 'slow_down' });
          }
          if (device.state === 'pending') return json(res, 400, { error: 'authorization_pending' });
          devices.delete(form.get('device_code') ?? '');
          if (device.state === 'denied') return json(res, 400, { error: 'access_denied' });
          return json(res, 200, tokensOf(newGrant(device.scope)));
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (req.method === 'POST' && url.pathname === '/introspect') {
        counts.introspect += 1;
        const form = await readForm(req);
        const grant = accessTokens.get(form.get('token') ?? '');
        if (!grant || grant.revoked) return json(res, 200, { active: false });
        counts.introspectActive += 1;
        return json(res, 200, { active: true, username: user, scope: grant.scope });
      }
      res.writeHead(404).end();
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    clientId,
    user,
    introspectionUrl: `${issuer}/introspect`,
    issueGrant() {
      const t = tokensOf(newGrant('mail'));
      return { accessToken: t.access_token, refreshToken: t.refresh_token, expiresIn: t.expires_in };
    },
    userOf(accessToken) {
      const grant = accessTokens.get(accessToken);
      return grant && !grant.revoked ? user : null;
    },
    expireAccessTokens: () => accessTokens.clear(),
    revokeGrants() {
      for (const grant of grants) grant.revoked = true;
    },
    approveDevice(userCode, approve = true) {
      const device = [...devices.values()].find((d) => d.userCode === userCode);
      if (!device) throw new Error(`no pending device sign-in ${userCode}`);
      device.state = approve ? 'approved' : 'denied';
    },
    slowDownNextPoll: () => void (slowDown = true),
    expireDeviceCodes: () => devices.clear(),
    onDeviceCode: (listener) => void deviceListeners.push(listener),
    counts,
    async stop() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
