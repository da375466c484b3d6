import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppCore } from '../../src/main/app';
import { createLocalApi } from '../../src/main/transport/local';
import type { Api } from '../../src/shared/api/client';
import { AppError } from '../../src/shared/api/errors';
import { createTestCertificate, type TestCertificate } from '../servers/certs';
import { startDovecot, type DovecotServer } from '../servers/dovecot';
import { startOAuthServer, type OAuthTestServer } from '../servers/oauth';
import { openOwnedCore, tempDataDir } from './support/dataDir';
import { buildMessage, csvLog } from './support/mailFixtures';
import { jsonLines, runCli } from './support/cli';

// The keychain is the real one; the CLI half needs `npx electron-vite build` first:
//   scripts/with-keyring.sh npx vitest run test/integration/mailDeviceLogin.test.ts

const alice = { user: 'alice', password: 'alice-device-pw-1' };
let certDir: string;
let cert: TestCertificate;
let oauth: OAuthTestServer;
let dovecot: DovecotServer;
let core: AppCore;
let api: Api;
const dataDir = tempDataDir('logscope-device-');

beforeAll(async () => {
  certDir = await mkdtemp(join(tmpdir(), 'logscope-device-cert-'));
  cert = await createTestCertificate(certDir);
  oauth = await startOAuthServer({ user: alice.user });
  dovecot = await startDovecot({ users: [alice], cert, oauth2: { introspectionUrl: oauth.introspectionUrl } });
  core = await openOwnedCore(dataDir);
  api = createLocalApi(core.rpc, core.events);
});

afterAll(async () => {
  await core?.dispose();
  await dovecot?.stop();
  await oauth?.stop();
  if (certDir) await rm(certDir, { recursive: true, force: true });
});

/** Waits (polling) until the token endpoint has seen more device-code polls than `than`. */
async function polledMoreThan(than: number): Promise<void> {
  while (oauth.counts.device <= than) await new Promise((resolve) => setTimeout(resolve, 50));
}

const custom = () => ({ provider: 'custom' as const, issuer: oauth.issuer, clientId: oauth.clientId, scope: 'mail', user: alice.user });

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('device-code sign-in (RFC 8628) against the test authorization server', () => {
  it('When the server says slow_down and then authorization_pending, Then polling goes on until the user approves, and the grant is stored', async () => {
    const before = oauth.counts.device;
    oauth.slowDownNextPoll();
    const started = await api.call('mail.oauth.deviceBegin', custom());
    expect(started.verificationUri).toBe(`${oauth.issuer}/activate`);
    expect(started.userCode).toMatch(/^[0-9A-F]{8}$/);
    const signedIn = api.call('mail.oauth.complete', { sessionId: started.sessionId });
    await polledMoreThan(before + 1);
    oauth.approveDevice(started.userCode);
    const result = await signedIn;
    expect(result).toEqual({ grant: `custom:${alice.user}`, provider: 'custom', user: alice.user });
    // slow_down, authorization_pending, then the tokens.
    expect(oauth.counts.device - before).toBe(3);
    const record = await core.oauth.read(result.grant);
    expect(record.deviceAuthorizationEndpoint).toBe(`${oauth.issuer}/device`);
    expect(oauth.userOf(await core.oauth.accessToken(result.grant))).toBe(alice.user);
  }, 60_000);

  it('When the user denies the sign-in, Then it fails with access_denied in plain words', async () => {
    const before = oauth.counts.device;
    const started = await api.call('mail.oauth.deviceBegin', custom());
    const signedIn = caught(api.call('mail.oauth.complete', { sessionId: started.sessionId }));
    await polledMoreThan(before);
    oauth.approveDevice(started.userCode, false);
    const error = await signedIn;
    expect(error.code).toBe('oauth_sign_in_failed');
    expect(error.params).toMatchObject({ issuer: oauth.issuer, reason: 'access_denied' });
  }, 60_000);

  it('When the code expires before anyone enters it, Then the sign-in says so and names the code', async () => {
    const started = await api.call('mail.oauth.deviceBegin', custom());
    oauth.expireDeviceCodes();
    const error = await caught(api.call('mail.oauth.complete', { sessionId: started.sessionId }));
    expect(error.code).toBe('oauth_device_expired');
    expect(error.params).toEqual({ userCode: started.userCode });
  }, 60_000);

  it('When the provider is Google, Then it says Google has no device-code sign-in for mail before asking anything', async () => {
    const error = await caught(api.call('mail.oauth.deviceBegin', { provider: 'google', clientId: 'x.apps.googleusercontent.com', user: 'logs@example.com' }));
    expect(error.code).toBe('oauth_device_unsupported');
  });
});

describe('logscope account login on a headless server', () => {
  it('When an account is signed in with the device code, Then the prompt is on stderr, the account uses the grant, and logscope fetch collects with it', async () => {
    const cliDir = tempDataDir('logscope-device-cli-');
    const opened = await openOwnedCore(cliDir);
    const cliApi = createLocalApi(opened.rpc, opened.events);
    await cliApi.call('mail.accounts.create', {
      name: 'headless',
      host: '127.0.0.1',
      port: dovecot.imapsPort,
      security: 'tls',
      user: alice.user,
      trust: { kind: 'pinned', fingerprint256: cert.fingerprint256 },
      secret: { store: 'keychain', password: alice.password },
    });
    await cliApi.call('mail.rules.create', { name: 'headless-rule', accountId: (await cliApi.call('mail.accounts.list', {}))[0]!.id, dataset: 'device_mail', attachmentPatterns: ['*.csv'] });
    await opened.dispose();
    await dovecot.appendMessage(alice.user, buildMessage({ subject: 'device', attachments: [{ name: 'device.csv', content: csvLog(15, 9), contentType: 'text/csv' }] }));

    // The test is the user who reads the code from the terminal and types it in elsewhere.
    const typedIn: string[] = [];
    oauth.onDeviceCode((userCode) => {
      const before = oauth.counts.device;
      void polledMoreThan(before).then(() => {
        typedIn.push(userCode);
        oauth.approveDevice(userCode);
      });
    });
    const login = await runCli(['--data-dir', cliDir, '--json', 'account', 'login', 'headless', '--provider', 'custom', '--issuer', oauth.issuer, '--client-id', oauth.clientId, '--scope', 'mail']);
    expect(login.status).toBe(0);
    expect(typedIn).toHaveLength(1);
    expect(login.stderr).toContain(`open ${oauth.issuer}/activate on any device and enter the code ${typedIn[0]}`);
    expect(jsonLines(login.stdout)).toEqual([expect.objectContaining({ name: 'headless', oauth2_grant: `custom:${alice.user}`, signed_in_as: alice.user })]);

    // Dovecot's passdb asks the introspection endpoint: this sign-in is the token's, not the password's.
    const introspected = oauth.counts.introspectActive;
    const fetched = await runCli(['--data-dir', cliDir, '--json', 'fetch']);
    expect(fetched.stderr).toBe('');
    expect(fetched.status).toBe(0);
    expect(jsonLines(fetched.stdout)).toContainEqual(expect.objectContaining({ rule: 'headless-rule', imported: 1 }));
    expect(oauth.counts.introspectActive).toBeGreaterThan(introspected);
  }, 120_000);
});
