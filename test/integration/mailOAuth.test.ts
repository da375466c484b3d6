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
import { tempDataDir } from './support/dataDir';

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
  const opened = await openAppCore({ dataDir, ownerKind: 'serve', memoryLimit: '1GB' });
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
