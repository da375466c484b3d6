import { constants, type Stats } from 'node:fs';
import { lstat, open, rename, unlink } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { secretError } from './errors';

/**
 * A credentials file holds one password and nothing else, readable by its owner only — the
 * headless-server answer when no OS keychain is reachable (the same contract as systemd's
 * LoadCredential=). On Windows, POSIX modes and uids do not describe access (ACLs do), so the
 * mode and owner rules apply on POSIX only.
 */

/** A password file is a line, not a document; anything larger is a wrong path. */
const MAX_CREDENTIALS_FILE_BYTES = 4 * 1024;

const isPosix = () => process.platform !== 'win32';

export const formatMode = (mode: number) => '0' + (mode & 0o777).toString(8).padStart(3, '0');

/**
 * Why `stat` may not hold a password for the process with `uid`, or null when it may.
 * Pure, so the rule is checked without touching the disk.
 */
export function credentialsFileProblem(
  stat: Pick<Stats, 'mode' | 'uid'>,
  uid: number,
): { reason: 'group_or_world_accessible' | 'not_owned_by_user'; mode: string; ownerUid: number } | null {
  const mode = formatMode(stat.mode);
  if (stat.uid !== uid) return { reason: 'not_owned_by_user', mode, ownerUid: stat.uid };
  if ((stat.mode & 0o077) !== 0) return { reason: 'group_or_world_accessible', mode, ownerUid: stat.uid };
  return null;
}

function errnoCode(error: unknown): string {
  return (error as NodeJS.ErrnoException | undefined)?.code ?? 'unknown';
}

/** Reads the password from `path`, refusing a file others could read or that is not ours. */
export async function readCredentialsFile(path: string): Promise<string> {
  const text = await readPrivateFile(path, MAX_CREDENTIALS_FILE_BYTES);
  // Editors and `echo` add one newline; it is not part of the password.
  const password = text.replace(/\r?\n$/, '');
  if (password === '') throw secretError('credentials_file_missing', { path, reason: 'empty' });
  // A key or a config file at a wrong path must not go to a server as a password.
  if (/[\r\n]/.test(password)) throw secretError('credentials_file_unreadable', { path, reason: 'more_than_one_line' });
  return password;
}

/**
 * Reads a file only its owner may read (the rules of a credentials file, also applied to the
 * encrypted secrets file): a regular file, ours, no group or world bits, at most `maxBytes`.
 */
export async function readPrivateFile(path: string, maxBytes: number): Promise<string> {
  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not hang; fstat below then refuses it as not a file.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') throw secretError('credentials_file_missing', { path }, error);
    throw secretError('credentials_file_unreadable', { path, reason: errnoCode(error) }, error);
  }
  try {
    // fstat on the open descriptor: the file checked is the file read, even if the path is swapped.
    const stat = await handle.stat();
    if (!stat.isFile()) throw secretError('credentials_file_unreadable', { path, reason: 'not_a_regular_file' });
    if (isPosix()) {
      const uid = process.getuid!();
      const problem = credentialsFileProblem(stat, uid);
      if (problem) throw secretError('credentials_file_insecure', { path, ...problem, uid });
    }
    if (stat.size > maxBytes) {
      throw secretError('credentials_file_unreadable', { path, reason: 'too_large', sizeBytes: stat.size });
    }
    try {
      return await handle.readFile({ encoding: 'utf8' });
    } catch (error) {
      throw secretError('credentials_file_unreadable', { path, reason: errnoCode(error) }, error);
    }
  } finally {
    await handle.close();
  }
}

/**
 * Writes `password` to `path` atomically: a temporary file created with mode 0600 (never
 * readable by others, not even for an instant) is renamed over the target. An existing file's
 * owner bits are kept when narrower (0400 stays 0400); group and world bits are never carried over.
 */
export async function writeCredentialsFile(path: string, password: string): Promise<void> {
  await writePrivateFile(path, password + '\n');
}

/** The atomic owner-only write behind a credentials file, also used for the encrypted secrets file. */
export async function writePrivateFile(path: string, content: string): Promise<void> {
  let mode = 0o600;
  try {
    const existing = await lstat(path);
    if (existing.isFile()) mode = (existing.mode & 0o600) | 0o400;
  } catch (error) {
    if (errnoCode(error) !== 'ENOENT') {
      throw secretError('credentials_file_unwritable', { path, reason: errnoCode(error) }, error);
    }
  }
  const tempPath = join(dirname(path), `.${basename(path)}.${randomUUID()}.tmp`);
  let handle;
  try {
    handle = await open(tempPath, 'wx', mode);
  } catch (error) {
    throw secretError('credentials_file_unwritable', { path, reason: errnoCode(error) }, error);
  }
  try {
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tempPath, path);
  } catch (error) {
    await unlink(tempPath).catch((cleanupError: unknown) => {
      if (errnoCode(cleanupError) !== 'ENOENT') throw new AggregateError([error, cleanupError], 'cleanup failed');
    });
    throw secretError('credentials_file_unwritable', { path, reason: errnoCode(error) }, error);
  }
}

/** Removes the file; false when there was none. */
export async function deleteCredentialsFile(path: string): Promise<boolean> {
  try {
    await unlink(path);
    return true;
  } catch (error) {
    if (errnoCode(error) === 'ENOENT') return false;
    throw secretError('credentials_file_unwritable', { path, reason: errnoCode(error) }, error);
  }
}
