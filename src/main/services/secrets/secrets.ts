import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { deleteCredentialsFile, readCredentialsFile, writeCredentialsFile } from './credentialsFile';
import { createEncryptedSecretsFile, type SecretEncryptor } from './encryptedFile';
import { secretError } from './errors';

export type { SecretEncryptor } from './encryptedFile';

/**
 * Where account passwords live. A `keychain` reference goes to this computer's secure store:
 * the OS keychain (keytar → Keychain / Credential Vault / Secret Service) when keytar is
 * installed and answers, otherwise — in the app only — a file encrypted with Electron's
 * safeStorage (an injected SecretEncryptor). A `file` reference is a credentials file only the
 * user can read, the answer on a headless server. Nothing else: a password is never taken from
 * arguments, the environment, the config or the database — those only ever hold a SecretRef.
 */

export const KEYCHAIN_SERVICE = 'Logscope';

/** The part of keytar this service uses; injectable so a host without the native module still loads. */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export const SecretRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('keychain'), account: z.string().min(1).max(1024) }),
  z.object({
    kind: z.literal('file'),
    path: z.string().min(1).refine((p) => isAbsolute(p), 'must be an absolute path'),
  }),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

export type SecretStoreDescription =
  | { store: 'keychain'; service: string; account: string }
  | { store: 'file'; path: string };

/** Which secure store `keychain` references use right now, and why not the OS keychain. */
export type SecureStore =
  | { kind: 'os_keychain'; service: string }
  | { kind: 'encrypted_file'; path: string; protection: string; keychainReason: string };

export interface KeychainProbe {
  /** Whether a `keychain` reference can hold a password now (in either secure store). */
  available: boolean;
  /** When not available: why, for each store tried. */
  reason?: string;
  /** When available: which store. */
  store?: SecureStore;
}

/** The keychain account for a mail server login: `imap:USER@HOST:PORT`. */
export function keychainAccount(
  protocol: 'imap' | 'smtp',
  { user, host, port }: { user: string; host: string; port: number },
): string {
  // Host names are case-insensitive; one server must not get two entries.
  return `${protocol}:${user}@${host.toLowerCase()}:${port}`;
}

const PROBE_ACCOUNT_PREFIX = 'logscope:probe:';
const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

async function loadKeytarModule(): Promise<KeytarLike> {
  // Dynamic: keytar is an optional dependency (npm skips it when it cannot be built), so a
  // missing or broken native module must become keychain_unavailable, not a crash at start-up.
  // keytar is CommonJS; its functions sit on the default export.
  const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & Partial<KeytarLike>;
  const keytar = mod.default ?? (mod as KeytarLike);
  if (typeof keytar.getPassword !== 'function') throw new Error('keytar has no getPassword');
  return keytar;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Why keytar did not load, in words a user can act on. */
export function keytarLoadReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') {
    return 'keytar is not installed (an optional dependency: npm skips it when libsecret is missing at install time)';
  }
  return `the keytar module could not be loaded: ${messageOf(error)}`;
}

function parseRef(ref: unknown): SecretRef {
  const parsed = SecretRefSchema.safeParse(ref);
  if (!parsed.success) {
    throw new AppError('invalid_input', { field: 'secretRef', message: parsed.error.issues[0]?.message ?? 'invalid' });
  }
  return parsed.data;
}

function checkPassword(password: unknown): string {
  // A newline cannot round-trip through a credentials file, whose one trailing newline is stripped.
  if (typeof password !== 'string' || password === '' || /[\r\n]/.test(password)) {
    throw new AppError('invalid_input', { field: 'password', message: 'a non-empty single line is required' });
  }
  return password;
}

const reasonOfError = (error: unknown) => (error instanceof AppError ? String(error.params.reason) : messageOf(error));

export function createSecretStore({
  keytar: injectedKeytar,
  loadKeytar = loadKeytarModule,
  service = KEYCHAIN_SERVICE,
  probeTimeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
  encryptedFile,
  encryptor,
}: {
  keytar?: KeytarLike;
  loadKeytar?: () => Promise<KeytarLike>;
  service?: string;
  probeTimeoutMs?: number;
  /** Where the encrypted fallback keeps secrets (the data folder's `secrets.json`); none: no fallback. */
  encryptedFile?: string;
  /** The app's safeStorage; without it the encrypted file is never written or read. */
  encryptor?: SecretEncryptor;
} = {}) {
  let keytarPromise: Promise<KeytarLike> | undefined = injectedKeytar && Promise.resolve(injectedKeytar);
  const file = encryptedFile === undefined ? null : createEncryptedSecretsFile({ path: encryptedFile });

  const keytar = (): Promise<KeytarLike> =>
    (keytarPromise ??= loadKeytar().catch((error: unknown) => {
      throw secretError('keychain_unavailable', { reason: keytarLoadReason(error), alternative: 'credentials_file' }, error);
    }));

  /** Runs a keychain call; any failure of the Secret Service / D-Bus becomes keychain_unavailable. */
  async function withKeychain<T>(call: (k: KeytarLike) => Promise<T>): Promise<T> {
    const k = await keytar();
    try {
      return await call(k);
    } catch (error) {
      throw secretError('keychain_unavailable', { reason: messageOf(error), alternative: 'credentials_file' }, error);
    }
  }

  /** Whether the encrypted file can be read and written here, or why not. */
  async function encryptedStore(): Promise<{ ok: true; encryptor: SecretEncryptor } | { ok: false; reason: string }> {
    if (!encryptor) return { ok: false, reason: 'Electron safeStorage exists only in the Logscope app' };
    const reason = await encryptor.unavailableReason();
    return reason === null ? { ok: true, encryptor } : { ok: false, reason };
  }

  function unavailable(keychainError: unknown, fallbackReason: string): AppError {
    const reason = `${reasonOfError(keychainError)}; ${fallbackReason}`;
    return secretError('keychain_unavailable', { reason, alternative: 'credentials_file' }, keychainError);
  }

  async function keychainRoundTrip(): Promise<void> {
    const account = `${PROBE_ACCOUNT_PREFIX}${randomUUID()}`;
    const value = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the Secret Service did not answer within ${probeTimeoutMs} ms (a locked keyring waiting for a prompt?)`)),
        probeTimeoutMs,
      );
    });
    const roundTrip = withKeychain(async (k) => {
      await k.setPassword(service, account, value);
      const readBack = await k.getPassword(service, account);
      await k.deletePassword(service, account);
      if (readBack !== value) throw new Error('the keychain did not return the value just stored');
    });
    try {
      await Promise.race([roundTrip, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async function getFromSecureStore(account: string): Promise<string> {
    let keychainError: unknown = null;
    try {
      const password = await withKeychain((k) => k.getPassword(service, account));
      if (password !== null) return password;
    } catch (error) {
      keychainError = error;
    }
    // Not in the OS keychain (or it cannot be reached): the encrypted file may hold it.
    if (file) {
      const fallback = await encryptedStore();
      if (fallback.ok) {
        const password = await file.read(service, account, fallback.encryptor);
        if (password !== null) return password;
      } else if (await file.has(service, account)) {
        throw secretError('secret_needs_app', { account, path: file.path, reason: fallback.reason });
      }
      if (keychainError && !fallback.ok) throw unavailable(keychainError, fallback.reason);
    } else if (keychainError) {
      throw keychainError;
    }
    throw secretError('secret_not_found', { store: 'keychain', account });
  }

  async function setInSecureStore(account: string, value: string): Promise<void> {
    try {
      await withKeychain((k) => k.setPassword(service, account, value));
    } catch (keychainError) {
      if (!file) throw keychainError;
      const fallback = await encryptedStore();
      if (!fallback.ok) throw unavailable(keychainError, fallback.reason);
      await file.write(service, account, value, fallback.encryptor);
      return;
    }
    // Now in the keychain: an older copy in the encrypted file must not linger.
    await file?.remove(service, account);
  }

  async function deleteFromSecureStore(account: string): Promise<boolean> {
    const fromFile = (await file?.remove(service, account)) ?? false;
    try {
      return (await withKeychain((k) => k.deletePassword(service, account))) || fromFile;
    } catch (error) {
      if (fromFile) return true;
      // With the encrypted file in use, the unreachable keychain holds nothing of ours.
      if (file && (await encryptedStore()).ok) return false;
      throw error;
    }
  }

  return {
    /**
     * Whether a `keychain` reference can hold a password right now, and in which store. The OS
     * keychain is tried with a write, read and delete of a throw-away entry: a read alone is not
     * enough — on a session bus whose keyring is locked or missing, lookups answer "nothing
     * stored" while every write fails. On Linux without a session bus keytar fails with "Cannot
     * autolaunch D-Bus without X11 $DISPLAY" (atom/node-keytar#292); a keyring waiting for an
     * unlock prompt may never answer, hence the time limit. Then the encrypted file, if the app
     * gave an encryptor that protects its key with the OS.
     */
    async probe(): Promise<KeychainProbe> {
      let keychainReason: string;
      try {
        await keychainRoundTrip();
        return { available: true, store: { kind: 'os_keychain', service } };
      } catch (error) {
        keychainReason = reasonOfError(error);
      }
      if (!file) return { available: false, reason: keychainReason };
      const fallback = await encryptedStore();
      if (!fallback.ok) return { available: false, reason: `${keychainReason}; ${fallback.reason}` };
      return { available: true, store: { kind: 'encrypted_file', path: file.path, protection: fallback.encryptor.protection(), keychainReason } };
    },

    async get(ref: SecretRef): Promise<string> {
      const r = parseRef(ref);
      if (r.kind === 'file') return readCredentialsFile(r.path);
      return getFromSecureStore(r.account);
    },

    async set(ref: SecretRef, password: string): Promise<void> {
      const r = parseRef(ref);
      const value = checkPassword(password);
      if (r.kind === 'file') return writeCredentialsFile(r.path, value);
      await setInSecureStore(r.account, value);
    },

    /** Removes the secret (from both secure stores); false when there was none. */
    async delete(ref: SecretRef): Promise<boolean> {
      const r = parseRef(ref);
      if (r.kind === 'file') return deleteCredentialsFile(r.path);
      return deleteFromSecureStore(r.account);
    },

    /** Which store a reference uses, for "the account test used …" in the UI and logs. */
    describe(ref: SecretRef): SecretStoreDescription {
      const r = parseRef(ref);
      return r.kind === 'file' ? { store: 'file', path: r.path } : { store: 'keychain', service, account: r.account };
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
