import { z } from 'zod';
import { AppError } from '../../../shared/api/errors';
import { readPrivateFile, writePrivateFile } from './credentialsFile';
import { secretError } from './errors';

/**
 * Encrypts secrets with a key the operating system keeps for this user: in the app, Electron's
 * safeStorage (Keychain on macOS, DPAPI on Windows, the Secret Service or KWallet on Linux).
 * The shell injects it, so this service never imports electron; without it (the `logscope`
 * command, `logscope serve`) the encrypted file can be listed and pruned but not read.
 */
export interface SecretEncryptor {
  /** Why it cannot protect a secret here, or null when it can. */
  unavailableReason(): Promise<string | null>;
  /** What protects the key, for the UI: "Electron safeStorage (gnome_libsecret)". */
  protection(): string;
  encrypt(plaintext: string): Promise<Buffer>;
  decrypt(ciphertext: Buffer): Promise<string>;
}

/**
 * Why Electron's safeStorage must not hold passwords here, or null when it may. On Linux it
 * falls back to `basic_text` when it finds no Secret Service or KWallet: a key hard-coded in
 * Chromium, so the "encrypted" file would be as readable as a plain one (and `unknown`
 * before the app is ready). Pure, so the rule is tested without Electron.
 */
export function safeStorageProblem({
  platform,
  available,
  linuxBackend,
}: {
  platform: NodeJS.Platform;
  available: boolean;
  linuxBackend: string | null;
}): string | null {
  if (platform === 'linux' && (linuxBackend === 'basic_text' || linuxBackend === 'unknown' || linuxBackend === null)) {
    return `Electron safeStorage found no Secret Service or KWallet on this desktop (backend ${linuxBackend ?? 'none'}: a key built into Chromium, which protects nothing)`;
  }
  if (!available) return 'Electron safeStorage cannot encrypt here (the OS did not provide a key)';
  return null;
}

/** Passwords of a few dozen accounts; anything larger is not our file. */
const MAX_FILE_BYTES = 1024 * 1024;

const SecretsFileSchema = z.object({
  format: z.literal('logscope-secrets'),
  version: z.literal(1),
  entries: z.array(z.object({ service: z.string(), account: z.string(), ciphertext: z.base64() })),
});
type Entry = z.infer<typeof SecretsFileSchema>['entries'][number];

function reasonOf(error: unknown): string {
  if (error instanceof AppError) {
    const { reason, mode } = error.params as { reason?: unknown; mode?: unknown };
    if (error.code === 'credentials_file_insecure') return `${String(reason)} (mode ${String(mode)})`;
    return String(reason ?? error.code);
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * One owner-only JSON file (mode 0600, replaced atomically) holding each secret encrypted on
 * its own. Names stay readable so a command without the encryptor can still say that a
 * password is there and remove it. Writes in this process run one after another; only the
 * data folder's owner process opens it.
 */
export function createEncryptedSecretsFile({ path }: { path: string }) {
  let queue: Promise<unknown> = Promise.resolve();
  const serially = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  async function load(): Promise<Entry[]> {
    let text: string;
    try {
      text = await readPrivateFile(path, MAX_FILE_BYTES);
    } catch (error) {
      if (error instanceof AppError && error.code === 'credentials_file_missing') return [];
      throw secretError('secrets_file_unreadable', { path, reason: reasonOf(error) }, error);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw secretError('secrets_file_unreadable', { path, reason: 'not_a_secrets_file' }, error);
    }
    const parsed = SecretsFileSchema.safeParse(json);
    if (!parsed.success) throw secretError('secrets_file_unreadable', { path, reason: 'not_a_secrets_file' });
    return parsed.data.entries;
  }

  const save = (entries: Entry[]) => writePrivateFile(path, JSON.stringify({ format: 'logscope-secrets', version: 1, entries }, null, 2) + '\n');
  const matches = (service: string, account: string) => (e: Entry) => e.service === service && e.account === account;

  return {
    path,

    async has(service: string, account: string): Promise<boolean> {
      return (await load()).some(matches(service, account));
    },

    async read(service: string, account: string, encryptor: SecretEncryptor): Promise<string | null> {
      const entry = (await load()).find(matches(service, account));
      if (!entry) return null;
      try {
        return await encryptor.decrypt(Buffer.from(entry.ciphertext, 'base64'));
      } catch (error) {
        // The OS key changed (a reset keyring, another user account): this value is lost.
        throw secretError('secrets_file_unreadable', { path, reason: `cannot decrypt the password of ${account}: ${reasonOf(error)}` }, error);
      }
    },

    write(service: string, account: string, value: string, encryptor: SecretEncryptor): Promise<void> {
      return serially(async () => {
        const ciphertext = (await encryptor.encrypt(value)).toString('base64');
        const entries = (await load()).filter((e) => !matches(service, account)(e));
        await save([...entries, { service, account, ciphertext }]);
      });
    },

    /** Removes the entry; false when there was none. Needs no encryptor. */
    remove(service: string, account: string): Promise<boolean> {
      return serially(async () => {
        const entries = await load();
        const kept = entries.filter((e) => !matches(service, account)(e));
        if (kept.length === entries.length) return false;
        await save(kept);
        return true;
      });
    },
  };
}

export type EncryptedSecretsFile = ReturnType<typeof createEncryptedSecretsFile>;
