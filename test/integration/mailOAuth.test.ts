import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openAppCore, type AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startOAuthServer, type OAuthTestServer } from '../servers/oauth';
import { startSmtpServer } from '../servers/smtp';
import { createOAuthSignIn } from '../../src/main/services/oauth/signIn';
import { silentLogger } from '../../src/main/services/logger';
import { systemClock } from '../../src/main/services/clock';
import { tempDataDir } from './support/dataDir';
import { jsonLines, runCli } from './support/cli';

// The keychain is the real one: run as
//   scripts/with-keyring.sh npx vitest run test/integration/mailOAuth.test.ts

const alice = { user: 'alice', password: 'not-used-by-oauth-7' };
let certDir: string;
let cert: TestCertificate;
let oauth: OAuthTestServer;
let dovecot: DovecotServer;
let core: AppCore;
let api: Api;
const dataDir = tempDataDir('logscope-oauth-');

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-oauth-cert-'));
  cert = await createTestCertificate(certDir);
  oauth = await startOAuthServer({ user: alice.user });
  dovecot = await startDovecot({ users: [alice], cert, oauth2: { introspectionUrl: oauth.introspectionUrl } });
  // The test plays the system browser: it follows the authorization URL (the test server
  // approves at once and redirects to the app's loopback listener).
  const opened = await openAppCore({ dataDir, ownerKind: 'serve', memoryLimit: '1GB', openExternal: async (url) => void playBrowser(url) });
  if ('served' in opened) throw new Error('expected to own the data folder');
  core = opened;
  api = createLocalApi(core.rpc, core.events);
});

afterAll(async () => {
  await core?.dispose();
  await dovecot?.stop();
  await oauth?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

const browserVisits: Promise<Response>[] = [];
function playBrowser(url: string): Promise<Response> {
  const visit = fetch(url, { redirect: 'follow' });
  browserVisits.push(visit);
  return visit;
}

async function seedGrant(grant: string) {
  const issued = oauth.issueGrant();
  await core.oauth.save(grant, {
    v: 1,
    provider: 'custom',
    issuer: oauth.issuer,
    tokenEndpoint: `${oauth.issuer}/token`,
    deviceAuthorizationEndpoint: null,
    clientId: oauth.clientId,
    scope: 'mail',
    user: alice.user,
    refreshToken: issued.refreshToken,
    accessToken: issued.accessToken,
    expiresAt: Date.now() + issued.expiresIn * 1000,
  });
}

describe('IMAP with an OAuth2 grant (Dovecot oauth2 passdb, tokens introspected on loopback)', () => {
  it('When the access token is refused, Then it is refreshed once and the sign-in succeeds; When the grant is revoked, Then the test says sign in again', async () => {
    const grant = `custom:alice-${Math.random().toString(36).slice(2, 8)}`;
    await seedGrant(grant);
    const account = await api.call('mail.accounts.create', {
      name: grant,
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'oauth2', grant },
    });
    expect(account.secret).toEqual({ store: 'oauth2', grant });

    const first = await api.call('mail.accounts.test', { id: account.id });
    expect(first.error).toBeNull();
    expect(first.ok).toBe(true);
    expect(oauth.counts.refresh).toBe(0);

    oauth.expireAccessTokens();
    const second = await api.call('mail.accounts.test', { id: account.id });
    expect(second.error).toBeNull();
    expect(oauth.counts.refresh).toBe(1);
    const stored = await core.oauth.read(grant);
    expect(oauth.userOf(stored.accessToken ?? '')).toBe(alice.user);

    oauth.revokeGrants();
    const third = await api.call('mail.accounts.test', { id: account.id });
    expect(third.ok).toBe(false);
    expect(third.error).toMatchObject({ code: 'oauth_sign_in_again', params: { grant } });
  }, 60_000);
});

describe('SMTP with the same kind of grant (smtp-server XOAUTH2)', () => {
  it('When the SMTP server refuses the access token, Then nodemailer asks our store once for a new one and the test succeeds', async () => {
    const smtp = await startSmtpServer({ users: [alice], cert, oauth2: { userOf: (token) => oauth.userOf(token) } });
    try {
      const grant = `custom:alice-smtp-${Math.random().toString(36).slice(2, 8)}`;
      await seedGrant(grant);
      const account = await api.call('smtp.accounts.create', {
        name: grant,
        host: '127.0.0.1',
        port: smtp.port,
        security: 'starttls',
        user: alice.user,
        from: 'logscope@example.test',
        trust: { kind: 'ca_file', path: cert.caPath },
        secret: { store: 'oauth2', grant },
      });
      const refreshes = oauth.counts.refresh;
      oauth.expireAccessTokens();
      const result = await api.call('smtp.accounts.test', { id: account.id });
      expect(result.error).toBeNull();
      expect(smtp.stats.xoauth2Logins).toBe(1);
      expect(oauth.counts.refresh).toBe(refreshes + 1);
    } finally {
      await smtp.stop();
    }
  }, 60_000);
});

describe('Browser sign-in (authorization code + PKCE, loopback redirect on 127.0.0.1)', () => {
  it('When the user signs in at a custom provider found by discovery, Then the grant is stored and the IMAP account signs in with it', async () => {
    const visits = browserVisits.length;
    const codes = oauth.counts.code;
    const started = await api.call('mail.oauth.begin', { provider: 'custom', issuer: oauth.issuer, clientId: oauth.clientId, scope: 'mail', user: alice.user });
    expect(started.opened).toBe(true);
    const url = new URL(started.authorizationUrl);
    expect(url.origin + url.pathname).toBe(`${oauth.issuer}/authorize`);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(url.searchParams.get('state')).toBeTruthy();

    const signedIn = await api.call('mail.oauth.complete', { sessionId: started.sessionId });
    expect(signedIn).toEqual({ grant: `custom:${alice.user}`, provider: 'custom', user: alice.user });
    expect(browserVisits.length).toBe(visits + 1);
    const page = await browserVisits[visits];
    expect(page?.status).toBe(200);
    expect(await page?.text()).toContain('Signed in');
    expect(oauth.counts.code).toBe(codes + 1);

    // One shot: the listener is gone once it has answered.
    await expect(fetch(url.searchParams.get('redirect_uri') ?? '')).rejects.toThrow();

    const account = await api.call('mail.accounts.create', {
      name: 'signed-in',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'oauth2', grant: signedIn.grant },
    });
    const tested = await api.call('mail.accounts.test', { id: account.id });
    expect(tested.error).toBeNull();
    expect(tested.ok).toBe(true);

    // After a revocation, "sign in again" needs only the grant's name.
    oauth.revokeGrants();
    oauth.expireAccessTokens();
    const refused = await api.call('mail.accounts.test', { id: account.id });
    expect(refused.error).toMatchObject({ code: 'oauth_sign_in_again' });
    const again = await api.call('mail.oauth.begin', { provider: 'again', grant: signedIn.grant });
    expect(new URL(again.authorizationUrl).searchParams.get('client_id')).toBe(oauth.clientId);
    await expect(api.call('mail.oauth.complete', { sessionId: again.sessionId })).resolves.toMatchObject({ grant: signedIn.grant });
    expect((await api.call('mail.accounts.test', { id: account.id })).ok).toBe(true);
  }, 60_000);

  it('When the redirect carries another state, Then the sign-in fails and nothing is stored', async () => {
    const signIn = createOAuthSignIn({ tokens: core.oauth, clock: systemClock, log: silentLogger });
    try {
      const started = await signIn.begin({ provider: 'custom', issuer: oauth.issuer, clientId: oauth.clientId, user: 'mallory' });
      expect(started.opened).toBe(false);
      const redirect = new URL(new URL(started.authorizationUrl).searchParams.get('redirect_uri') ?? '');
      redirect.searchParams.set('code', 'forged');
      redirect.searchParams.set('state', 'not-the-state');
      const failed = expect(signIn.complete(started.sessionId)).rejects.toMatchObject({ code: 'oauth_sign_in_failed' });
      const page = await fetch(redirect);
      expect(page.status).toBe(400);
      await failed;
      await expect(core.oauth.read('custom:mallory')).rejects.toMatchObject({ code: 'oauth_grant_not_found' });
    } finally {
      signIn.dispose();
    }
  });

  it('When no answer comes back from the browser, Then the sign-in times out with a clear error', async () => {
    const signIn = createOAuthSignIn({ tokens: core.oauth, clock: systemClock, log: silentLogger, timeoutMs: 50 });
    const started = await signIn.begin({ provider: 'google', clientId: 'x.apps.googleusercontent.com', user: 'someone@example.com' });
    const url = new URL(started.authorizationUrl);
    expect(url.origin + url.pathname).toBe('https://accounts.google.com/o/oauth2/v2/auth');
    expect(url.searchParams.get('scope')).toBe('https://mail.google.com/');
    expect(url.searchParams.get('access_type')).toBe('offline');
    await expect(signIn.complete(started.sessionId)).rejects.toMatchObject({ code: 'oauth_sign_in_timeout' });
  });

  it('When the issuer has no OpenID configuration, Then the sign-in says so before any browser opens', async () => {
    await expect(api.call('mail.oauth.begin', { provider: 'custom', issuer: `${oauth.issuer}/nowhere`, clientId: 'x', user: 'u' })).rejects.toMatchObject({ code: 'oauth_discovery_failed' });
  });
});

describe('logscope fetch and jobs run with a revoked grant', () => {
  it('When the grant was revoked, Then logscope fetch says "sign in again" and exits 3', async () => {
    const cliDir = tempDataDir('logscope-oauth-cli-');
    const opened = await openAppCore({ dataDir: cliDir, ownerKind: 'serve', memoryLimit: '1GB' });
    if ('served' in opened) throw new Error('expected to own the data folder');
    const cliApi = createLocalApi(opened.rpc, opened.events);
    const grant = `custom:alice-cli-${Math.random().toString(36).slice(2, 8)}`;
    const issued = oauth.issueGrant();
    await opened.oauth.save(grant, {
      v: 1,
      provider: 'custom',
      issuer: oauth.issuer,
      tokenEndpoint: `${oauth.issuer}/token`,
      deviceAuthorizationEndpoint: null,
      clientId: oauth.clientId,
      scope: 'mail',
      user: alice.user,
      refreshToken: issued.refreshToken,
      accessToken: issued.accessToken,
      expiresAt: Date.now() + issued.expiresIn * 1000,
    });
    const account = await cliApi.call('mail.accounts.create', {
      name: 'cli-oauth',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'oauth2', grant },
    });
    await cliApi.call('mail.rules.create', { name: 'cli-rule', accountId: account.id, dataset: 'cli_mail' });
    await opened.dispose();

    const ok = await runCli(['--data-dir', cliDir, '--json', 'fetch']);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);

    oauth.revokeGrants();
    oauth.expireAccessTokens();
    const fetched = await runCli(['--data-dir', cliDir, '--json', 'fetch']);
    expect(fetched.status).toBe(3);
    expect(fetched.stderr).toContain('Sign in again');
    expect(jsonLines(fetched.stdout)).toContainEqual(expect.objectContaining({ error: expect.objectContaining({ code: 'oauth_sign_in_again' }) }));
  }, 120_000);
});
