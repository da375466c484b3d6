import { execFile, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/shared/api/errors';
import { credentialsFileProblem } from '../../src/main/services/secrets/credentialsFile';
import type { SecretEncryptor } from '../../src/main/services/secrets/encryptedFile';
import { createSecretStore, keychainAccount, type KeytarLike, type SecretRef } from '../../src/main/services/secrets/secrets';

// Keychain cases need a Secret Service: run this file as
//   scripts/with-keyring.sh npx vitest run test/integration/secrets.test.ts
// Without one they FAIL, unless LOGSCOPE_TEST_NO_KEYRING=1 says that is expected here.

const execFileAsync = promisify(execFile);
const repoRoot = resolve(import.meta.dirname, '../..');
const secretsModuleUrl = pathToFileURL(join(repoRoot, 'src/main/services/secrets/secrets.ts')).href;
const isRoot = process.getuid?.() === 0;
const hasDbusRunSession = spawnSync('dbus-run-session', ['--version']).status === 0;

const store = createSecretStore();
const keychainProbe = await store.probe();
const noKeyringExpected = process.env.LOGSCOPE_TEST_NO_KEYRING === '1';
const keychainIt = !keychainProbe.available && noKeyringExpected ? it.skip : it;

function requireKeychain() {
  expect(
    keychainProbe,
    `no OS keychain reachable (${keychainProbe.reason}): run under scripts/with-keyring.sh, or set LOGSCOPE_TEST_NO_KEYRING=1 to skip keychain cases`,
  ).toEqual({ available: true, store: { kind: 'os_keychain', service: 'Logscope' } });
}

async function caught(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

/** What the Secret Service itself holds under (service, account), asked over D-Bus without keytar. */
async function secretServiceItems(account: string): Promise<string> {
  const { stdout } = await execFileAsync('gdbus', [
    'call', '--session', '--dest', 'org.freedesktop.secrets', '--object-path', '/org/freedesktop/secrets',
    '--method', 'org.freedesktop.Secret.Service.SearchItems', `{'service': 'Logscope', 'account': '${account}'}`,
  ]);
  return stdout;
}

describe('keychain (OS Secret Service through keytar)', () => {
  keychainIt('When a password is set, Then it reads back, is held by the Secret Service under Logscope, and deletes', async () => {
    requireKeychain();
    const account = keychainAccount('imap', { user: `alice-${randomUUID()}@example.test`, host: 'IMAP.Example.test', port: 993 });
    expect(account).toMatch(/^imap:alice-.*@example\.test@imap\.example\.test:993$/);
    const ref: SecretRef = { kind: 'keychain', account };

    await store.set(ref, 'pä$$ wörd');
    try {
      expect(await store.get(ref)).toBe('pä$$ wörd');
      expect(store.describe(ref)).toEqual({ store: 'keychain', service: 'Logscope', account });
      // Independent of keytar: the item is in the Secret Service, unlocked, with our attributes.
      expect(await secretServiceItems(account)).toMatch(/\[objectpath '\/org\/freedesktop\/secrets\/collection\/\w+\/\d+'\]/);

      await store.set(ref, 'second');
      expect(await store.get(ref)).toBe('second');
    } finally {
      expect(await store.delete(ref)).toBe(true);
    }
    expect(await secretServiceItems(account)).toContain('@ao [], @ao []');
    expect(await store.delete(ref)).toBe(false);
    const error = await caught(store.get(ref));
    expect(error.code).toBe('secret_not_found');
    expect(error.params).toMatchObject({ store: 'keychain', account });
  });

  keychainIt('When two accounts are stored, Then each keeps its own password', async () => {
    requireKeychain();
    const imap: SecretRef = { kind: 'keychain', account: keychainAccount('imap', { user: 'u', host: 'h', port: 143 }) };
    const smtp: SecretRef = { kind: 'keychain', account: keychainAccount('smtp', { user: 'u', host: 'h', port: 587 }) };
    await store.set(imap, 'imap-pw');
    await store.set(smtp, 'smtp-pw');
    try {
      expect([await store.get(imap), await store.get(smtp)]).toEqual(['imap-pw', 'smtp-pw']);
    } finally {
      await store.delete(imap);
      await store.delete(smtp);
    }
  });

  /** Runs probe() and a keychain get() in a fresh node process with `env`, optionally under `wrapper`. */
  async function probeInChild(env: NodeJS.ProcessEnv, wrapper: string[] = [], nodeArgs: string[] = []) {
    const script = `
      import { createSecretStore } from ${JSON.stringify(secretsModuleUrl)};
      const store = createSecretStore();
      const probe = await store.probe();
      let error;
      try { await store.get({ kind: 'keychain', account: 'imap:a@b:993' }); } catch (e) { error = { code: e.code, params: e.params, cause: String(e.cause) }; }
      process.stdout.write(JSON.stringify({ probe, error }));
    `;
    const [command, ...args] = [...wrapper, process.execPath, '--import', 'tsx', ...nodeArgs, '--input-type=module', '-e', script];
    const { stdout } = await execFileAsync(command!, args, { cwd: repoRoot, env });
    return JSON.parse(stdout) as {
      probe: { available: boolean; reason?: string };
      error?: { code: string; params: Record<string, unknown>; cause: string };
    };
  }

  function envWithoutSessionBus(): NodeJS.ProcessEnv {
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    delete env.DISPLAY;
    delete env.WAYLAND_DISPLAY;
    // GDBus also looks for $XDG_RUNTIME_DIR/bus before giving up.
    delete env.XDG_RUNTIME_DIR;
    return env;
  }

  it('When no session bus is reachable, Then probe says unavailable with the D-Bus reason and get throws keychain_unavailable', async () => {
    const result = await probeInChild(envWithoutSessionBus());
    expect(result.probe.available).toBe(false);
    expect(result.probe.reason).toMatch(/D-Bus|DBus|DISPLAY/);
    expect(result.error?.code).toBe('keychain_unavailable');
    expect(result.error?.params).toMatchObject({ reason: result.probe.reason, alternative: 'credentials_file' });
    expect(result.error?.cause).toContain(result.probe.reason);
  });

  it.runIf(hasDbusRunSession)('When a session bus exists but no keyring is unlocked, Then probe says unavailable (a lookup alone would answer "nothing stored")', async () => {
    // D-Bus activates gnome-keyring-daemon, which has no unlocked collection and no display to
    // prompt on. Its files go to a temporary XDG_DATA_HOME, not the user's own keyrings.
    const home = await mkdtemp(join(tmpdir(), 'logscope-nokeyring-'));
    try {
      const env = { ...envWithoutSessionBus(), XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: join(home, 'run') };
      await mkdir(env.XDG_RUNTIME_DIR, { mode: 0o700 });
      const result = await probeInChild(env, ['dbus-run-session', '--']);
      expect(result.probe.available).toBe(false);
      expect(result.probe.reason).toBeTruthy();
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });

  it('When keytar is not installed (npm skipped the optional package), Then the real import fails, probe says so and get throws keychain_unavailable', async () => {
    // A resolve hook sends `keytar` to a package name that does not exist, so Node's own
    // resolver fails exactly as it does in a node_modules without keytar.
    const dir = await mkdtemp(join(tmpdir(), 'logscope-nokeytar-'));
    try {
      await writeFile(
        join(dir, 'hooks.mjs'),
        "export async function resolve(specifier, context, next) { return next(specifier === 'keytar' ? 'keytar-not-installed-here' : specifier, context); }\n",
      );
      await writeFile(join(dir, 'register.mjs'), "import { register } from 'node:module';\nregister('./hooks.mjs', import.meta.url);\n");
      const result = await probeInChild(process.env, [], ['--import', pathToFileURL(join(dir, 'register.mjs')).href]);
      expect(result.probe).toEqual({
        available: false,
        reason: 'keytar is not installed (an optional dependency: npm skips it when libsecret is missing at install time)',
      });
      expect(result.error?.code).toBe('keychain_unavailable');
      expect(result.error?.params).toMatchObject({ reason: result.probe.reason, alternative: 'credentials_file' });
      expect(result.error?.cause).toContain('keytar-not-installed-here');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('When the keytar module cannot be loaded, Then the store still works for files and says keychain_unavailable', async () => {
    const broken = createSecretStore({
      loadKeytar: () => Promise.reject(new Error("Cannot find module 'keytar'")),
    });
    const probe = await broken.probe();
    expect(probe).toEqual({ available: false, reason: "the keytar module could not be loaded: Cannot find module 'keytar'" });
    const error = await caught(broken.set({ kind: 'keychain', account: 'smtp:a@b:465' }, 'pw'));
    expect(error.code).toBe('keychain_unavailable');
    expect(error.cause).toBeInstanceOf(Error);
  });
});

/**
 * Stands in for Electron's safeStorage, which cannot run here: AES-256-GCM under a key held in
 * memory, so a file written with one encryptor cannot be read with another.
 */
function testEncryptor({ unavailable = null as string | null } = {}): SecretEncryptor & { calls: number } {
  const key = randomBytes(32);
  return {
    calls: 0,
    unavailableReason: async () => unavailable,
    protection: () => 'test AES-GCM',
    async encrypt(plaintext) {
      this.calls++;
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    async decrypt(ciphertext) {
      const decipher = createDecipheriv('aes-256-gcm', key, ciphertext.subarray(0, 12));
      decipher.setAuthTag(ciphertext.subarray(12, 28));
      return Buffer.concat([decipher.update(ciphertext.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

const keytarMissing = () => Promise.reject(Object.assign(new Error("Cannot find package 'keytar'"), { code: 'ERR_MODULE_NOT_FOUND' }));
const keytarNotInstalled = 'keytar is not installed (an optional dependency: npm skips it when libsecret is missing at install time)';

describe('secure store fallback: a file encrypted by the app (safeStorage)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logscope-encrypted-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const ref: SecretRef = { kind: 'keychain', account: 'imap:logs@mail.example.test:993' };

  it('When keytar is missing and the app gives an encryptor, Then passwords go to a 0600 file that holds no plaintext, and probe says why', async () => {
    const path = join(dir, 'app.json');
    const encryptor = testEncryptor();
    const app = createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor });

    expect(await app.probe()).toEqual({
      available: true,
      store: { kind: 'encrypted_file', path, protection: 'test AES-GCM', keychainReason: keytarNotInstalled },
    });
    await app.set(ref, 'pä$$ wörd');
    await app.set({ kind: 'keychain', account: 'smtp:reports@mail.example.test:465' }, 'second');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    const text = await readFile(path, 'utf8');
    expect(text).not.toContain('pä$$');
    expect(JSON.parse(text)).toMatchObject({ format: 'logscope-secrets', version: 1, entries: [{ service: 'Logscope', account: ref.account }, { account: 'smtp:reports@mail.example.test:465' }] });
    expect(await app.get(ref)).toBe('pä$$ wörd');
    expect(app.describe(ref)).toEqual({ store: 'keychain', service: 'Logscope', account: ref.account });

    await app.set(ref, 'changed');
    expect(await app.get(ref)).toBe('changed');
    expect(JSON.parse(await readFile(path, 'utf8')).entries).toHaveLength(2);
    expect(await app.delete(ref)).toBe(true);
    expect(await app.delete(ref)).toBe(false);
    expect(await caught(app.get(ref))).toMatchObject({ code: 'secret_not_found', params: { account: ref.account } });
  });

  it('When the logscope command (no encryptor) meets a password the app encrypted, Then it says only the app can open it, and can still remove it', async () => {
    const path = join(dir, 'command.json');
    await createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor: testEncryptor() }).set(ref, 'pw');
    const command = createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path });

    const error = await caught(command.get(ref));
    expect(error.code).toBe('secret_needs_app');
    expect(error.params).toEqual({ account: ref.account, path, reason: 'Electron safeStorage exists only in the Logscope app' });
    expect(await command.probe()).toEqual({ available: false, reason: `${keytarNotInstalled}; Electron safeStorage exists only in the Logscope app` });
    const setError = await caught(command.set(ref, 'new'));
    expect(setError).toMatchObject({ code: 'keychain_unavailable', params: { alternative: 'credentials_file' } });
    expect(String(setError.params.reason)).toContain(keytarNotInstalled);

    expect(await command.delete(ref)).toBe(true);
    expect(JSON.parse(await readFile(path, 'utf8')).entries).toEqual([]);
  });

  it('When the encryptor refuses (Linux basic_text), Then nothing is written and the error gives both reasons', async () => {
    const path = join(dir, 'refused.json');
    const encryptor = testEncryptor({ unavailable: 'backend basic_text protects nothing' });
    const app = createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor });
    const error = await caught(app.set(ref, 'pw'));
    expect(error).toMatchObject({ code: 'keychain_unavailable', params: { reason: `${keytarNotInstalled}; backend basic_text protects nothing` } });
    expect(encryptor.calls).toBe(0);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(await app.probe()).toMatchObject({ available: false, reason: `${keytarNotInstalled}; backend basic_text protects nothing` });
  });

  it('When the file was written under another key, is not ours to read, or is not a secrets file, Then secrets_file_unreadable says which', async () => {
    const path = join(dir, 'other-key.json');
    await createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor: testEncryptor() }).set(ref, 'pw');
    const otherKey = createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor: testEncryptor() });
    const undecryptable = await caught(otherKey.get(ref));
    expect(undecryptable.code).toBe('secrets_file_unreadable');
    expect(String(undecryptable.params.reason)).toMatch(/^cannot decrypt the password of imap:logs@mail\.example\.test:993/);

    await chmod(path, 0o644);
    expect(await caught(otherKey.get(ref))).toMatchObject({ code: 'secrets_file_unreadable', params: { path, reason: 'group_or_world_accessible (mode 0644)' } });

    const notOurs = join(dir, 'not-ours.json');
    await writeFile(notOurs, '{"entries": "nope"}\n', { mode: 0o600 });
    const store = createSecretStore({ loadKeytar: keytarMissing, encryptedFile: notOurs, encryptor: testEncryptor() });
    expect(await caught(store.get(ref))).toMatchObject({ code: 'secrets_file_unreadable', params: { reason: 'not_a_secrets_file' } });
    // Nothing is overwritten: a set refuses too and the file is as it was.
    expect(await caught(store.set(ref, 'pw'))).toMatchObject({ code: 'secrets_file_unreadable' });
    expect(await readFile(notOurs, 'utf8')).toBe('{"entries": "nope"}\n');
  });

  it('When keytar answers again, Then a password left in the encrypted file is still read, and setting it moves it into the keychain', async () => {
    const path = join(dir, 'moves.json');
    const encryptor = testEncryptor();
    await createSecretStore({ loadKeytar: keytarMissing, encryptedFile: path, encryptor }).set(ref, 'from-file');
    const held = new Map<string, string>();
    const fakeKeychain: KeytarLike = {
      getPassword: async (service, account) => held.get(`${service}/${account}`) ?? null,
      setPassword: async (service, account, password) => void held.set(`${service}/${account}`, password),
      deletePassword: async (service, account) => held.delete(`${service}/${account}`),
    };
    const app = createSecretStore({ keytar: fakeKeychain, encryptedFile: path, encryptor });
    expect(await app.probe()).toEqual({ available: true, store: { kind: 'os_keychain', service: 'Logscope' } });
    expect(await app.get(ref)).toBe('from-file');
    await app.set(ref, 'in-keychain');
    expect(held.get(`Logscope/${ref.account}`)).toBe('in-keychain');
    expect(JSON.parse(await readFile(path, 'utf8')).entries).toEqual([]);
    expect(await app.get(ref)).toBe('in-keychain');
  });
});

describe('credentials file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'logscope-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const fileRef = (name: string): SecretRef & { path: string } => ({ kind: 'file', path: join(dir, name) });

  it('When a password is written, Then the file is 0600, ours, holds the password alone, and reads back', async () => {
    const ref = fileRef('write.pw');
    await store.set(ref, 's3cret with spaces');
    const s = await stat(ref.path);
    expect(s.mode & 0o777).toBe(0o600);
    expect(s.uid).toBe(process.getuid!());
    expect(await readFile(ref.path, 'utf8')).toBe('s3cret with spaces\n');
    expect(await store.get(ref)).toBe('s3cret with spaces');
    expect(store.describe(ref)).toEqual({ store: 'file', path: ref.path });
    // The write went through a temporary file renamed into place, and left nothing behind.
    expect((await readdir(dir)).filter((n) => n.includes('write.pw'))).toEqual(['write.pw']);
  });

  it('When a file is rewritten, Then it is replaced by rename (new inode), narrowed from 0644 to 0600, and 0400 is kept', async () => {
    const ref = fileRef('rewrite.pw');
    await writeFile(ref.path, 'old\n', { mode: 0o644 });
    await chmod(ref.path, 0o644);
    const before = await stat(ref.path);
    await store.set(ref, 'new');
    const after = await stat(ref.path);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await store.get(ref)).toBe('new');

    await chmod(ref.path, 0o400);
    await store.set(ref, 'newer');
    expect((await stat(ref.path)).mode & 0o777).toBe(0o400);
    expect(await store.get(ref)).toBe('newer');
  });

  it('When a file is written by hand, Then one trailing newline (LF or CRLF) is stripped, and a second line is refused', async () => {
    const cases: Array<[string, string]> = [
      ['no-newline', 'pw'],
      ['lf', 'pw\n'],
      ['crlf', 'pw\r\n'],
    ];
    const read: string[] = [];
    for (const [name, content] of cases) {
      const ref = fileRef(`hand-${name}.pw`);
      await writeFile(ref.path, content, { mode: 0o600 });
      read.push(await store.get(ref));
    }
    expect(read).toEqual(['pw', 'pw', 'pw']);
    // A password is one line: what is left after that newline is not part of it.
    const two = fileRef('hand-two.pw');
    await writeFile(two.path, 'pw\n\n', { mode: 0o600 });
    expect(await caught(store.get(two))).toMatchObject({ code: 'credentials_file_unreadable', params: { reason: 'more_than_one_line' } });
  });

  for (const mode of [0o640, 0o604, 0o660, 0o700 | 0o001]) {
    it(`When the file mode is ${mode.toString(8)}, Then reading is refused naming the path and the mode`, async () => {
      const ref = fileRef(`insecure-${mode.toString(8)}.pw`);
      await writeFile(ref.path, 'pw\n', { mode: 0o600 });
      await chmod(ref.path, mode);
      const error = await caught(store.get(ref));
      expect(error.code).toBe('credentials_file_insecure');
      const modeText = '0' + mode.toString(8);
      expect(error.params).toMatchObject({ path: ref.path, mode: modeText, reason: 'group_or_world_accessible' });
      expect(error.message).toContain(ref.path);
      expect(error.message).toContain(modeText);
    });
  }

  it.runIf(isRoot)('When the file belongs to another user (nobody), Then reading is refused even at 0600', async () => {
    const ref = fileRef('foreign.pw');
    await writeFile(ref.path, 'pw\n', { mode: 0o600 });
    await chown(ref.path, 65534, 65534);
    const error = await caught(store.get(ref));
    expect(error.code).toBe('credentials_file_insecure');
    expect(error.params).toMatchObject({ path: ref.path, mode: '0600', reason: 'not_owned_by_user', ownerUid: 65534, uid: 0 });
  });

  it('When the owner rule is checked on its own, Then only "owned by the current uid and no group/world bits" passes', () => {
    expect(credentialsFileProblem({ mode: 0o100600, uid: 1000 }, 1000)).toBeNull();
    expect(credentialsFileProblem({ mode: 0o100400, uid: 1000 }, 1000)).toBeNull();
    expect(credentialsFileProblem({ mode: 0o100600, uid: 0 }, 1000)).toMatchObject({ reason: 'not_owned_by_user' });
    expect(credentialsFileProblem({ mode: 0o100610, uid: 1000 }, 1000)).toMatchObject({
      reason: 'group_or_world_accessible',
      mode: '0610',
    });
  });

  it('When the file is missing, empty, more than one line, or a directory, Then the error says which', async () => {
    const missing = fileRef('missing.pw');
    expect(await caught(store.get(missing))).toMatchObject({ code: 'credentials_file_missing', params: { path: missing.path } });

    const empty = fileRef('empty.pw');
    await writeFile(empty.path, '\n', { mode: 0o600 });
    expect(await caught(store.get(empty))).toMatchObject({ code: 'credentials_file_missing', params: { reason: 'empty' } });

    // A private key at a wrong path is not a password, though it is ours and 0600.
    const key = fileRef('id_ed25519');
    await writeFile(key.path, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n', { mode: 0o600 });
    expect(await caught(store.get(key))).toMatchObject({ code: 'credentials_file_unreadable', params: { reason: 'more_than_one_line' } });

    const folder = fileRef('folder.pw');
    await mkdir(folder.path, { mode: 0o700 });
    expect(await caught(store.get(folder))).toMatchObject({
      code: 'credentials_file_unreadable',
      params: { path: folder.path, reason: 'not_a_regular_file' },
    });
  });

  it('When a file is deleted, Then it is gone and a second delete reports false', async () => {
    const ref = fileRef('delete.pw');
    await store.set(ref, 'pw');
    expect(await store.delete(ref)).toBe(true);
    expect(await store.delete(ref)).toBe(false);
  });

  it('When a reference or password is malformed, Then invalid_input is thrown before anything is touched', async () => {
    expect(await caught(store.get({ kind: 'file', path: 'relative/pw' }))).toMatchObject({ code: 'invalid_input' });
    expect(await caught(store.set(fileRef('bad.pw'), 'two\nlines'))).toMatchObject({ code: 'invalid_input' });
    expect(await caught(store.set(fileRef('bad.pw'), ''))).toMatchObject({ code: 'invalid_input' });
    expect(await readdir(dir)).not.toContain('bad.pw');
  });
});
