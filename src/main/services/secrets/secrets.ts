import { randomUUID } from 'node:crypto';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { deleteCredentialsFile, readCredentialsFile, writeCredentialsFile } from './credentialsFile';
import { secretError } from './errors';

/**
 * Where account passwords live: the OS keychain (keytar → Keychain / Credential Vault /
 * Secret Service) or, where no keychain is reachable, a credentials file only the user can read.
 * Nothing else: a password is never taken from arguments, the environment, the config or the
 * database — those only ever hold a SecretRef.
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

export interface KeychainProbe {
  available: boolean;
  reason?: string;
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
  // Dynamic: a missing or unbuildable native module must become keychain_unavailable, not a
  // crash at start-up. keytar is CommonJS; its functions sit on the default export.
  const mod = (await import('keytar')) as unknown as { default?: KeytarLike } & Partial<KeytarLike>;
  const keytar = mod.default ?? (mod as KeytarLike);
  if (typeof keytar.getPassword !== 'function') throw new Error('keytar has no getPassword');
  return keytar;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
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

export function createSecretStore({
  keytar: injectedKeytar,
  loadKeytar = loadKeytarModule,
  service = KEYCHAIN_SERVICE,
  probeTimeoutMs = DEFAULT_PROBE_TIMEOUT_MS,
}: {
  keytar?: KeytarLike;
  loadKeytar?: () => Promise<KeytarLike>;
  service?: string;
  probeTimeoutMs?: number;
} = {}) {
  let keytarPromise: Promise<KeytarLike> | undefined = injectedKeytar && Promise.resolve(injectedKeytar);

  const keytar = (): Promise<KeytarLike> =>
    (keytarPromise ??= loadKeytar().catch((error: unknown) => {
      throw secretError(
        'keychain_unavailable',
        { reason: `the keytar module could not be loaded: ${messageOf(error)}`, alternative: 'credentials_file' },
        error,
      );
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

  return {
    /**
     * Whether the OS keychain can hold a password right now: a write, read and delete of a
     * throw-away entry. A read alone is not enough — on a session bus whose keyring is locked
     * or missing, lookups answer "nothing stored" while every write fails. On Linux without a
     * session bus keytar fails with "Cannot autolaunch D-Bus without X11 $DISPLAY"
     * (atom/node-keytar#292); a keyring waiting for an unlock prompt may never answer, hence
     * the time limit.
     */
    async probe(): Promise<KeychainProbe> {
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
        return { available: true };
      } catch (error) {
        const reason = error instanceof AppError ? String(error.params.reason) : messageOf(error);
        return { available: false, reason };
      } finally {
        clearTimeout(timer);
      }
    },

    async get(ref: SecretRef): Promise<string> {
      const r = parseRef(ref);
      if (r.kind === 'file') return readCredentialsFile(r.path);
      const password = await withKeychain((k) => k.getPassword(service, r.account));
      if (password === null) throw secretError('secret_not_found', { store: 'keychain', account: r.account });
      return password;
    },

    async set(ref: SecretRef, password: string): Promise<void> {
      const r = parseRef(ref);
      const value = checkPassword(password);
      if (r.kind === 'file') return writeCredentialsFile(r.path, value);
      await withKeychain((k) => k.setPassword(service, r.account, value));
    },

    /** Removes the secret; false when there was none. */
    async delete(ref: SecretRef): Promise<boolean> {
      const r = parseRef(ref);
      if (r.kind === 'file') return deleteCredentialsFile(r.path);
      return withKeychain((k) => k.deletePassword(service, r.account));
    },

    /** Which store a reference uses, for "the account test used …" in the UI and logs. */
    describe(ref: SecretRef): SecretStoreDescription {
      const r = parseRef(ref);
      return r.kind === 'file' ? { store: 'file', path: r.path } : { store: 'keychain', service, account: r.account };
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;
